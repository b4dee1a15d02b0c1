// The runtime scenarios of `clw-worker reproduce`, then `clw-diag DIR`: a V8 heap that runs out,
// GC pauses measured in the task child, and a worker whose RSS grows with every task.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/worker/config.js';
import { diagnose, reproduce, tempDir } from './helpers.js';

/** The pid of the task child the worker started for task `id`. */
function taskPid(log: string, id: string): number {
  return Number(new RegExp(`task '${id}' started: type \\w+, task pid (\\d+)`).exec(log)?.[1]);
}

const HOUR_MS = 3_600_000;

describe('worker.toml: task.heap_mb and task.gc_pause_warn_ms', () => {
  const load = (task: string) => {
    const file = join(tempDir(), 'worker.toml');
    writeFileSync(file, `[task]\n${task}\n`);
    return loadConfig(file).task;
  };

  it('leaves the heap to Node and warns at 500 ms unless told otherwise', () => {
    const dflt = load('');
    expect(dflt.heap_mb).toBeUndefined();
    expect(dflt.gc_pause_warn_ms).toBe(500);
    expect(load('heap_mb = 64\ngc_pause_warn_ms = 50')).toMatchObject({ heap_mb: 64, gc_pause_warn_ms: 50 });
  });

  it('refuses a heap that is not a positive whole number of MiB, and a threshold of 0', () => {
    expect(() => load('heap_mb = 0')).toThrow(ConfigError);
    expect(() => load('heap_mb = 0')).toThrow(/task\.heap_mb must be greater than 0 \(got 0\)$/);
    expect(() => load('heap_mb = 1.5')).toThrow(/task\.heap_mb must be an integer \(got 1\.5\)$/);
    expect(() => load('gc_pause_warn_ms = 0')).toThrow(/task\.gc_pause_warn_ms must be greater than 0 \(got 0\)$/);
  });
});

describe('clw-worker reproduce: the JavaScript runtime', { timeout: 60_000 }, () => {
  it('heap-oom: V8 aborts the task child at task.heap_mb; clw-diag ranks oom.runtime first', async () => {
    const { dir, log } = await reproduce('heap-oom');
    expect(readFileSync(join(dir, 'worker.toml'), 'utf8')).toMatch(/^heap_mb = 48$/m);
    const pid = taskPid(log, 'load-rows');
    expect(log).toContain(`ERROR: worker ${pid} exited with code 134`);
    const stderr = readFileSync(join(dir, 'stderr.log'), 'utf8');
    expect(stderr).toMatch(/^FATAL ERROR: .+ Allocation failed - JavaScript heap out of memory$/m);
    expect(stderr).toContain(`[${pid}:0x`);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({ category: 'oom.runtime', facts: { pid, exitCode: 134, signal: 'SIGABRT' } });
  });

  it('gc-pause: the task child reports its measured GC pauses; clw-diag ranks gc.pause first', async () => {
    const { dir, log } = await reproduce('gc-pause');
    const pid = taskPid(log, 'reindex-catalog');
    const pauses = [...log.matchAll(/clw-worker\[pid=(\d+)\]: WARN: clw-gc-pause: GC pause (\d+)ms \(threshold 50ms, kind (\w+)\)/g)];
    expect(pauses.length).toBeGreaterThan(0);
    for (const [, by, ms, kind] of pauses) {
      expect(Number(by)).toBe(pid);
      expect(Number(ms)).toBeGreaterThan(50);
      expect(['major', 'minor', 'incremental', 'weakcb']).toContain(kind);
    }
    // The task ran to its end: the drain after SIGTERM did not have to kill it.
    expect(log).toMatch(/task 'reindex-catalog' completed in /);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({
      category: 'gc.pause', count: pauses.length,
      facts: { pid, thresholdMs: 50, pauseMs: Math.max(...pauses.map((p) => Number(p[2]))) },
    });
  });

  it('memory-leak: heartbeats show the worker RSS growing; clw-diag ranks leak.memory first with rate and time to the limit', async () => {
    const { dir, log } = await reproduce('memory-leak');
    const beats = [...log.matchAll(/^(\S+) clw-worker\[pid=\d+\]: INFO: heartbeat rss_bytes=(\d+) limit_bytes=(\d+) /gm)]
      .map(([, at, rss, limit]) => ({ at: Date.parse(at), rss: Number(rss), limit: Number(limit) }));
    expect(beats.length).toBeGreaterThanOrEqual(6);
    const [first, last] = [beats[0], beats.at(-1)!];
    // max_memory_gb x concurrency, as the heartbeat says
    expect(last.limit).toBe(24 * 2 ** 30);
    const perHour = ((last.rss - first.rss) / (last.at - first.at)) * HOUR_MS;
    expect(perHour).toBeGreaterThan(0);

    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({
      category: 'leak.memory', facts: { memoryLimitBytes: last.limit, startBytes: first.rss, lastBytes: last.rss, samples: beats.length },
    });
    const f = incidents[0].facts as Record<string, number>;
    // The fitted rate agrees with the end-to-end one within the noise of the task children's RSS.
    expect(f.growthBytesPerHour).toBeGreaterThan(perHour / 2);
    expect(f.growthBytesPerHour).toBeLessThan(perHour * 2);
    // The limit is ahead, not reached, and the estimate follows from the rate.
    const minutes = ((last.limit - last.rss) / f.growthBytesPerHour) * 60;
    expect(minutes).toBeGreaterThan(1);
    expect(f.minutesToLimit).toBe(Math.round(minutes));
    expect(Math.abs(f.hoursToLimit - minutes / 60)).toBeLessThanOrEqual(0.051);
  });
});
