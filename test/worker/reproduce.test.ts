// `clw-worker reproduce NAME --out DIR`, then `clw-diag DIR`: the root cause the issue names must
// rank first, from nothing but what the scenario left in DIR.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupUnavailable } from '../../src/worker/cgroup.js';
import { nativeUnavailable } from '../../src/worker/native.js';
import { HANDLERS_C } from '../../src/worker/native/handlers.js';
import { diagnose, reproduce, tempDir, worker } from './helpers.js';

const noCgroup = cgroupUnavailable();
if (noCgroup) console.log(`oom-kill skipped: ${noCgroup}`);
const noNative = nativeUnavailable();
if (noNative) console.log(`segfault and abort skipped: ${noNative}`);

/** The one core the scenario left in DIR/cores. */
function coreIn(dir: string): string {
  const cores = readdirSync(join(dir, 'cores')).filter((n) => n.startsWith('core'));
  expect(cores).toHaveLength(1);
  return join(dir, 'cores', cores[0]);
}

describe('clw-worker reproduce', { timeout: 20_000 }, () => {
  it('refuses an unknown scenario, a folder that already holds a run and an --out it cannot make (exit 2)', async () => {
    const bad = await worker(['reproduce', 'no-such', '--out', tempDir()]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/Invalid values:[\s\S]*config-invalid/);
    const { dir } = await reproduce('config-invalid');
    const again = await worker(['reproduce', 'config-invalid', '--out', dir]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already holds a worker\.log/);
    const file = join(dir, 'worker.toml');
    const notFolder = await worker(['reproduce', 'task-timeout', '--out', join(file, 'run')]);
    expect(notFolder.exitCode).toBe(2);
    expect(notFolder.stderr.trim()).toBe(`clw-worker: --out ${join(file, 'run')}: cannot make the folder (ENOTDIR)`);
  });

  it('config-invalid: clw-diag ranks config.invalid first', async () => {
    const { dir } = await reproduce('config-invalid');
    expect(readFileSync(join(dir, 'worker.toml'), 'utf8')).toMatch(/^max_memory_gb = 0$/m);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({ category: 'config.invalid', facts: { field: 'task.max_memory_gb' } });
  });

  it('task-timeout: clw-diag ranks timeout first', async () => {
    const incidents = await diagnose((await reproduce('task-timeout')).dir);
    expect(incidents[0]).toMatchObject({ category: 'timeout', facts: { task: 'spin-forever', timeoutSec: 1 } });
  });

  it('memory-limit: clw-diag ranks oom.limit first', async () => {
    const incidents = await diagnose((await reproduce('memory-limit')).dir);
    expect(incidents[0]).toMatchObject({ category: 'oom.limit', facts: { worker: 'worker-01' } });
  });

  it.skipIf(noCgroup !== null)('oom-kill: the kernel kills the task in its cgroup; clw-diag ranks oom.killed first with the pid', async () => {
    const { dir } = await reproduce('oom-kill');
    const log = readFileSync(join(dir, 'worker.log'), 'utf8');
    const pid = Number(/ERROR: worker (\d+) exited with code 137 \(killed by the kernel OOM killer/.exec(log)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'dmesg.txt'), 'utf8')).toMatch(new RegExp(`Memory cgroup out of memory: Killed process ${pid} \\(node\\)`));
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({ category: 'oom.killed', facts: { pid, killedBy: 'Memory cgroup out of memory', memoryLimitBytes: 134217728 } });
  });

  it.skipIf(noNative !== null)('segfault: a core in DIR; clw-diag ranks crash.segv first with the handler function and line', async () => {
    const { dir } = await reproduce('segfault');
    const core = coreIn(dir);
    const log = readFileSync(join(dir, 'worker.log'), 'utf8');
    expect(log).toMatch(/FATAL: clw-worker-crash detected\. Exit code: 139, Signal: 11 \(SIGSEGV at 0x0\)/);
    expect(log).toContain(`CRITICAL: Core dump written to ${core}`);
    const line = HANDLERS_C.split('\n').findIndex((l) => l.includes('SEGV_LINE')) + 1;
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({
      category: 'crash.segv', facts: { function: 'clw_handle_parse_record', line, faultAddress: '0x0', corePath: core },
    });
  });

  it.skipIf(noNative !== null)('abort: a core in DIR; clw-diag ranks crash.abort first with the assertion text', async () => {
    const { dir } = await reproduce('abort');
    const core = coreIn(dir);
    expect(readFileSync(join(dir, 'worker.log'), 'utf8')).toMatch(/FATAL: clw-worker-crash detected\. Exit code: 134, Signal: 6 \(SIGABRT\)/);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({ category: 'crash.abort', facts: { function: 'clw_handle_check_budget', corePath: core } });
    expect(incidents[0].facts.abortMessage).toContain('Assertion `left > 0 && "task budget exhausted"\' failed.');
  });
});
