import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalctlArgs, journalFiles, journalProblem, journalSource, journalTarget } from '../../src/sources/journal.js';
import { ensureJournalRemote, MACHINE_ID, PID, story, T0, T_OLD, UNIT, writeJournal } from '../e2e/journal-fixture.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'clw-journal-'));

async function read(src: ReturnType<typeof journalSource>): Promise<{ entries: Record<string, string>[]; notes: string[] }> {
  const notes: string[] = [];
  const chunks: Buffer[] = [];
  for await (const c of src.open({ note: (n) => notes.push(n) })) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  return { entries: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>), notes };
}

describe('--journal targets', () => {
  const dir = tmp();
  const file = join(dir, 'system.journal');
  const export_ = join(dir, 'journal.json');
  const renamed = join(dir, 'system-backup');
  writeFileSync(file, 'LPKSHHRH\0\0\0\0');
  writeFileSync(renamed, 'LPKSHHRH\0\0\0\0');
  writeFileSync(export_, '{"MESSAGE":"x"}\n');

  it('tells the whole journal, a unit, a file, a folder and an export apart', () => {
    expect(journalTarget(undefined)).toEqual({ kind: 'journalctl', name: 'journal' });
    expect(journalTarget('clw-worker@*.service')).toEqual({ kind: 'journalctl', name: 'journal:clw-worker@*.service', unit: 'clw-worker@*.service' });
    expect(journalTarget(file)).toEqual({ kind: 'journalctl', name: file, file });
    expect(journalTarget(renamed)).toEqual({ kind: 'journalctl', name: renamed, file: renamed });
    expect(journalTarget(dir)).toEqual({ kind: 'journalctl', name: dir, directory: dir });
    expect(journalTarget(export_)).toEqual({ kind: 'export', file: export_ });
  });

  it('narrows a folder or a journal file to a unit with PATH:UNIT', () => {
    expect(journalTarget(`${dir}:clw-worker@*.service`)).toEqual({ kind: 'journalctl', name: `${dir}:clw-worker@*.service`, directory: dir, unit: 'clw-worker@*.service' });
    expect(journalTarget(`${file}:${UNIT}`)).toEqual({ kind: 'journalctl', name: `${file}:${UNIT}`, file, unit: UNIT });
  });

  it('calls a path that is not there missing rather than a unit', () => {
    expect(journalTarget(join(dir, 'nope.journal'))).toEqual({ kind: 'missing', path: join(dir, 'nope.journal') });
    expect(journalTarget('saved/journal.json')).toEqual({ kind: 'missing', path: 'saved/journal.json' });
    expect(journalTarget(`${join(dir, 'nope')}:${UNIT}`).kind).toBe('missing');
  });

  it('builds journalctl\'s arguments: selection, window in whole seconds that cover it, follow', () => {
    const since = Date.parse('2026-11-20T09:30:00.400Z');
    const until = Date.parse('2026-11-20T11:00:00.200Z');
    expect(journalctlArgs({ kind: 'journalctl', name: 'journal' })).toEqual(['-o', 'json', '--no-pager']);
    expect(journalctlArgs({ kind: 'journalctl', name: 'journal:x', unit: 'clw-worker@*.service' }, { since, until, follow: true })).toEqual([
      '-o', 'json', '--no-pager', '--unit=clw-worker@*.service', `--since=@${Math.floor(since / 1000)}`, `--until=@${Math.ceil(until / 1000)}`, '--follow',
    ]);
    expect(journalctlArgs({ kind: 'journalctl', name: 'x', directory: '/var/log/journal/remote', unit: UNIT })).toEqual([
      '-o', 'json', '--no-pager', '--directory=/var/log/journal/remote', `--unit=${UNIT}`,
    ]);
    expect(journalctlArgs({ kind: 'journalctl', name: 'x', file: '/j/a.journal' })).toContain('--file=/j/a.journal');
  });
});

describe('no journal to read', () => {
  it('says so for an empty folder, and reads only the folders journalctl reads', () => {
    const dir = tmp();
    expect(journalProblem({ kind: 'journalctl', name: dir, directory: dir })).toMatch(/no journal files \(\*\.journal\) in this folder/);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.journal'), 'LPKSHHRH');
    expect(journalFiles(dir)).toEqual([]);
    mkdirSync(join(dir, MACHINE_ID));
    writeFileSync(join(dir, MACHINE_ID, 'system.journal'), 'LPKSHHRH');
    expect(journalFiles(dir)).toEqual([join(dir, MACHINE_ID, 'system.journal')]);
    expect(journalProblem({ kind: 'journalctl', name: dir, directory: dir })).toBeNull();
  });

  it('says there is no journal on this machine when journald\'s folders hold none', () => {
    const none = [join(tmp(), 'var-log-journal'), tmp()];
    const note = journalProblem({ kind: 'journalctl', name: 'journal' }, none);
    expect(note).toMatch(/^journal: no journal on this machine \(no journal files in .* or .*\).*--journal/);
    expect(note).not.toContain('\n');
  });

  it('turns a missing path and an export-format file into one-line notes', async () => {
    const dir = tmp();
    await expect(read(journalSource(join(dir, 'gone.journal')))).rejects.toThrow(/--journal .*gone\.journal: no such file or folder/);
    const exp = join(dir, 'journal.export');
    writeFileSync(exp, '__CURSOR=s=1\n__REALTIME_TIMESTAMP=1\nMESSAGE=hello\n\n');
    await expect(read(journalSource(exp))).rejects.toThrow(/journal export format .*systemd-journal-remote --output=/);
  });
});

const jr = ensureJournalRemote();
if ('skip' in jr) console.warn(`SKIPPED real journal tests: ${jr.skip}`);

describe.skipIf('skip' in jr)('a real journal file through journalctl', () => {
  const dir = tmp();
  const file = join(dir, 'x.journal');
  beforeAll(() => {
    if ('bin' in jr) writeJournal(jr.bin, file, story());
  });

  it('streams every entry as JSON with journald\'s own fields', async () => {
    const { entries, notes } = await read(journalSource(file));
    expect(notes).toEqual([]);
    expect(entries).toHaveLength(story().length);
    const coredump = entries.find((e) => e.COREDUMP_PID);
    expect(coredump).toMatchObject({ COREDUMP_SIGNAL_NAME: 'SIGSEGV', COREDUMP_UNIT: UNIT, _COMM: 'systemd-coredump' });
    expect(coredump?.MESSAGE).toMatch(/dumped core\.\n\nModule .*\n.*\n#0 /);
    expect(entries.find((e) => e._PID === String(PID))).toMatchObject({ _SYSTEMD_UNIT: UNIT, _HOSTNAME: 'node-3', PRIORITY: '6' });
  });

  it('leaves out what is before --since by journald\'s timestamp, in journalctl', async () => {
    const { entries } = await read(journalSource(file, { since: T0 - 30 * 60_000 }));
    expect(entries).toHaveLength(story().length - 1);
    expect(entries.every((e) => Number(e.__REALTIME_TIMESTAMP) / 1000 >= T0 - 30 * 60_000)).toBe(true);
    const before = await read(journalSource(file, { until: T_OLD + 1000 }));
    expect(before.entries.map((e) => e.MESSAGE)).toEqual([`${UNIT}: Main process exited, code=dumped, status=6/ABRT`]);
  });

  it('reads a folder and narrows it to a unit glob as journalctl -u does (coredumps included, kernel not)', async () => {
    const folder = tmp();
    copyFileSync(file, join(folder, 'system.journal'));
    const all = await read(journalSource(folder));
    expect(all.entries).toHaveLength(story().length);
    const unit = await read(journalSource(`${folder}:clw-worker@*.service`));
    expect(unit.entries.length).toBeGreaterThan(5);
    expect(unit.entries.some((e) => e.COREDUMP_UNIT === UNIT)).toBe(true);
    expect(unit.entries.some((e) => e._TRANSPORT === 'kernel' || e.UNIT === 'nginx.service')).toBe(false);
    const none = await read(journalSource(`${folder}:nosuch@*.service`));
    expect(none.entries).toEqual([]);
    expect(none.notes).toEqual([`${folder}:nosuch@*.service: no unit matching nosuch@*.service in the journal`]);
  });
});
