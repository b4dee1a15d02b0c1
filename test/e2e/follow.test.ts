// `clw-diag --follow` as a user runs it: a writer appends to the log while the built CLI watches;
// incidents print as they come, the log is rotated and truncated under it, and SIGTERM or Ctrl-C
// prints the report with every line counted once.
import { appendFileSync, copyFileSync, renameSync, truncateSync } from 'node:fs';
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

/** logrotate's steps, done at once (synchronously, as fast as the disk goes): the numbered copies
 * shift up, then the log is renamed or copied and truncated. */
function shift(path: string, upTo: number) {
  for (let n = upTo; n >= 1; n--) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
}

/** Stops clw-diag and checks that every line was counted once: the line count, and each crash line
 * (one pid each, one incident each) counted exactly once. */
async function reportOf(child: ReturnType<typeof clw>) {
  child.kill('SIGTERM');
  const r = await child;
  const report = jsonLines(r.stdout).pop();
  const counts = Object.fromEntries(report.incidents.map((i: { facts: { pid: number }; count: number }) => [i.facts.pid, i.count]));
  return { lines: report.sources[0].lines, events: report.summary.events, counts, stderr: r.stderr };
}

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

  it('counts every line once when a rename rotation is followed at once by a copytruncate of the new log', async () => {
    const path = join(tempDir(), 'worker.log');
    await writeFile(path, crash(5001));
    const child = clw(['--follow', path, '--format', 'json']);
    const out = collect(child.stdout!);
    await out.waitFor(/\(pid 5001\)/);
    // 20,000 lines still to read in the old log while the new one is written, copied and emptied.
    appendFileSync(path, healthy(0, 20_000) + crash(5002));
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, healthy(20_000, 100)); // the writer has not reopened the log yet
    appendFileSync(path, crash(5003) + healthy(20_100, 4000)); // now it has: a new log
    shift(path, 1);
    copyFileSync(path, `${path}.1`); // what the new log holds is now only in the copy
    truncateSync(path, 0);
    appendFileSync(path, healthy(24_100, 4000) + crash(5004));
    await out.waitFor(/\(pid 5004\)/);
    const r = await reportOf(child);
    expect(r.lines).toBe(1 + 20_001 + 100 + 4001 + 4001);
    expect(r.counts).toEqual({ 5001: 1, 5002: 1, 5003: 1, 5004: 1 });
    expect(r.events).toBe(4);
  }, 60_000);

  it('counts every line once when a copytruncate is followed at once by a rename rotation', async () => {
    const path = join(tempDir(), 'worker.log');
    await writeFile(path, crash(6001));
    const child = clw(['--follow', path, '--format', 'json']);
    const out = collect(child.stdout!);
    await out.waitFor(/\(pid 6001\)/);
    appendFileSync(path, healthy(0, 20_000) + crash(6002));
    copyFileSync(path, `${path}.1`); // the 20,000 lines not read yet are now only in the copy
    truncateSync(path, 0);
    appendFileSync(path, crash(6003) + healthy(20_000, 2000)); // the writer goes on in the emptied log
    shift(path, 1);
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, healthy(22_000, 100)); // not reopened yet
    appendFileSync(path, healthy(22_100, 3000) + crash(6004));
    await out.waitFor(/\(pid 6004\)/);
    const r = await reportOf(child);
    expect(r.lines).toBe(1 + 20_001 + 2001 + 100 + 3001);
    expect(r.counts).toEqual({ 6001: 1, 6002: 1, 6003: 1, 6004: 1 });
    expect(r.events).toBe(4);
    expect(r.stderr).toMatch(/truncated; reading again from its start[^]*rotated; reading the new file/);
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
