import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, CLI_ENV, clw, tempDir } from './cli.js';
import { ReportSchema } from './report-schema.js';

const CRASH = '2026-11-20T10:00:01.250Z clw-worker[pid=812]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';
const RESPAWN = '2026-11-20T10:00:02.000Z Supervisor: Respawning worker... (attempt 1/10)\n';

/** A full 64 KiB tmpfs, unmounted after the tests; null when it cannot be mounted. */
function mountTiny(): string | null {
  const dir = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  afterAll(() => execFileSync('umount', [dir]));
  // Filled up, so even a small report finds no room.
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(1 << 20));
  } catch {
    // ENOSPC: the point
  }
  return dir;
}

function logDir(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

describe('clw-diag on files', () => {
  it('prints the ranked report, root cause first, and exits 1 on an error incident', async () => {
    const dir = logDir({ 'worker.log': CRASH + RESPAWN });
    const r = await clw([join(dir, 'worker.log')]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/2 incidents from 1 source/);
    const first = r.stdout.indexOf('[1] CRITICAL crash.segv');
    expect(first).toBeGreaterThan(0);
    expect(r.stdout.indexOf('restart.loop', first)).toBeGreaterThan(first);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('writes JSON that keeps the report contract', async () => {
    const dir = logDir({ 'worker.log': CRASH + RESPAWN });
    const r = await clw([dir, '--format', 'json']);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.incidents[0]).toMatchObject({ rank: 1, category: 'crash.segv', code: 'clw-worker-crash', facts: { pid: 812, signal: 'SIGSEGV', faultAddress: '0x0' } });
    expect(report.incidents[0].consequences.map((c) => c.category)).toEqual(['restart.loop']);
    expect(report.summary).toMatchObject({ incidents: 2, events: 2, byCategory: { 'crash.segv': 1, 'restart.loop': 1 } });
  });

  it('honours --fail-on and --top', async () => {
    const dir = logDir({ 'worker.log': RESPAWN });
    expect((await clw([dir])).exitCode).toBe(0);
    expect((await clw([dir, '--fail-on', 'warning'])).exitCode).toBe(1);
    expect((await clw([dir, '--fail-on', 'never', '--format', 'json'])).exitCode).toBe(0);
    const both = logDir({ 'worker.log': CRASH + RESPAWN });
    const top = JSON.parse((await clw([both, '--top', '1', '--format', 'json'])).stdout);
    expect(top.incidents).toHaveLength(1);
    expect(top.notes.join()).toMatch(/1 more incidents not shown/);
  });

  it('filters on each line\'s own time with --since and --until', async () => {
    const dir = logDir({ 'worker.log': CRASH + CRASH.replace('10:00:01', '12:00:00').replace('812', '900') });
    const r = JSON.parse((await clw([dir, '--since', '2026-11-20T11:00:00Z', '--format', 'json'])).stdout);
    expect(r.incidents.map((i: { facts: { pid: number } }) => i.facts.pid)).toEqual([900]);
    const u = JSON.parse((await clw([dir, '--until', '2026-11-20T11:00:00Z', '--format', 'json'])).stdout);
    expect(u.incidents.map((i: { facts: { pid: number } }) => i.facts.pid)).toEqual([812]);
  });

  it('writes Markdown with a table and folded evidence', async () => {
    const r = await clw([logDir({ 'w.log': CRASH }), '--format', 'markdown']);
    expect(r.stdout).toMatch(/^## clw-diag report/);
    expect(r.stdout).toMatch(/\| 1 \| critical \| `crash.segv` \|/);
    expect(r.stdout).toMatch(/<details><summary>Evidence \(1 lines\)<\/summary>/);
  });

  it('writes the report to --output and nothing to stdout', async () => {
    const dir = logDir({ 'w.log': CRASH });
    const out = join(dir, 'report.json');
    const r = await clw([join(dir, 'w.log'), '--format', 'json', '--output', out]);
    expect(r.stdout).toBe('');
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(out, 'utf8')).incidents).toHaveLength(1);
  });

  it('stops quietly when the reader closes the pipe early', async () => {
    const dir = logDir({ 'w.log': (CRASH + RESPAWN).repeat(2000) });
    const r = await execa('bash', ['-c', `node ${BIN} ${dir} --fail-on never | head -1`], { reject: false, env: CLI_ENV });
    expect(r.stdout).toMatch(/incidents? from 1 source/);
    expect(r.stderr).toBe('');
  });

  it('colours only when asked', async () => {
    const dir = logDir({ 'w.log': CRASH });
    const forced = await clw([dir], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    expect(forced.stdout).toMatch(/\x1b\[/);
    const none = await clw([dir], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(none.stdout).not.toMatch(/\x1b\[/);
  });

  it('fits the ranked table in 80 columns', async () => {
    const dir = logDir({ 'w.log': CRASH + RESPAWN });
    const r = await clw([dir]);
    const table = r.stdout.split('\n\n')[1].split('\n');
    for (const line of table) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('mistakes are made safely', () => {
  const oneLine = (stderr: string) => {
    expect(stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    return stderr.split('\n')[0];
  };

  it('a bad --since is a one-line usage error with exit 2', async () => {
    const r = await clw(['x.log', '--since', 'yesterday']);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe('clw-diag: --since "yesterday": expected a duration like 1h, 30m, 2d or an ISO time like 2026-11-20T10:00:00Z');
  });

  it('places year-less syslog stamps by CLW_DIAG_NOW, and refuses a bad one', async () => {
    const dir = logDir({ 'kern.log': 'Dec 31 23:59:00 node-3 kernel: [ 1.0] clw-worker[812]: segfault at 0 ip 0000000000401136 sp 00007ffd3c1f0a20 error 4 in clw-worker[401000+1000]\n' });
    const asOf = async (now: string) => JSON.parse((await clw([dir, '--format', 'json'], { env: { CLW_DIAG_NOW: now } })).stdout).incidents[0].firstSeen;
    expect(await asOf('2027-01-02T00:00:00Z')).toMatch(/^2026-12-31T/);
    expect(await asOf('2028-02-01T00:00:00Z')).toMatch(/^2027-12-31T/);
    const bad = await clw([dir], { env: { CLW_DIAG_NOW: 'tomorrow' } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('clw-diag: CLW_DIAG_NOW="tomorrow": expected an ISO time like 2026-11-20T10:00:00Z');
  });

  it('an unknown flag or format is a usage error', async () => {
    expect((await clw(['--frobnicate'])).exitCode).toBe(2);
    const r = await clw(['x', '--format', 'pdf']);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/format/);
  });

  it('an --output that cannot be written is refused before the analysis, in one line', async () => {
    const dir = logDir({ 'worker.log': CRASH });
    const missing = await clw([dir, '--output', join(dir, 'no-such-folder', 'report.html')]);
    expect(missing.exitCode).toBe(2);
    expect(oneLine(missing.stderr)).toBe(`clw-diag: --output ${join(dir, 'no-such-folder', 'report.html')}: ${join(dir, 'no-such-folder')}: no such folder`);
    expect(missing.stdout).toBe('');
    const folder = await clw([dir, '--output', dir]);
    expect(folder.exitCode).toBe(2);
    expect(oneLine(folder.stderr)).toBe(`clw-diag: --output ${dir}: is a folder`);
  });

  // A real full disk: a 64 KiB tmpfs, filled (root only: mount needs CAP_SYS_ADMIN).
  const tiny = process.getuid?.() === 0 ? mountTiny() : null;
  if (!tiny) console.log('full-disk --output test skipped: not root, so no tmpfs can be mounted');
  it.skipIf(!tiny)('a report that does not fit on the disk still reaches standard output', async () => {
    const dir = logDir({ 'worker.log': CRASH.repeat(2000) });
    const out = join(tiny!, 'report.json');
    const r = await clw([dir, '--format', 'json', '--output', out]);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe(`clw-diag: --output ${out}: cannot write the report: no space left on the device; the report follows on standard output`);
    expect(ReportSchema.parse(JSON.parse(r.stdout)).incidents[0].category).toBe('crash.segv');
    // No temporary file left behind.
    expect(readdirSync(tiny!)).toEqual(['filler']);
  });

  it('no input at all is a usage error', async () => {
    const r = await clw([]);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/nothing to analyse/);
  });

  it('a missing, a binary and an empty file are named; the good file is still analysed', async () => {
    const dir = logDir({ 'good.log': CRASH, 'empty.log': '', 'blob.bin.log': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]) });
    const r = await clw([join(dir, 'good.log'), join(dir, 'missing.log'), join(dir, 'blob.bin.log'), join(dir, 'empty.log'), '--format', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/missing\.log: no such file/);
    expect(r.stderr).toMatch(/blob\.bin\.log: binary file, not a log/);
    const report = JSON.parse(r.stdout);
    expect(report.incidents).toHaveLength(1);
    expect(report.notes.join('\n')).toMatch(/empty\.log: empty/);
    expect(r.stderr).not.toMatch(/ at .*\.js/);
  });

  it('a folder named like a log, with no logs in it, is named', async () => {
    const dir = logDir({});
    mkdirSync(join(dir, 'sub.log'));
    const r = await clw([join(dir, 'sub.log'), '--format', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/sub\.log: the folder holds no log files/);
  });

  it('an empty folder is named even when a folder before it held a core', async () => {
    const withCore = logDir({ 'core.4242': 'not really a core' });
    const empty = logDir({});
    const r = await clw([withCore, empty, '--format', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`clw-diag: ${empty}: the folder holds no log files`);
  });

  it('an unreadable file is named', async () => {
    const dir = logDir({ 'locked.log': CRASH, 'ok.log': CRASH });
    chmodSync(dir, 0o755);
    const locked = join(dir, 'locked.log');
    chmodSync(locked, 0);
    const args = [locked, join(dir, 'ok.log'), '--format', 'json'];
    // root reads everything: run as nobody, as an operator without sudo would.
    const r = process.getuid?.() === 0
      ? await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], { reject: false, env: CLI_ENV })
      : await clw(args);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe(`clw-diag: ${locked}: permission denied`);
    expect(JSON.parse(String(r.stdout)).incidents[0].category).toBe('crash.segv');
  });

  it('invalid UTF-8 and a 50 MB line are notes, and the lines around them still count', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 'a');
    const body = Buffer.concat([Buffer.from(CRASH), Buffer.from([0xff, 0xfe, 0x0a]), big, Buffer.from('\n'), Buffer.from(CRASH.replace('812', '813'))]);
    const dir = logDir({ 'w.log': body });
    const r = await clw([dir, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    // Both crashes of clw-worker are one incident, seen twice, with both pids.
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]).toMatchObject({ count: 2, subjects: { pids: [812, 813] } });
    expect(report.notes.join('\n')).toMatch(/line 3 is 50\.0 MiB long/);
    expect(report.sources[0].lines).toBe(4);
  });

  it('a malformed rule file is named and the other rules still work', async () => {
    const rules = tempDir();
    const { readFileSync } = await import('node:fs');
    writeFileSync(join(rules, 'openclaw.yaml'), readFileSync('rules/openclaw.yaml'));
    writeFileSync(join(rules, 'broken.yaml'), 'family: x\nrules:\n  - id: [unclosed\n');
    const r = await clw([logDir({ 'w.log': CRASH }), '--rules', rules, '--format', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml: not valid YAML/);
    expect(JSON.parse(r.stdout).incidents).toHaveLength(1);
  });
});
