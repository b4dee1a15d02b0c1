// What a folder holds and how it is read, through the built CLI: a subfolder that cannot be listed,
// symbolic links (followed to files once, never to folders, loops named), NUL padding before a log,
// and binary files named in a note rather than passed over in silence.
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, CLI_ENV, clw, tempDir } from '../e2e/cli.js';

const CRASH = '2026-11-20T10:00:01.250Z clw-worker[pid=812]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';
const OOM = '2026-11-20T10:02:00.000Z clw-worker[pid=913]: FATAL: clw-worker-crash detected. Exit code: 137, Signal: 9 (SIGKILL)\n';
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]);

const report = (stdout: string) => JSON.parse(stdout);
const names = (stdout: string) => report(stdout).sources.map((s: { name: string }) => s.name);
const pids = (stdout: string) => report(stdout).incidents.flatMap((i: { subjects: { pids: number[] } }) => i.subjects.pids).sort();

describe('folder discovery', () => {
  it('skips a subfolder it cannot list, with a note, and reads the rest', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'worker.log'), CRASH, { mode: 0o644 });
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    writeFileSync(join(locked, 'other.log'), OOM);
    const args = [dir, '--format', 'json'];
    // root lists everything: run as nobody, as an operator without sudo would.
    const r = process.getuid?.() === 0
      ? await execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN, ...args], { reject: false, env: CLI_ENV })
      : await clw(args);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(names(r.stdout)).toEqual([join(dir, 'worker.log')]);
    expect(report(r.stdout).notes).toContain(`${locked}: cannot list the folder (EACCES); skipped, the rest was read`);
    // Named to --worker-logs, the folder it cannot list is one line, and exit 2.
    const asNobody = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN];
    const worker = process.getuid?.() === 0
      ? await execa('setpriv', [...asNobody, '--worker-logs', locked, join(dir, 'worker.log'), '--format', 'json'], { reject: false, env: CLI_ENV })
      : await clw(['--worker-logs', locked, join(dir, 'worker.log'), '--format', 'json']);
    expect(worker.exitCode).toBe(2);
    expect(worker.stderr).toBe(`clw-diag: --worker-logs ${locked}: cannot list the folder (EACCES)`);
    expect(pids(worker.stdout)).toEqual([812]);
  });

  it('names a symbolic link loop among the inputs in one line, exits 2, and analyses the others', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), CRASH);
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    const r = await clw([join(dir, 'a'), join(dir, 'worker.log'), '--format', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`clw-diag: ${join(dir, 'a')}: symbolic link loop`);
    expect(pids(r.stdout)).toEqual([812]);
    for (const flag of ['--worker-logs', '--journal', '--dmesg']) {
      const other = await clw([flag, join(dir, 'a'), join(dir, 'worker.log'), '--format', 'json']);
      expect(other.exitCode, flag).toBe(2);
      expect(other.stderr, flag).toBe(`clw-diag: ${join(dir, 'a')}: symbolic link loop`);
      expect(pids(other.stdout), flag).toEqual([812]);
    }
  });

  it('follows links to files once, not links to folders, and names broken links and loops', async () => {
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'kept.log'), OOM);
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), CRASH);
    symlinkSync(join(elsewhere, 'kept.log'), join(dir, 'current.log'));
    // A second name for a file already read: read once, under the file's own name.
    symlinkSync('worker.log', join(dir, 'latest.log'));
    symlinkSync('..', join(dir, 'up'));
    symlinkSync('gone.log', join(dir, 'broken.log'));
    symlinkSync('loop2.log', join(dir, 'loop1.log'));
    symlinkSync('loop1.log', join(dir, 'loop2.log'));
    const r = await clw([dir, '--format', 'json'], { timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(names(r.stdout)).toEqual([join(dir, 'current.log'), join(dir, 'worker.log')]);
    expect(pids(r.stdout)).toEqual([812, 913]);
    expect(report(r.stdout).sources.map((s: { lines: number }) => s.lines)).toEqual([1, 1]);
    const notes = report(r.stdout).notes;
    expect(notes).toContain(`${join(dir, 'broken.log')}: broken symbolic link; skipped`);
    expect(notes).toContain(`${join(dir, 'loop1.log')}: symbolic link loop; skipped`);
  });

  it('reads the log after the NUL hole copytruncate leaves, named or found in a folder', async () => {
    const dir = tempDir();
    // 3 MiB of hole: more than one read chunk.
    const padded = join(dir, 'worker.log');
    writeFileSync(padded, Buffer.concat([Buffer.alloc(3 << 20), Buffer.from(CRASH)]));
    const named = await clw([padded, '--format', 'json']);
    const note = `${padded}: 3.0 MiB of NUL bytes at the start skipped (the hole copytruncate leaves when the writer does not append)`;
    expect(named.stderr).toBe(`clw-diag: ${note}`);
    expect(named.exitCode).toBe(1);
    expect(pids(named.stdout)).toEqual([812]);
    expect(report(named.stdout).notes).toContain(note);
    const found = await clw([dir, '--format', 'json']);
    expect(found.exitCode).toBe(1);
    expect(pids(found.stdout)).toEqual([812]);
    const piped = await execa('bash', ['-c', `"${process.execPath}" "${BIN}" --format json <(cat '${padded}')`], { reject: false, env: CLI_ENV });
    expect(pids(piped.stdout)).toEqual([812]);
  });

  it('names binary files in a folder in a note, and a binary after NUL padding too', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), CRASH);
    writeFileSync(join(dir, 'worker'), ELF);
    writeFileSync(join(dir, 'image.log'), Buffer.concat([Buffer.alloc(20_000), ELF]));
    const r = await clw([dir, '--format', 'json']);
    expect(r.stderr).toBe(`clw-diag: ${join(dir, 'image.log')}: binary file, not a log; skipped`);
    expect(r.exitCode).toBe(1);
    const notes = report(r.stdout).notes;
    expect(notes).toContain(`${dir}: 1 binary file skipped, not logs: ${join(dir, 'worker')}`);
    // The hole is longer than a first look: the reader finds the binary and says so.
    expect(notes).toContain(`${join(dir, 'image.log')}: binary file, not a log; skipped`);
    const named = await clw([join(dir, 'image.log'), join(dir, 'worker.log'), '--format', 'json']);
    expect(named.exitCode).toBe(2);
    expect(named.stderr).toBe(`clw-diag: ${join(dir, 'image.log')}: binary file, not a log; skipped`);
  });
});
