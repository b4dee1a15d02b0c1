// Pipes named as paths, through the built CLI: /dev/fd/N from a shell's <(…), a named FIFO, and
// FIFOs where a folder or a core is looked for (skipped, never opened: the run must not hang).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, CLI_ENV, clw, tempDir } from '../e2e/cli.js';

const CRASH = '2026-11-20T10:00:01.250Z clw-worker[pid=812]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';
const HEALTHY = '2026-11-20T10:00:00.000Z clw-worker[pid=812]: INFO: task 1 done\n';

function logFile(body = HEALTHY.repeat(2000) + CRASH): string {
  const path = join(tempDir(), 'worker.log');
  writeFileSync(path, body);
  return path;
}

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** The CLI run by bash, so that `<(…)` hands it a /dev/fd/N path. */
function viaShell(args: string, timeout = 20_000) {
  return execa('bash', ['-c', `"${process.execPath}" "${BIN}" ${args}`], { reject: false, env: CLI_ENV, timeout });
}

/** The report: one document, or the last of the JSON lines a live run prints. */
const report = (stdout: string) => (stdout.startsWith('{\n') ? JSON.parse(stdout) : JSON.parse(stdout.trim().split('\n').at(-1)!));

const shape = (stdout: string) => {
  const r = report(stdout);
  return { lines: r.sources.map((s: { lines: number }) => s.lines), incidents: r.incidents.map((i: { category: string; count: number }) => [i.category, i.count]) };
};

describe('pipes named as paths', () => {
  it('reads <(…), a /dev/fd path, as the file it carries', async () => {
    const log = logFile();
    const piped = await viaShell(`--format json <(cat '${log}')`);
    expect(piped.stderr).toBe('');
    expect(piped.exitCode).toBe(1);
    expect(JSON.parse(piped.stdout).sources[0].name).toMatch(/^\/dev\/fd\/\d+$/);
    expect(shape(piped.stdout)).toEqual(shape((await clw([log, '--format', 'json'])).stdout));
  });

  it('reads <(…) given to --journal (a JSON export) and to --dmesg (a capture)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'journal.json'), JSON.stringify({
      __REALTIME_TIMESTAMP: '1763632801000000', _PID: '812', SYSLOG_IDENTIFIER: 'clw-worker', _SYSTEMD_UNIT: 'clw-worker@1.service', PRIORITY: '2',
      MESSAGE: 'FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)',
    }) + '\n');
    writeFileSync(join(dir, 'dmesg.txt'), '[   12.500000] Out of memory: Killed process 913 (clw-worker) total-vm:1024kB, anon-rss:512kB\n');
    const r = await viaShell(`--format json --journal <(cat '${join(dir, 'journal.json')}') --dmesg <(cat '${join(dir, 'dmesg.txt')}')`);
    expect(r.stderr).toBe('');
    const rep = report(r.stdout);
    expect(rep.sources.map((s: { kind: string; lines: number }) => [s.kind, s.lines])).toEqual([['dmesg', 1], ['journal', 1]]);
    expect(rep.incidents.map((i: { category: string }) => i.category).sort()).toEqual(['crash.segv', 'oom.killed']);
  });

  it('reads <(…) with --follow live, and ends when the pipe does', async () => {
    const piped = await viaShell(`--follow --format json <(cat '${logFile()}')`);
    expect(piped.exitCode).toBe(1);
    expect(shape(piped.stdout).incidents[0]).toEqual(['crash.segv', 1]);
  });

  it('reads a named FIFO, waiting for its writer as cat does', async () => {
    const dir = tempDir();
    const path = fifo(join(dir, 'worker.fifo'));
    const run = clw([path, '--format', 'json'], { timeout: 20_000 });
    // The writer comes after the reader has started.
    await new Promise((r) => setTimeout(r, 500));
    await execa('bash', ['-c', `cat '${logFile()}' > '${path}'`]);
    const r = await run;
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(shape(r.stdout)).toEqual({ lines: [2001], incidents: [['crash.segv', 1]] });
  });

  it('skips a FIFO in a folder with a note naming it, and reads the rest', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), CRASH);
    fifo(join(dir, 'live.log'));
    fifo(join(dir, 'core.4242'));
    const r = await clw([dir, '--format', 'json'], { timeout: 20_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.sources.map((s: { name: string }) => s.name)).toEqual([join(dir, 'worker.log')]);
    expect(report.notes.join('\n')).toContain(`${dir}: 2 pipes or devices skipped (a folder is searched for files only; name a pipe to read it): ${join(dir, 'core.4242')} (FIFO), ${join(dir, 'live.log')} (FIFO)`);
  });

  it('never opens a FIFO named like a core where cores are looked for', async () => {
    const dir = tempDir();
    const core = fifo(join(dir, 'core.4242'));
    const log = logFile(CRASH);
    const inDir = await clw([log, '--cores', dir, '--format', 'json'], { timeout: 20_000 });
    expect(inDir.timedOut).toBe(false);
    expect(inDir.exitCode).toBe(1);
    expect(JSON.parse(inDir.stdout).notes.join('\n')).toMatch(/--cores: no core dumps in/);
    const named = await clw([log, '--cores', core, '--format', 'json'], { timeout: 20_000 });
    expect(named.exitCode).toBe(2);
    expect(named.stderr).toBe(`clw-diag: --cores ${core}: not a core file or a folder`);
  });

  it('skips a FIFO named *.log in a --worker-logs folder, naming it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), CRASH);
    const live = fifo(join(dir, 'live.log'));
    mkdirSync(join(dir, 'old.log'));
    const r = await clw(['--worker-logs', dir, '--format', 'json'], { timeout: 20_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).notes.join('\n')).toContain(`--worker-logs ${dir}: not regular files, skipped: ${live}`);
  });
});
