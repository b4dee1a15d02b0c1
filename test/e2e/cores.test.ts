// Cores through the CLI, as a user meets them: a crash folder with its cores and worker log, one
// core on its own, systemd-coredump's compressed cores, --cores with --since, a garbage core.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { clw } from './cli.js';
import { ASSERT_C, NULL_DEREF_C, buildC, coreUnsupported, crash, gdbUnavailable, lineOf, removeTempDirs, tempDir } from '../crash/cores.js';

const why = coreUnsupported() ?? gdbUnavailable();
if (why) console.log(`skipping the core e2e tests: ${why}`);
afterAll(removeTempDirs);

async function pidOf(core: string): Promise<number> {
  return JSON.parse((await clw(['core', core, '--format', 'json'])).stdout).incidents[0].facts.pid;
}

describe.skipIf(why !== null)('cores', () => {
  it('joins two identical crashes and the worker log of their pids into one incident', async () => {
    const dir = tempDir();
    const exe = await buildC(dir, 'clw-worker', NULL_DEREF_C);
    const folder = join(dir, 'incident');
    mkdirSync(folder);
    const pids: number[] = [];
    for (const n of [1, 2]) {
      const core = await crash(dir, [exe]);
      const pid = await pidOf(core);
      pids.push(pid);
      copyFileSync(core, join(folder, `core.${pid}`));
    }
    // The log's times must sit near the cores' (their mtimes), as a real crash's do.
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    writeFileSync(join(folder, 'worker.log'), pids.map((pid, i) => [
      `${at(i * 1000)} clw-worker[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)`,
      `${at(i * 1000 + 500)} Supervisor: Respawning worker... (attempt ${i + 1}/10)`,
    ].join('\n')).join('\n') + '\n');
    const report = JSON.parse((await clw([folder, '--exe', exe, '--format', 'json'])).stdout);
    const top = report.incidents[0];
    expect(top).toMatchObject({ rank: 1, rule: 'core-dump', category: 'crash.segv', facts: { function: 'job_id', line: lineOf(NULL_DEREF_C, 'NULL_DEREF_LINE'), signal: 'SIGSEGV', faultAddress: '0x0', crashKind: 'NULL dereference' } });
    expect(top.crash.cores).toHaveLength(2);
    expect(top.subjects.pids.sort()).toEqual([...pids].sort());
    expect(new Set(top.evidence.map((e: { source: string }) => e.source.split('/').pop()))).toEqual(new Set([`core.${pids[0]}`, `core.${pids[1]}`, 'worker.log']));
    expect(top.consequences.map((c: { category: string }) => c.category)).toEqual(['restart.loop']);
    expect(report.incidents.filter((i: { category: string }) => i.category === 'crash.segv')).toHaveLength(1);
  }, 60_000);

  it('reads one core on its own: the abort message and the crashing frame marked', async () => {
    const dir = tempDir();
    const core = await crash(dir, [await buildC(dir, 'clw-budget', ASSERT_C)]);
    const r = await clw(['core', core]);
    expect(r.stdout).toMatch(/CRITICAL crash\.abort/);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/abort message: .*budget exhausted/);
    expect(r.stdout).toMatch(/→ #\d+ check_budget at .*clw-budget\.c:3/);
    expect(r.stdout).not.toMatch(/SIGABRT at  in/);
    const md = (await clw(['core', core, '--format', 'markdown'])).stdout;
    expect(md).toMatch(/=> #\d+ check_budget/);
  }, 60_000);

  it('finds systemd-coredump\'s compressed cores, and --since leaves out old ones', async () => {
    const dir = tempDir();
    const exe = await buildC(dir, 'clw-worker', NULL_DEREF_C);
    const core = await crash(dir, [exe]);
    const pid = await pidOf(core);
    const store = join(dir, 'coredump');
    mkdirSync(store);
    const name = `core.clw-worker.0.${'0f'.repeat(16)}.${pid}.1763866800000000`;
    await execa('sh', ['-c', `zstd -q -c '${core}' > '${join(store, name)}.zst'`]);
    copyFileSync(core, join(store, 'core.99999'));
    utimesSync(join(store, 'core.99999'), new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));
    const recent = JSON.parse((await clw(['--cores', store, '--since', '1h', '--exe', exe, '--format', 'json'])).stdout);
    expect(recent.sources).toEqual([expect.objectContaining({ kind: 'cores', lines: 1 })]);
    expect(recent.incidents[0]).toMatchObject({ category: 'crash.segv', facts: { pid, function: 'job_id' } });
    const all = JSON.parse((await clw(['--cores', store, '--exe', exe, '--format', 'json'])).stdout);
    expect(all.sources[0].lines).toBe(2);
  }, 60_000);

  it('names a --cores folder that is not there as an input error', async () => {
    const r = await clw(['--cores', '/nonexistent-cores-dir', '--format', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('clw-diag: --cores /nonexistent-cores-dir: no such folder');
  });

  it('notes a garbage core and still reads the logs beside it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'core.1234'), 'this is not a core dump\n'.repeat(100));
    writeFileSync(join(dir, 'worker.log'), 'Supervisor: Respawning worker... (attempt 1/10)\n');
    const r = await clw([dir, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.incidents.map((i: { category: string }) => i.category)).toEqual(['restart.loop']);
    expect(report.notes.join('\n')).toMatch(/core\.1234/);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  }, 60_000);
});
