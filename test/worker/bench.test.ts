import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilerUnavailable } from '../../src/worker/native.js';
import { countLogLines } from '../../src/worker/bench/log-counts.js';
import type { BenchResult } from '../../src/worker/bench/report.js';
import { tempDir, worker, writeConfig } from './helpers.js';

const MiB = 1024 * 1024;

async function benchJson(args: string[]): Promise<{ exitCode: number | undefined; report: BenchResult; stderr: string }> {
  const r = await worker(['bench', '--json', ...args]);
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as BenchResult, stderr: r.stderr };
}

describe('clw-worker bench', { timeout: 40_000 }, () => {
  it('runs 20 ok tasks at concurrency 4 to completion and prints the table', async () => {
    const out = join(tempDir(), 'run');
    const r = await worker(['bench', '--tasks', '20', '--type', 'ok', '--concurrency', '4', '--out', out]);
    expect(r.exitCode).toBe(0);
    const row = (name: string) => new RegExp(`^  ${name} +(.+)$`, 'm').exec(r.stdout)?.[1];
    expect(r.stdout).toMatch(/^clw-worker bench: 20 ok tasks at concurrency 4$/m);
    expect(row('tasks')).toBe('20');
    expect(row('completed')).toBe('20');
    expect(row('failed')).toBe('0');
    expect(row('retried')).toBe('0');
    expect(row('crashes')).toBe('0');
    // Supervisor, worker and task children are all in the tree: far more than one node process.
    const peak = /^([\d.]+) MiB +\(worker tree, up to (\d+) processes/.exec(row('peak RSS')!)!;
    expect(Number(peak[1])).toBeGreaterThan(60);
    expect(Number(peak[2])).toBeGreaterThanOrEqual(3);
    expect(Number(row('tasks/s'))).toBeGreaterThan(0);
    // The worker really ran them, four at a time, and its log is where the report says.
    const logPath = row('worker.log')!;
    expect(logPath).toBe(join(out, 'logs/worker.log'));
    const log = readFileSync(logPath, 'utf8');
    expect(log).toMatch(/worker \S+ started: queue .*, concurrency 4,/);
    expect(log.match(/INFO: task 'bench-ok-\d+' completed/g)).toHaveLength(20);
    expect(readdirSync(join(out, 'queue/done'))).toHaveLength(20);
    // Stopped with SIGTERM: the worker drained and its supervisor logged the end.
    expect(log).toMatch(/SIGTERM received: stopping worker/);
    expect(log).toMatch(/exited with code 0 after drain/);
  });

  it('reports alloc tasks over max_memory_gb as failed with exit 1, and all completed once the limit is raised', async () => {
    const dir = tempDir();
    // concurrency 1 in the file: the bench's --concurrency 2 overrides it
    const config = writeConfig(dir, { heartbeat_sec: 30 }, { max_memory_gb: 0.125, concurrency: 1 });
    const payload = JSON.stringify({ mib: 200, ms: 300 });
    const before = await benchJson(['--tasks', '4', '--type', 'alloc', '--payload', payload, '--concurrency', '2', '--config', config]);
    expect(before.exitCode).toBe(1);
    expect(before.report).toMatchObject({ tasks: 4, concurrency: 2, completed: 0, failed: 4, unfinished: 0, stoppedEarly: null });
    // The tree's peak holds a task child above its limit at the moment the watchdog saw it.
    expect(before.report.peakRssBytes).toBeGreaterThan(128 * MiB);
    const log = readFileSync(before.report.workerLog, 'utf8');
    expect(log).toMatch(/concurrency 2, max_memory_gb 0\.125/);
    expect(log.match(/killed with SIGKILL by the memory watchdog/g)).toHaveLength(4);
    // The run folder holds the queue and logs; the config's own folder gets none of it.
    expect(before.report.workerLog.startsWith(before.report.dir)).toBe(true);
    expect(existsSync(join(dir, 'queue'))).toBe(false);
    expect(existsSync(join(dir, 'logs'))).toBe(false);

    const raised = writeConfig(dir, { heartbeat_sec: 30 }, { max_memory_gb: 1, concurrency: 1 });
    const after = await benchJson(['--tasks', '4', '--type', 'alloc', '--payload', payload, '--concurrency', '2', '--config', raised]);
    expect(after.exitCode).toBe(0);
    expect(after.report).toMatchObject({ completed: 4, failed: 0, crashes: 0 });
    // Two 200 MiB tasks at once, plus the supervisor and the worker.
    expect(after.report.peakRssBytes).toBeGreaterThan(400 * MiB);
  });

  it('counts native crashes and exits 1', async (ctx) => {
    const noCc = compilerUnavailable();
    if (noCc) {
      console.log(`skipped: ${noCc}`);
      ctx.skip();
    }
    const { exitCode, report } = await benchJson(['--tasks', '3', '--type', 'native', '--payload', '{"handler":"segv"}', '--concurrency', '2']);
    expect(exitCode).toBe(1);
    expect(report).toMatchObject({ completed: 0, failed: 3, crashes: 3 });
    expect(readFileSync(report.workerLog, 'utf8').match(/clw-worker-crash detected/g)).toHaveLength(3);
  });

  it('counts a worker killed mid-run as a crash and reports the tasks it held', async () => {
    const out = join(tempDir(), 'run');
    const dir = tempDir();
    const config = writeConfig(dir, { heartbeat_sec: 30, grace_period_sec: 1, restart_backoff_ms: 100 });
    const run = worker(['bench', '--json', '--tasks', '6', '--type', 'sleep', '--payload', '{"ms":1500}', '--concurrency', '2',
      '--config', config, '--timeout', '12', '--out', out]);
    const logFile = join(out, 'logs/worker.log');
    let pid: number | undefined;
    for (let i = 0; i < 200 && pid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      if (/task 'bench-sleep-1' started/.test(log)) pid = Number(/clw-worker\[pid=(\d+)\]: INFO: worker \S+ started:/.exec(log)![1]);
    }
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    const r = await run;
    const report = JSON.parse(r.stdout) as BenchResult;
    const log = readFileSync(logFile, 'utf8');
    expect(log).toMatch(new RegExp(`worker ${pid} exited with code 137`));
    expect(report.crashes).toBe(1);
    expect(report.completed + report.failed + report.unfinished).toBe(6);
    // The two tasks the dead worker held either went back to the queue (and the log says so) or never finished.
    if (/returned to queue/.test(log)) expect(report.retried).toBeGreaterThan(0);
    else expect(report).toMatchObject({ retried: 0, unfinished: 2, stoppedEarly: 'timeout' });
    expect(r.exitCode).toBe(report.failed + report.unfinished > 0 ? 1 : 0);
  });

  it('stops at --timeout with the unfinished tasks counted, and exits 1', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { heartbeat_sec: 30, grace_period_sec: 1 });
    const t0 = Date.now();
    const { exitCode, report } = await benchJson(['--tasks', '3', '--type', 'sleep', '--payload', '{"ms":20000}', '--concurrency', '1',
      '--config', config, '--timeout', '1']);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(exitCode).toBe(1);
    // The running task was SIGKILLed at the end of the drain; the two waiting ones never started.
    expect(report).toMatchObject({ stoppedEarly: 'timeout', completed: 0, failed: 1, unfinished: 2 });
  });

  it('refuses bad arguments with one line and exit 2, before starting anything', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'busy.txt'), 'x');
    const bad: [string[], RegExp][] = [
      [['--tasks', '0', '--type', 'ok', '--concurrency', '2'], /--tasks must be a whole number of at least 1 \(got 0\)/],
      [['--tasks', 'many', '--type', 'ok', '--concurrency', '2'], /--tasks must be a whole number of at least 1 \(got not a number\)/],
      [['--tasks', '2', '--type', 'ok', '--concurrency', '1.5'], /--concurrency must be a whole number/],
      [['--tasks', '2', '--type', 'ok'], /Missing required argument: concurrency/],
      [['--tasks', '2', '--type', 'teleport', '--concurrency', '2'], /--type teleport is not a task type \(known: ok, sleep, alloc/],
      [['--tasks', '2', '--type', 'ok', '--concurrency', '2', '--payload', '[1]'], /--payload must be a JSON object/],
      [['--tasks', '2', '--type', 'ok', '--concurrency', '2', '--timeout', '0'], /--timeout must be a number of seconds above 0/],
      [['--tasks', '2', '--type', 'ok', '--concurrency', '2', '--config', join(dir, 'none.toml')], /--config .*none\.toml: no such file/],
      [['--tasks', '2', '--type', 'ok', '--concurrency', '2', '--out', dir], /--out .* is not empty/],
    ];
    for (const [args, message] of bad) {
      const r = await worker(['bench', ...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    // A config the worker would refuse is refused here too, in the worker's words.
    writeFileSync(join(dir, 'bad.toml'), '[task]\nmax_memory_gb = 0\n');
    const r = await worker(['bench', '--tasks', '2', '--type', 'ok', '--concurrency', '2', '--config', join(dir, 'bad.toml')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/invalid config .*bad\.toml: task\.max_memory_gb must be greater than 0 \(got 0\)/);
  });
});

describe('bench log counts', () => {
  it('counts returned tasks and signal deaths, not clean exits or the worker\'s own kills', () => {
    const log = [
      '2026-11-23T00:00:00.000Z clw-supervisor[pid=1]: WARN: worker 2 exited with code 137',
      '2026-11-23T00:00:00.000Z clw-supervisor[pid=1]: WARN: 2 claimed tasks returned to queue',
      "2026-11-23T00:00:00.000Z clw-supervisor[pid=1]: INFO: task 'a' returned to queue",
      '2026-11-23T00:00:00.000Z clw-worker[pid=9]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)',
      '2026-11-23T00:00:00.000Z clw-worker[pid=3]: ERROR: worker 5 exited with code 134',
      '2026-11-23T00:00:00.000Z clw-supervisor[pid=1]: INFO: worker 3 exited with code 0 after drain',
      '2026-11-23T00:00:00.000Z clw-supervisor[pid=1]: WARN: worker 3 exited with code 1',
      "2026-11-23T00:00:00.000Z clw-worker[pid=3]: WARN: task 'b' failed after 1.0s: task pid 7 ended by signal SIGKILL (memory)",
    ].join('\n');
    expect(countLogLines(log)).toEqual({ retried: 3, crashes: 3 });
  });
});
