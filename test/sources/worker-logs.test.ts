import { describe, expect, it } from 'vitest';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rotatedSiblings, siblingsSince, workerLogSources } from '../../src/sources/worker-logs.js';
import { clw, tempDir } from '../e2e/cli.js';

const HOUR = 3_600_000;
// A host with a worker log at the default places cannot show the "no worker log" message.
const hostHasWorkerLog = workerLogSources([], null).sources.length > 0;
if (hostHasWorkerLog) console.log('the no-worker-log test skipped: this machine has a worker log at a default place');
const iso = (t: number) => new Date(t).toISOString();
const crash = (t: number, pid: number) => `${iso(t)} clw-worker[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`;

/** worker.log now, .1 from an hour ago, .2.gz from three, .3.gz from five; each with one crash. */
function rotatedLogs(now = Date.now()) {
  const dir = tempDir();
  const log = join(dir, 'worker.log');
  const files: [string, number, number][] = [[log, now - 60_000, 1], [`${log}.1`, now - 0.5 * HOUR, 2], [`${log}.2.gz`, now - 3 * HOUR, 3], [`${log}.3.gz`, now - 5 * HOUR, 4]];
  for (const [path, t, pid] of files) {
    const body = crash(t - 60_000, pid);
    writeFileSync(path, path.endsWith('.gz') ? gzipSync(body) : body);
    utimesSync(path, t / 1000, t / 1000);
  }
  writeFileSync(join(dir, 'worker.log.old'), 'not a rotation\n');
  return { dir, log };
}

describe('rotated worker logs', () => {
  it('lists the numbered siblings, newest first', () => {
    const { log } = rotatedLogs();
    expect(rotatedSiblings(log).map((p) => p.slice(log.length))).toEqual(['.1', '.2.gz', '.3.gz']);
  });

  it('reads back as far as --since reaches and no further, oldest first', () => {
    const now = Date.now();
    const { log } = rotatedLogs(now);
    expect(siblingsSince(log, now - HOUR).read.map((p) => p.slice(log.length))).toEqual(['.1']);
    expect(siblingsSince(log, now - 4 * HOUR).read.map((p) => p.slice(log.length))).toEqual(['.2.gz', '.1']);
    expect(siblingsSince(log, null)).toEqual({ read: [], skipped: 3 });
    const sources = workerLogSources([log], now - 4 * HOUR).sources.map((s) => s.name.slice(log.length));
    expect(sources).toEqual(['.2.gz', '.1', '']);
  });

  it.skipIf(hostHasWorkerLog)('says plainly when no worker log exists at the default places', () => {
    const r = workerLogSources([], null);
    expect(r.errors[0]).toBe('--worker-logs: no worker log at /var/log/clw/worker.log or /var/log/claw/worker.log; name one with --worker-logs PATH');
  });

  it('finds the crashes of the rotated files the window reaches, gzip included', async () => {
    const { log } = rotatedLogs();
    const r = JSON.parse((await clw(['--worker-logs', log, '--since', '4h', '--format', 'json'])).stdout);
    expect(r.sources.map((s: { name: string }) => s.name.slice(log.length))).toEqual(['.2.gz', '.1', '']);
    expect(r.incidents[0].subjects.pids).toEqual([3, 2, 1]);
    const recent = JSON.parse((await clw(['--worker-logs', log, '--since', '1h', '--format', 'json'])).stdout);
    expect(recent.incidents[0].subjects.pids).toEqual([2, 1]);
    const plain = JSON.parse((await clw(['--worker-logs', log, '--format', 'json'])).stdout);
    expect(plain.incidents[0].subjects.pids).toEqual([1]);
    expect(plain.notes.join()).toMatch(/3 rotated siblings not read; --since reaches back into them/);
  });
});
