// --journal as a user runs it, on real journal files written by systemd-journal-remote and read by
// the real journalctl.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { clw, tempDir } from './cli.js';
import { ReportSchema } from './report-schema.js';
import { CORE_FILE, ensureJournalRemote, HOST, PID, PID2, splitStory, story, T0, UNIT, writeJournal } from './journal-fixture.js';

type Report = ReturnType<typeof ReportSchema.parse>;
type Incident = Report['incidents'][number];

const CRASH = '2026-11-20T10:00:01.250Z clw-worker[pid=812]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';
const SINCE = new Date(T0 - 30 * 60_000).toISOString();

async function report(args: string[], env?: Record<string, string>): Promise<{ report: Report; exitCode: number; stderr: string }> {
  const r = await clw([...args, '--format', 'json'], env ? { env } : {});
  return { report: ReportSchema.parse(JSON.parse(String(r.stdout))), exitCode: r.exitCode ?? -1, stderr: String(r.stderr) };
}

const byCategory = (rep: Report, category: string): Incident[] => rep.incidents.filter((i) => i.category === category);

const jr = ensureJournalRemote();
if ('skip' in jr) console.warn(`SKIPPED real journal tests: ${jr.skip}`);

describe.skipIf('skip' in jr)('clw-diag --journal on real journal files', () => {
  const dir = tempDir('clw-journal-');
  const file = join(dir, 'x.journal');
  const folder = join(dir, 'journal');
  beforeAll(() => {
    if (!('bin' in jr)) return;
    writeJournal(jr.bin, file, story());
    // As journald lays them out: the system journal and the worker user's journal, interleaved by journalctl.
    mkdirSync(folder);
    const { system, user } = splitStory(story());
    writeJournal(jr.bin, join(folder, 'system.journal'), system);
    writeJournal(jr.bin, join(folder, 'user-1001.journal'), user);
  });

  it('reads a .journal file: journald\'s fields become facts and subjects, not only MESSAGE', async () => {
    const { report: rep, exitCode } = await report(['--journal', file]);
    expect(exitCode).toBe(1);
    expect(rep.sources).toEqual([expect.objectContaining({ kind: 'journal', name: file, lines: story().length, errors: [] })]);
    const [oom] = byCategory(rep, 'oom.killed');
    expect(byCategory(rep, 'oom.killed')).toHaveLength(1);
    expect(oom.facts).toMatchObject({ pid: PID, process: 'clw-worker', unit: UNIT, host: HOST, constraint: 'CONSTRAINT_MEMCG', result: 'oom-kill' });
    expect(oom.subjects).toMatchObject({ pids: [PID], units: [UNIT], hosts: [HOST] });
    // The kernel's report and systemd's unit failure are one incident.
    expect(oom.evidence.some((e) => /Killed process 4242/.test(e.text))).toBe(true);
    expect(oom.evidence.some((e) => /Failed with result 'oom-kill'/.test(e.text))).toBe(true);
    // systemd-coredump's COREDUMP_* fields: the crashed pid, signal, executable and core file.
    const segv = byCategory(rep, 'crash.segv').find((i) => i.subjects.pids.includes(PID2));
    expect(segv?.facts).toMatchObject({ pid: PID2, signal: 'SIGSEGV', executable: '/usr/bin/clw-worker', corePath: CORE_FILE, unit: UNIT, host: HOST, firstFunction: 'clw_task_run' });
    expect(segv?.subjects.pids).not.toContain(4400);
    // systemd speaks about units: pid 1 is nobody's subject.
    expect(rep.incidents.flatMap((i) => i.subjects.pids)).not.toContain(1);
    expect(byCategory(rep, 'crash.abort')).toHaveLength(1);
    expect(rep.incidents.some((i) => i.subjects.units.includes('nginx.service'))).toBe(true);
  });

  it('--since cuts the journal by journald\'s own time, in journalctl, before a byte is read', async () => {
    const { report: rep } = await report(['--journal', file, '--since', SINCE]);
    // The abort two hours before is gone; journalctl never handed it over, so the pipeline had nothing to leave out.
    expect(byCategory(rep, 'crash.abort')).toEqual([]);
    expect(rep.sources[0]).toMatchObject({ lines: story().length - 1, errors: [] });
    expect(rep.notes.join('\n')).not.toMatch(/outside the --since/);
    const oom = byCategory(rep, 'oom.killed')[0];
    expect(oom.consequences.map((c) => c.category)).toContain('restart.loop');
    expect(rep.window.since).toBe(SINCE);
  });

  it('reads a folder of journal files as one journal', async () => {
    const { report: rep } = await report(['--journal', folder, '--since', SINCE]);
    expect(rep.sources[0]).toMatchObject({ kind: 'journal', name: folder, lines: story().length - 1 });
    const oom = byCategory(rep, 'oom.killed');
    expect(oom).toHaveLength(1);
    expect(oom[0].facts).toMatchObject({ pid: PID, unit: UNIT });
    expect(oom[0].consequences.map((c) => c.category)).toContain('restart.loop');
    expect(byCategory(rep, 'crash.segv').some((i) => i.facts.corePath === CORE_FILE)).toBe(true);
  });

  it('narrows a folder or a file to a unit glob with PATH:UNIT, as journalctl -u does', async () => {
    for (const target of [`${folder}:clw-worker@*.service`, `${file}:${UNIT}`]) {
      const { report: rep } = await report(['--journal', target, '--since', SINCE]);
      expect(rep.sources[0].name).toBe(target);
      // systemd's lines about the unit and systemd-coredump's dump of it; not the kernel, not nginx.
      expect(byCategory(rep, 'oom.killed').map((i) => i.rule)).toEqual(['systemd-result-oom-kill']);
      expect(byCategory(rep, 'crash.segv').some((i) => i.facts.corePath === CORE_FILE)).toBe(true);
      expect(rep.incidents.some((i) => i.subjects.units.includes('nginx.service'))).toBe(false);
      expect(rep.incidents.flatMap((i) => i.evidence).some((e) => /oom-killer|Killed process/.test(e.text))).toBe(false);
    }
    const { report: none } = await report(['--journal', `${folder}:nosuch@*.service`]);
    expect(none.notes).toContain(`${folder}:nosuch@*.service: no unit matching nosuch@*.service in the journal`);
  });

  it('reads a journalctl -o json export saved to a file, with the same result', async () => {
    const exported = join(dir, 'export.json');
    const out = await execa('journalctl', [`--file=${file}`, '-o', 'json', '--no-pager']);
    writeFileSync(exported, out.stdout + '\n');
    const fromExport = (await report(['--journal', exported, '--since', SINCE])).report;
    const fromFile = (await report(['--journal', file, '--since', SINCE])).report;
    expect(fromExport.sources[0]).toMatchObject({ kind: 'journal', name: exported });
    const shape = (r: Report) => r.incidents.map((i) => [i.rank, i.rule, i.category, i.facts.pid, i.facts.unit, i.facts.host]);
    expect(shape(fromExport)).toEqual(shape(fromFile));
    expect(byCategory(fromExport, 'crash.segv').some((i) => i.facts.executable === '/usr/bin/clw-worker')).toBe(true);
  });

  it('without journalctl: a one-line note naming it and how to go on, and the other sources still analysed', async () => {
    const bin = tempDir('clw-nojournalctl-');
    symlinkSync(process.execPath, join(bin, 'node'));
    const logs = tempDir();
    writeFileSync(join(logs, 'worker.log'), CRASH);
    const { report: rep, exitCode, stderr } = await report([join(logs, 'worker.log'), '--journal', file], { PATH: bin });
    expect(exitCode).toBe(1);
    expect(rep.incidents[0]).toMatchObject({ category: 'crash.segv', facts: { pid: 812 } });
    const note = rep.notes.find((n) => /journalctl/.test(n));
    expect(note).toMatch(/^journalctl: not installed \(it comes with systemd\), so .*x\.journal was not read; install systemd, or .*journalctl --file=.* -o json > journal\.json.* --journal journal\.json/);
    expect(note).not.toContain('\n');
    expect(rep.sources.find((s) => s.kind === 'journal')?.errors).toEqual([note]);
    expect(stderr).toContain('journalctl: not installed');
  });
});

describe('clw-diag --journal with no journal', () => {
  it('an empty folder: a clear note, and the other sources still analysed', async () => {
    const empty = tempDir('clw-nojournal-');
    const logs = tempDir();
    writeFileSync(join(logs, 'worker.log'), CRASH);
    const { report: rep, exitCode } = await report([join(logs, 'worker.log'), '--journal', empty]);
    expect(exitCode).toBe(1);
    expect(rep.incidents.map((i) => i.category)).toEqual(['crash.segv']);
    expect(rep.notes).toContain(`${empty}: no journal files (*.journal) in this folder; the journal was not read`);
  });

  it('a journal path that is not there is named, not taken for a unit: an input error (exit 2)', async () => {
    const gone = join(tempDir(), 'gone.journal');
    const { report: rep, exitCode } = await report(['--journal', gone]);
    expect(exitCode).toBe(2);
    expect(rep.notes).toContain(`--journal ${gone}: no such file or folder`);
  });
});
