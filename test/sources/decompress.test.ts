// Compressed logs, made with the real tools, read through the built CLI: named, found in a folder,
// as rotated worker logs, through a pipe; a missing tool and corrupt data are one line each.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, CLI_ENV, clw, collect, tempDir } from '../e2e/cli.js';

const iso = (t: number) => new Date(t).toISOString();
const crash = (t: number, pid: number) => `${iso(t)} clw-worker[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`;
const healthy = (t: number) => `${iso(t)} clw-worker[pid=1]: INFO: task done\n`.repeat(500);

/** The tool's own output for `body`, written to `path` (as logrotate's compresscmd would). */
function compress(tool: 'gzip' | 'zstd' | 'xz' | 'lz4', path: string, body: string): string {
  writeFileSync(path, execFileSync(tool, ['-c'], { input: body }));
  return path;
}

const pids = (stdout: string) => JSON.parse(stdout).incidents.flatMap((i: { subjects: { pids: number[] } }) => i.subjects.pids).sort();

describe('compressed logs', () => {
  it('reads .gz, .zst, .xz and .lz4 named directly, each like its plain text', async () => {
    const dir = tempDir();
    const now = Date.parse('2026-11-20T10:00:00Z');
    const files = (['gzip', 'zstd', 'xz', 'lz4'] as const).map((tool, i) =>
      compress(tool, join(dir, `worker.log.${i + 1}.${tool === 'gzip' ? 'gz' : tool}`), healthy(now) + crash(now + i, 100 + i)));
    const r = await clw([...files, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.sources.map((s: { lines: number }) => s.lines)).toEqual([501, 501, 501, 501]);
    expect(pids(r.stdout)).toEqual([100, 101, 102, 103]);
  });

  it('reads compressed rotations found in a folder, and through a pipe', async () => {
    const dir = tempDir();
    const now = Date.parse('2026-11-20T10:00:00Z');
    writeFileSync(join(dir, 'worker.log'), crash(now, 1));
    compress('zstd', join(dir, 'worker.log.1.zst'), crash(now - 1000, 2));
    compress('xz', join(dir, 'worker.log.2.xz'), crash(now - 2000, 3));
    const found = await clw([dir, '--format', 'json']);
    expect(found.stderr).toBe('');
    expect(pids(found.stdout)).toEqual([1, 2, 3]);
    const piped = await execa('bash', ['-c', `"${process.execPath}" "${BIN}" --format json <(zstd -c '${join(dir, 'worker.log')}') <(lz4 -c '${join(dir, 'worker.log')}')`], { reject: false, env: CLI_ENV });
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout).sources.map((s: { lines: number }) => s.lines)).toEqual([1, 1]);
  });

  it('takes rotated worker logs compressed with zstd, xz or lz4 as siblings', async () => {
    const dir = tempDir();
    const log = join(dir, 'worker.log');
    const now = Date.now();
    writeFileSync(log, crash(now - 60_000, 1));
    const siblings: [string, 'zstd' | 'xz' | 'lz4', number][] = [['.1.zst', 'zstd', 1], ['.2.xz', 'xz', 2], ['.3.lz4', 'lz4', 3]];
    for (const [ext, tool, hours] of siblings) {
      const at = now - hours * 3_600_000;
      compress(tool, log + ext, crash(at - 60_000, 10 + hours));
      utimesSync(log + ext, at / 1000, at / 1000);
    }
    const r = await clw(['--worker-logs', log, '--since', '4h', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.sources.map((s: { name: string }) => s.name.slice(log.length))).toEqual(['.3.lz4', '.2.xz', '.1.zst', '']);
    expect(pids(r.stdout)).toEqual([1, 11, 12, 13]);
  });

  it('names the missing tool and its package in one line, and reads the other inputs', async () => {
    const dir = tempDir();
    const now = Date.parse('2026-11-20T10:00:00Z');
    const zst = compress('zstd', join(dir, 'worker.log.1.zst'), crash(now, 2));
    writeFileSync(join(dir, 'worker.log'), crash(now, 1));
    const empty = join(dir, 'bin');
    mkdirSync(empty);
    const r = await clw([zst, join(dir, 'worker.log'), '--format', 'json'], { env: { PATH: empty } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`clw-diag: ${zst}: compressed with zstd, and zstd is not installed; apt-get install zstd`);
    expect(pids(r.stdout)).toEqual([1]);
  });

  it('says corrupt data is corrupt, in one line naming the file', async () => {
    const dir = tempDir();
    const good = compress('zstd', join(dir, 'good.zst'), crash(Date.parse('2026-11-20T10:00:00Z'), 1).repeat(200));
    const bad = join(dir, 'worker.log.1.zst');
    const bytes = readFileSync(good);
    writeFileSync(bad, bytes.subarray(0, bytes.length - 8));
    copyFileSync(good, join(dir, 'worker.log.2.zst'));
    const r = await clw([bad, join(dir, 'worker.log.2.zst'), '--format', 'json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^clw-diag: ${bad}: corrupt zstd data \\(zstd: [^\\n]+\\)$`));
    expect(r.stderr).not.toMatch(/ at .*\.js/);
    expect(pids(r.stdout)).toContain(1);
  });

  it('with --follow, reads a compressed rotation once and follows the plain log', async () => {
    const dir = tempDir();
    const now = Date.parse('2026-11-20T10:00:00Z');
    writeFileSync(join(dir, 'worker.log'), crash(now, 1));
    compress('zstd', join(dir, 'worker.log.1.zst'), crash(now - 1000, 2));
    const child = clw(['--follow', dir, '--format', 'json']);
    const out = collect(child.stdout!);
    await out.waitFor(/"type":"incident"/);
    // Both crashes are of one worker: one incident; a moment more for the second line.
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGTERM');
    const r = await child;
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(r.stderr).toBe('');
    expect(report.sources.map((s: { name: string; lines: number }) => [s.name.slice(dir.length), s.lines]).sort()).toEqual([['/worker.log', 1], ['/worker.log.1.zst', 1]]);
    // Read through zstd, not followed as raw bytes: the rotation's crash is there.
    expect(report.incidents.flatMap((i: { subjects: { pids: number[] } }) => i.subjects.pids).sort()).toEqual([1, 2]);
  });
});
