import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose, enqueue, readLog, tempDir, waitForLog, worker, writeConfig } from './helpers.js';

const started = (log: string) => [...log.matchAll(/INFO: worker worker-01 started \(pid (\d+)\)/g)].map((m) => Number(m[1]));

describe('the supervisor', { timeout: 15_000 }, () => {
  it('respawns a worker that dies, with backoff, and gives up after max_restarts; clw-diag ranks the kill over the loop', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { max_restarts: 2, restart_backoff_ms: 200, heartbeat_sec: 30 });
    const run = worker(['run', '--config', config]);
    // Kill every worker the supervisor starts: the first and its two respawns.
    for (let n = 1; n <= 3; n++) {
      const log = await waitForLog(dir, new RegExp(`(started \\(pid \\d+\\)[^]*){${n}}`));
      const pid = started(log)[n - 1];
      await waitForLog(dir, new RegExp(`clw-worker\\[pid=${pid}\\]: INFO: worker worker-01 started:`));
      process.kill(pid, 'SIGKILL');
    }
    const r = await run;
    expect(r.exitCode).toBe(1);
    const log = readLog(dir);
    const pids = started(log);
    expect(pids).toHaveLength(3);
    for (const pid of pids) expect(log).toMatch(new RegExp(`clw-supervisor\\[pid=\\d+\\]: WARN: worker ${pid} exited with code 137\\n`));
    expect(log).toMatch(/Z Supervisor: Respawning worker\.\.\. \(attempt 1\/2\) after 200ms backoff\n/);
    expect(log).toMatch(/Z Supervisor: Respawning worker\.\.\. \(attempt 2\/2\) after 400ms backoff\n/);
    expect(log).toMatch(/Z Supervisor: giving up on worker-01 after 2 attempts\n/);
    const incidents = await diagnose(join(dir, 'logs'));
    expect(incidents[0]).toMatchObject({ category: 'signal.kill', rule: 'clw-exit-code', facts: { exitCode: 137, signal: 'SIGKILL' } });
    expect(incidents[0].consequences.map((c) => c.category)).toContain('restart.loop');
    // The loop is listed under its cause, and never ranked above it.
    for (const i of incidents.filter((x) => x.category === 'restart.loop')) expect(i.rank).toBeGreaterThan(1);
  });

  it('does not respawn a worker that exits 78 (its config went bad after the start)', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { max_restarts: 5, restart_backoff_ms: 100, heartbeat_sec: 30 });
    const run = worker(['run', '--config', config]);
    const log = await waitForLog(dir, /started \(pid \d+\)/);
    const pid = started(log)[0];
    await waitForLog(dir, new RegExp(`clw-worker\\[pid=${pid}\\]: INFO: worker worker-01 started:`));
    writeConfig(dir, { max_restarts: 5, restart_backoff_ms: 100, heartbeat_sec: 30 }, { max_memory_gb: 0 });
    process.kill(pid, 'SIGKILL');
    // The respawned worker reads the broken config and exits 78: the supervisor stops there.
    const r = await run;
    expect(r.exitCode).toBe(78);
    const text = readLog(dir);
    expect(text).toMatch(/FATAL: clw-init-fail: invalid config \S+: task\.max_memory_gb must be greater than 0 \(got 0\)/);
    expect(text).toMatch(/WARN: worker \d+ exited with code 78\n/);
    expect(text.match(/Respawning worker/g)).toHaveLength(1);
    const incidents = await diagnose(join(dir, 'logs'));
    // The first death was the SIGKILL; the config error is what ended the respawns.
    expect(incidents[0].category).toBe('signal.kill');
    expect(incidents.map((i) => i.category)).toContain('config.invalid');
  });

  it('leaves no task child running when its worker is killed', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { max_restarts: 0, heartbeat_sec: 30 });
    await enqueue(config, 'sleep', { ms: 20000 }, 'orphan');
    const run = worker(['run', '--config', config]);
    const log = await waitForLog(dir, /task 'orphan' started: type sleep, task pid \d+/);
    const workerPid = Number(/clw-worker\[pid=(\d+)\]: INFO: worker worker-01 started:/.exec(log)![1]);
    const taskPid = Number(/task pid (\d+)/.exec(log)![1]);
    process.kill(workerPid, 'SIGKILL');
    expect((await run).exitCode).toBe(1);
    await waitForLog(dir, /giving up on worker-01 after 0 attempts/);
    const until = Date.now() + 3000;
    while (alive(taskPid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(alive(taskPid)).toBe(false);
  });
});

// A zombie counts as gone: it has exited, only its reaping is left (to init, here).
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
