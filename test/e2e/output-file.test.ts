// --output on what is not a plain new file: a device (we run as root, where a rename over /dev/null
// would succeed), a full device, /dev/stdout, a symlink, a private report. The device tests use
// device nodes made with mknod in a temp folder (the same devices as /dev/null and /dev/full), so a
// regression replaces a node of the test's own and never the machine's /dev/null.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, CLI_ENV, clw, tempDir } from './cli.js';
import { ReportSchema } from './report-schema.js';

const CRASH = '2026-11-20T10:00:01.250Z clw-worker[pid=812]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';

const made: string[] = [];
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

function dir(): string {
  const d = tempDir();
  made.push(d);
  return d;
}

function logFile(): string {
  const f = join(dir(), 'worker.log');
  writeFileSync(f, CRASH);
  return f;
}

/** A character device like /dev/null (1,3) or /dev/full (1,7), or null when mknod is not allowed. */
function device(name: string, minor: number): string | null {
  const path = join(dir(), name);
  try {
    execFileSync('mknod', [path, 'c', '1', String(minor)], { stdio: 'ignore' });
    return path;
  } catch {
    return null;
  }
}

const devNull = device('null', 3);
const devFull = device('full', 7);
if (!devNull) console.log('device --output tests skipped: mknod needs root');

describe('--output', () => {
  it.skipIf(!devNull)('a character device stays a device and takes the report', async () => {
    const r = await clw([logFile(), '--output', devNull!]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    const st = statSync(devNull!);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe(statSync('/dev/null').rdev);
    expect(readdirSync(join(devNull!, '..'))).toEqual(['null']);
  });

  it.skipIf(!devFull)('a full device is one line naming it, exit 2, and the report on stdout', async () => {
    const r = await clw([logFile(), '--format', 'json', '--output', devFull!]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`clw-diag: --output ${devFull}: cannot write the report: no space left on the device; the report follows on standard output`);
    expect(ReportSchema.parse(JSON.parse(r.stdout)).incidents[0].category).toBe('crash.segv');
    expect(statSync(devFull!).isCharacterDevice()).toBe(true);
  });

  // Through a link of the test's own to /dev/stdout, so a regression replaces that link, not the
  // machine's /dev/stdout. Standard output is a socket here (execa's), which cannot be opened by path.
  it('/dev/stdout is written to, not replaced', async () => {
    const link = join(dir(), 'stdout');
    symlinkSync('/dev/stdout', link);
    const r = await clw([logFile(), '--format', 'json', '--output', link]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect(ReportSchema.parse(JSON.parse(r.stdout)).incidents[0].category).toBe('crash.segv');
    expect(readlinkSync(link)).toBe('/dev/stdout');
  });

  it('/dev/stdout takes the report after the GitHub annotations, in a pipe as well', async () => {
    const link = join(dir(), 'stdout');
    symlinkSync('/dev/stdout', link);
    const r = await execa('sh', ['-c', `"$0" "$1" "$2" --format json --output "$3" | cat`, process.execPath, BIN, logFile(), link], { env: { ...CLI_ENV, GITHUB_ACTIONS: 'true' }, reject: false });
    expect(r.exitCode).toBe(0);
    const [annotation, ...report] = r.stdout.split('\n');
    expect(annotation).toMatch(/^::error /);
    expect(ReportSchema.parse(JSON.parse(report.join('\n'))).incidents[0].category).toBe('crash.segv');
  });

  it('a symlink stays a symlink, and the file it names gets the report', async () => {
    const d = dir();
    writeFileSync(join(d, 'report.json'), 'old report\n');
    symlinkSync('report.json', join(d, 'latest.json'));
    const r = await clw([logFile(), '--format', 'json', '--output', join(d, 'latest.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(lstatSync(join(d, 'latest.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'latest.json'))).toBe('report.json');
    expect(ReportSchema.parse(JSON.parse(readFileSync(join(d, 'report.json'), 'utf8'))).incidents[0].category).toBe('crash.segv');
    expect(readdirSync(d).sort()).toEqual(['latest.json', 'report.json']);
  });

  it('a dangling symlink creates the file it names, in that file\'s folder', async () => {
    const d = dir();
    const other = dir();
    symlinkSync(join(other, 'report.json'), join(d, 'latest.json'));
    const r = await clw([logFile(), '--format', 'json', '--output', join(d, 'latest.json')]);
    expect(r.exitCode).toBe(1);
    expect(lstatSync(join(d, 'latest.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(other, 'report.json'), 'utf8')).incidents[0].category).toBe('crash.segv');
  });

  it('a 0600 report stays 0600, with its owner', async () => {
    const d = dir();
    const out = join(d, 'report.json');
    writeFileSync(out, 'old\n');
    chmodSync(out, 0o600);
    const root = process.getuid?.() === 0;
    if (root) chownSync(out, 4242, 4343);
    const r = await clw([logFile(), '--format', 'json', '--output', out]);
    expect(r.exitCode).toBe(1);
    const st = statSync(out);
    expect(st.mode & 0o7777).toBe(0o600);
    if (root) expect([st.uid, st.gid]).toEqual([4242, 4343]);
    expect(JSON.parse(readFileSync(out, 'utf8')).incidents[0].category).toBe('crash.segv');
    expect(readdirSync(d)).toEqual(['report.json']);
  });

  it('a new file is created with the usual mode', async () => {
    const d = dir();
    const out = join(d, 'report.json');
    const r = await clw([logFile(), '--format', 'json', '--output', out]);
    expect(r.exitCode).toBe(1);
    expect(statSync(out).mode & 0o777).toBe(0o666 & ~process.umask());
  });
});
