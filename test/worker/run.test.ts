import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { enqueue, readLog, tempDir, waitForLog, worker, writeConfig } from './helpers.js';

describe('clw-worker run', { timeout: 15_000 }, () => {
  it('runs a queue of tasks to completion in forked children, with heartbeats', async () => {
    const dir = tempDir();
    const config = writeConfig(dir);
    await enqueue(config, 'ok', {}, 'first');
    await enqueue(config, 'sleep', { ms: 300 }, 'nap');
    await enqueue(config, 'busy', { ms: 200 }, 'spin');
    await enqueue(config, 'alloc', { mib: 8, ms: 100 }, 'small-alloc');
    const run = worker(['run', '--config', config]);
    const log = await waitForLog(dir, /completed=4 failed=0/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    for (const id of ['first', 'nap', 'spin', 'small-alloc']) expect(log).toMatch(new RegExp(`INFO: task '${id}' completed in [\\d.]+s`));
    // Each task ran in its own child, not in the worker.
    const workerPid = /clw-worker\[pid=(\d+)\]: INFO: worker worker-01 started/.exec(log)![1];
    const taskPids = [...log.matchAll(/task pid (\d+)/g)].map((m) => m[1]);
    expect(new Set(taskPids).size).toBe(4);
    expect(taskPids).not.toContain(workerPid);
    const beat = /INFO: heartbeat rss_bytes=(\d+) limit_bytes=(\d+) active=\d+ completed=\d+ failed=\d+/.exec(log)!;
    expect(Number(beat[1])).toBeGreaterThan(10 * 1024 * 1024);
    expect(Number(beat[2])).toBe(Math.floor(0.5 * 1024 ** 3) * 2);
    expect(readdirSync(join(dir, 'queue/done'))).toHaveLength(4);
  });

  it('recycles the worker after max_tasks_per_worker tasks without counting a restart', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { max_tasks_per_worker: 2 }, { concurrency: 1 });
    for (let i = 0; i < 3; i++) await enqueue(config, 'ok', {}, `t${i}`);
    const run = worker(['run', '--config', config]);
    const log = await waitForLog(dir, /task 't2' completed/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    expect(log).toMatch(/recycling: 2 tasks taken \(max_tasks_per_worker=2\)/);
    expect(log).toMatch(/exited with code 0 after recycling/);
    expect(log).not.toMatch(/Respawning/);
  });

  it('drains on SIGTERM: takes no new task and lets the running one finish', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { grace_period_sec: 5 }, { concurrency: 1 });
    await enqueue(config, 'sleep', { ms: 1200 }, 'running');
    await enqueue(config, 'ok', {}, 'waiting');
    const run = worker(['run', '--config', config]);
    await waitForLog(dir, /task 'running' started/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    const log = readLog(dir);
    expect(log).toMatch(/shutdown: waiting up to grace period 5s for 1 tasks/);
    expect(log).toMatch(/task 'running' completed/);
    expect(log).not.toMatch(/task 'waiting' started/);
    expect(readdirSync(join(dir, 'queue')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(log).toMatch(/clw-supervisor\[pid=\d+\]: INFO: worker \d+ exited with code 0 after drain/);
  });

  it('fails a task of an unknown type without forking, and keeps draining through a second SIGTERM', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { grace_period_sec: 5 }, { concurrency: 1 });
    await enqueue(config, 'teleport', {}, 'odd');
    await enqueue(config, 'sleep', { ms: 1000 }, 'nap');
    const run = worker(['run', '--config', config]);
    await waitForLog(dir, /task 'nap' started/);
    run.kill('SIGTERM');
    await waitForLog(dir, /shutdown: waiting/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    const log = readLog(dir);
    expect(log).toMatch(/WARN: task 'odd' failed: unknown task type 'teleport' \(known: ok, sleep, alloc, busy, native(, [\w-]+)*\)/);
    expect(log).not.toMatch(/task 'odd' started/);
    expect(log).toMatch(/task 'nap' completed/);
    expect(readdirSync(join(dir, 'queue/failed'))).toHaveLength(1);
  });

  it('SIGKILLs a task still running when the grace period ends', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { grace_period_sec: 1 });
    await enqueue(config, 'sleep', { ms: 20000 }, 'slowpoke');
    const run = worker(['run', '--config', config]);
    await waitForLog(dir, /task 'slowpoke' started/);
    const t0 = Date.now();
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    expect(Date.now() - t0).toBeLessThan(4000);
    const log = readLog(dir);
    expect(log).toMatch(/WARN: shutdown: task 'slowpoke' \(pid \d+\) did not stop within grace period 1s; sending SIGKILL/);
    expect(log).toMatch(/task 'slowpoke' failed after [\d.]+s: task pid \d+ ended by signal SIGKILL \(shutdown\)/);
  });
});
