// `clw-diag --follow` as a user runs it: a writer appends to the log while the built CLI watches;
// incidents print as they come, the log is rotated and truncated under it, and SIGTERM or Ctrl-C
// prints the report with every line counted once.
import { copyFile, open, rename, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clw, collect, tempDir } from './cli.js';

// Each its own incident: incidents group by process name, so each crash names its own.
const crash = (pid: number) => `clw-w${pid}[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`;
const healthy = (from: number, n: number) => Array.from({ length: n }, (_, k) => `clw-worker[pid=100]: INFO: task ${from + k} done in ${(from + k) % 97}ms\n`).join('');

/** Appends in pieces that cut lines in two, as a busy logger's writes do. */
async function append(fh: FileHandle, text: string) {
  for (let off = 0; off < text.length; off += 777) {
    await fh.write(text.slice(off, off + 777));
    if (off % 7770 === 0) await new Promise((r) => setTimeout(r, 1));
  }
}

const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));

describe('--follow', () => {
  it('prints incidents while the log grows, across a rotation and a truncation, and the report on SIGTERM', async () => {
    const path = join(tempDir(), 'worker.log');
    await writeFile(path, healthy(0, 100));
    const child = clw(['--follow', path, '--format', 'json']);
    const out = collect(child.stdout!);
    const err = collect(child.stderr!);
    let fh = await open(path, 'a');
    let lines = 100;
    for (let phase = 0; phase < 6; phase++) {
      await append(fh, healthy(lines, 1000) + crash(2000 + phase));
      lines += 1001;
      // Printed while clw-diag is still running; and it is the last line, so all before it was read.
      await out.waitFor(new RegExp(`\\(pid ${2000 + phase}\\)`));
      if (phase === 1) {
        await rename(path, `${path}.1`);
        await append(fh, healthy(lines, 200)); // the writer has not reopened the log yet
        lines += 200;
        await fh.close();
        fh = await open(path, 'a');
        await err.waitFor(/rotated; reading the new file/);
      }
      if (phase === 3) {
        await copyFile(path, `${path}.1`);
        await truncate(path, 0);
        await err.waitFor(/truncated; reading again from its start/);
      }
    }
    await append(fh, healthy(lines, 3000)); // read after SIGTERM, before the report
    lines += 3000;
    await fh.close();
    child.kill('SIGTERM');
    const r = await child;
    const printed = jsonLines(r.stdout);
    const report = printed.pop();
    expect(printed.map((l) => [l.type, l.change, l.facts.pid])).toEqual([0, 1, 2, 3, 4, 5].map((k) => ['incident', 'opened', 2000 + k]));
    expect(report.type).toBe('report');
    expect(report.sources.map((s: { name: string; lines: number }) => [s.name, s.lines])).toEqual([[path, lines]]);
    expect(report.summary.events).toBe(6);
    expect(report.incidents).toHaveLength(6);
    expect(r.stderr.match(/rotated|truncated/g)).toEqual(['rotated', 'truncated']);
    expect(r.exitCode).toBe(1);
  }, 60_000);

  it('waits for a log that is not there yet, and follows it once it appears', async () => {
    const path = join(tempDir(), 'later.log');
    const child = clw(['--follow', path, '--format', 'json']);
    const out = collect(child.stdout!);
    const err = collect(child.stderr!);
    await err.waitFor(/not there yet; waiting for it to appear/);
    await writeFile(path, healthy(0, 100) + crash(4001));
    await out.waitFor(/\(pid 4001\)/);
    child.kill('SIGTERM');
    const r = await child;
    const report = jsonLines(r.stdout).pop();
    expect(report.sources.map((s: { name: string; lines: number }) => [s.name, s.lines])).toEqual([[path, 101]]);
    expect(r.stderr).toMatch(/appeared; following it/);
    expect(r.exitCode).toBe(1); // not 2: a log yet to be written is not an input error
  }, 30_000);

  it('follows several files at once, holds a partial line until its newline, and reports on Ctrl-C', async () => {
    const dir = tempDir();
    const [a, b] = [join(dir, 'a.log'), join(dir, 'b.log')];
    await writeFile(a, healthy(0, 10));
    await writeFile(b, '');
    const child = clw(['--follow', a, b, '--format', 'json']);
    const out = collect(child.stdout!);
    const line = crash(3001);
    await writeFile(b, healthy(0, 500) + line.slice(0, 40), { flag: 'a' });
    await new Promise((r) => setTimeout(r, 300));
    expect(out.text).not.toMatch(/pid 3001/); // the line is not complete yet
    await writeFile(b, line.slice(40), { flag: 'a' });
    await out.waitFor(/\(pid 3001\)/);
    await writeFile(a, crash(3002) + healthy(10, 500), { flag: 'a' });
    await out.waitFor(/\(pid 3002\)/);
    child.kill('SIGINT');
    const r = await child;
    const report = jsonLines(r.stdout).pop();
    const counts = Object.fromEntries(report.sources.map((s: { name: string; lines: number }) => [s.name, s.lines]));
    expect(counts).toEqual({ [a]: 511, [b]: 501 });
    expect(report.summary.events).toBe(2);
    expect(r.exitCode).toBe(1);
  }, 30_000);
});
