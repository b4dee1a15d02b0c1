import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { diagnose, enqueue, tempDir, waitForLog, worker, writeConfig } from './helpers.js';

describe('task limits', { timeout: 15_000 }, () => {
  it('kills a task over timeout_sec with the clw-task-timeout line; clw-diag ranks timeout first', async () => {
    const dir = tempDir();
    // heartbeats rarely, so a few RSS samples cannot look like a trend
    const config = writeConfig(dir, { heartbeat_sec: 30, grace_period_sec: 1 }, { timeout_sec: 1 });
    await enqueue(config, 'busy', { ms: 20000 }, 'spin-forever');
    const run = worker(['run', '--config', config]);
    const log = await waitForLog(dir, /task 'spin-forever' failed/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    expect(log).toMatch(
      /clw-worker\[pid=\d+\]: ERROR: clw-task-timeout: task 'spin-forever' exceeded timeout_sec=1 \(ran 1\.\ds\); killing task pid \d+/,
    );
    expect(log).toMatch(/task 'spin-forever' failed after 1\.\ds: task pid \d+ ended by signal SIGTERM \(timeout\)/);
    const incidents = await diagnose(join(dir, 'logs'));
    expect(incidents[0]).toMatchObject({ category: 'timeout', rule: 'clw-task-timeout', facts: { task: 'spin-forever', timeoutSec: 1 } });
  });

  it('kills an alloc task over max_memory_gb with the [clw-worker-oom] lines; clw-diag ranks oom.limit first', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { heartbeat_sec: 30 }, { max_memory_gb: 0.125 });
    await enqueue(config, 'alloc', { mib: 400, ms: 5000 }, 'hog');
    const run = worker(['run', '--config', config]);
    const log = await waitForLog(dir, /task 'hog' failed/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    const limit = Math.floor(0.125 * 1024 ** 3);
    expect(log).toMatch(new RegExp(`clw-worker\\[pid=\\d+\\]: \\[clw-worker-oom\\] Worker worker-01 exceeded memory limit: ${limit} bytes\\n`));
    expect(log).toMatch(/\[clw\] Memory utilization: [1-3]\d\d\.\d% of 128MB limit/);
    expect(log).toMatch(/\[clw\] Active tasks: 1 \| Completed: 0 \| Failed: 0/);
    const peak = Number(/\[clw\] Peak RSS: (\d+) bytes/.exec(log)![1]);
    expect(peak).toBeGreaterThan(limit);
    // Killed well before it had all the 400 MiB it asked for (the watchdog looks every 100 ms, so
    // on a loaded machine the task may get some way past the limit first).
    expect(peak).toBeLessThan(400 * 1024 * 1024);
    expect(log).toMatch(/task 'hog' failed after [\d.]+s: task pid \d+ ended by signal SIGKILL \(memory\)/);
    const incidents = await diagnose(join(dir, 'logs'));
    expect(incidents[0]).toMatchObject({
      category: 'oom.limit', rule: 'clw-worker-oom', facts: { worker: 'worker-01', memoryLimitBytes: limit, activeTasks: 1 },
    });
  });
});
