// `clw-worker reproduce` for the process failures (hang, sigterm-ignored, fd-exhaustion, sigpipe),
// then `clw-diag DIR`: each failure really happens, and the expected root cause ranks first.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilerUnavailable } from '../../src/worker/native.js';
import { SCENARIOS } from '../../src/worker/scenarios/index.js';
import { diagnose, reproduce } from './helpers.js';

const noHang = SCENARIOS.hang.unavailable?.() ?? null;
if (noHang) console.log(`hang skipped: ${noHang}`);
const noCc = compilerUnavailable();
if (noCc) console.log(`sigpipe skipped: ${noCc}`);

describe('clw-worker reproduce: process failures', { timeout: 30_000 }, () => {
  it.skipIf(noHang !== null)('hang: a task blocked in read() is reported with its syscall; clw-diag ranks hang first, the timeout under it', async () => {
    const { dir, log } = await reproduce('hang');
    const line = /ERROR: task 'import-feed' \(pid (\d+)\) made no progress for 1s; blocked in syscall read \(wchan (\w+)\)/.exec(log);
    expect(line).not.toBeNull();
    const taskPid = Number(line![1]);
    // The kernel's wait point for a pipe read: pipe_read, or anon_pipe_read on newer kernels.
    expect(line![2]).toMatch(/pipe_read$/);
    // Reported again when the stall doubles, and not after the timeout has killed the task.
    expect(log).toMatch(/made no progress for 2s; blocked in syscall read/);
    expect(log.match(/made no progress/g)).toHaveLength(2);
    expect(log).toMatch(new RegExp(`clw-task-timeout: task 'import-feed' exceeded timeout_sec=4 \\(ran 4\\.\\ds\\); killing task pid ${taskPid}`));
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({
      category: 'hang', rule: 'clw-task-hang', facts: { task: 'import-feed', taskPid, syscall: 'read' },
    });
    expect(incidents[0].consequences.map((c) => c.category)).toContain('timeout');
  });

  it('sigterm-ignored: the drain passes SIGTERM on, the task ignores it and is SIGKILLed; clw-diag ranks signal.kill first', async () => {
    const { dir, log } = await reproduce('sigterm-ignored');
    const taskPid = Number(/task 'ledger-reconcile' started: type ignore-sigterm, task pid (\d+)/.exec(log)?.[1]);
    expect(taskPid).toBeGreaterThan(0);
    // The task really got the signal (its own listener logged it, under its pid) and kept working.
    expect(log).toMatch(new RegExp(`INFO: shutdown: SIGTERM sent to task 'ledger-reconcile' \\(pid ${taskPid}\\)`));
    expect(log).toMatch(new RegExp(`clw-worker\\[pid=${taskPid}\\]: WARN: SIGTERM received; finishing the ledger batch first`));
    expect(log).toMatch(new RegExp(`WARN: shutdown: task 'ledger-reconcile' \\(pid ${taskPid}\\) did not stop within grace period 1s; sending SIGKILL`));
    expect(log).toMatch(/task 'ledger-reconcile' failed after [\d.]+s: task pid \d+ ended by signal SIGKILL \(shutdown\)/);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({
      category: 'signal.kill', rule: 'clw-shutdown-sigkill',
      facts: { task: 'ledger-reconcile', taskPid, gracePeriodSec: 1, signal: 'SIGKILL' },
    });
  });

  it('fd-exhaustion: a leaking handler hits EMFILE under max_open_files; clw-diag ranks resource.fd first with the limit', async () => {
    const { dir, log } = await reproduce('fd-exhaustion');
    expect(readFileSync(join(dir, 'worker.toml'), 'utf8')).toMatch(/^max_open_files = 64$/m);
    const m = /ERROR: task 'thumbnail-batch' failed: EMFILE: too many open files, open '[^']+\/IMG_\d{4}\.jpg' \(RLIMIT_NOFILE=(\d+), open=(\d+)\)/.exec(log);
    expect(m).not.toBeNull();
    // The child's own limit, as the kernel applied it; descriptors inherited from before the limit
    // was set may sit above it, so the count is at least the limit.
    expect(Number(m![1])).toBe(64);
    expect(Number(m![2])).toBeGreaterThanOrEqual(64);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({
      category: 'resource.fd', rule: 'clw-task-emfile', facts: { task: 'thumbnail-batch', fdLimit: 64, openFiles: Number(m![2]) },
    });
    // Node's own EMFILE on the child's stderr names the same file: one incident, with both lines.
    expect(incidents.filter((i) => i.category === 'resource.fd')).toHaveLength(1);
    expect(incidents[0].evidence.map((e) => e.source)).toEqual(expect.arrayContaining([expect.stringMatching(/stderr\.log$/), expect.stringMatching(/worker\.log$/)]));
  });

  it.skipIf(noCc !== null)('sigpipe: a native handler writing to a closed pipe dies of SIGPIPE; clw-diag ranks signal.sigpipe first', async () => {
    const { dir, log } = await reproduce('sigpipe');
    // The handler ran with SIGPIPE at its default action (libuv resets signals in what it spawns).
    expect(readFileSync(join(dir, 'stderr.log'), 'utf8')).toMatch(/clw-native: peer=pipe sigpipe=default/);
    const taskPid = Number(/ERROR: task 'export-report' \(pid (\d+)\) killed by SIGPIPE writing to a closed pipe/.exec(log)?.[1]);
    expect(taskPid).toBeGreaterThan(0);
    expect(log).toMatch(/task 'export-report' failed after [\d.]+s: task pid \d+ ended by status 141/);
    // Not a crash: no clw-worker-crash line, no core.
    expect(log).not.toMatch(/clw-worker-crash detected/);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({
      category: 'signal.sigpipe', rule: 'clw-task-sigpipe', facts: { task: 'export-report', taskPid, target: 'closed pipe', signal: 'SIGPIPE' },
    });
  });
});
