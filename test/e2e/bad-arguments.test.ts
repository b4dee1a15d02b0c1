// A user's mistake in an argument, or a stamp no calendar holds in the data, is one line on stderr
// (exit 2 for an argument), never "this is a bug" and never a silently wrong answer.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, CLI_ENV, clw, tempDir } from './cli.js';

const SAMPLE = 'samples/assertion-abort';

/** A usage error as the user sees it: exit 2, the message, no stack trace, no "this is a bug". */
function expectUsage(r: { exitCode?: number; stderr: unknown }, message: RegExp) {
  const stderr = String(r.stderr);
  expect(stderr).toMatch(message);
  expect(stderr).not.toMatch(/this is a bug|\n\s+at /);
  expect(r.exitCode).toBe(2);
}

describe('--rules that holds no rules', () => {
  it('a device (not a folder) is a usage error naming it', async () => {
    expectUsage(await clw([SAMPLE, '--rules', '/dev/zero']), /^clw-diag: --rules \/dev\/zero: not a folder or a rule file$/m);
  });

  it('an empty folder is a usage error, not "No incidents"', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.txt'), 'no rules here\n');
    const r = await clw([SAMPLE, '--rules', dir]);
    expectUsage(r, new RegExp(`^clw-diag: --rules ${dir}: no rules in the folder`, 'm'));
    expect(r.stdout).toBe('');
  });

  it('the same for `rules list`', async () => {
    expectUsage(await clw(['rules', 'list', '--rules', tempDir()]), /no rules in the folder/);
  });
});

describe('other arguments', () => {
  it('--config that is a device is refused, not read without end', async () => {
    expectUsage(await clw([SAMPLE, '--config', '/dev/zero'], { timeout: 20_000 }), /^clw-diag: --config \/dev\/zero: not a file$/m);
  });

  it('--cores naming a device is an error, not "no core dumps"', async () => {
    const r = await clw(['--cores', '/dev/zero']);
    expect(r.stderr).toMatch(/^clw-diag: --cores \/dev\/zero: not a core file or a folder$/m);
    expect(r.exitCode).toBe(2);
  });

  it.each([
    [['--until', '1h', '--until', '2h'], /^clw-diag: --until was given 2 times \("1h", "2h"\); give it once$/m],
    [['--format', 'json', '--format', 'text'], /--format was given 2 times/],
    [['--rules', 'rules', '--rules', 'rules'], /--rules was given 2 times/],
  ])('a one-value option given twice (%j) is a usage error', async (args, message) => {
    expectUsage(await clw([SAMPLE, ...args]), message);
  });

  it('--threshold may still be repeated', async () => {
    const r = await clw([SAMPLE, '--threshold', 'gc_pause_ms=500', '--threshold', 'gc_pause_ms=600']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
  });
});

describe('--since and --until that name no real time', () => {
  // Every kind of impossible value is in test/cli/options.test.ts; here, what the user sees.
  it.each([
    ['2026-13-45', 'there is no month 13'],
    ['2026-11-20T25:00:00Z', 'there is no hour 25'],
    ['275760-09-14T00:00:01Z', 'the year is out of range'],
    ['99999999999d', 'too far back to be a time'],
  ])('--since %s: %s', async (value, problem) => {
    const r = await clw([SAMPLE, '--since', value]);
    expectUsage(r, new RegExp(`^clw-diag: --since "${value}": ${problem}$`, 'm'));
    expect(r.stdout).toBe('');
  });

  it('--until that far in the future is refused too', async () => {
    expectUsage(await clw([SAMPLE, '--until', '99999999999w']), /--until "99999999999w": too far back/);
  });

  it('a real leap day and a real time still work', async () => {
    const r = await clw([SAMPLE, '--since', '2024-02-29T23:59:59Z', '--until', '2030-12-31', '--format', 'json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).window.since).toBe('2024-02-29T23:59:59.000Z');
  });
});

describe('a stamp beyond what a date holds, in the data', () => {
  const OOM = 'Out of memory: Killed process 1234 (clw-worker) total-vm:1000kB, anon-rss:900kB, file-rss:0kB';

  it('a journal JSON line with a corrupt __REALTIME_TIMESTAMP keeps its line and its event, timeless', async () => {
    const dir = tempDir();
    const file = join(dir, 'journal.json');
    writeFileSync(file, [
      { MESSAGE: OOM, __REALTIME_TIMESTAMP: '99999999999999999999', _TRANSPORT: 'kernel', PRIORITY: '3', _HOSTNAME: 'h' },
      { MESSAGE: 'Started clw-worker.service.', __REALTIME_TIMESTAMP: '1763632800000000', _HOSTNAME: 'h' },
    ].map((o) => JSON.stringify(o)).join('\n') + '\n');
    const r = await clw(['--journal', file, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.sources[0]).toMatchObject({ lines: 2, errors: [] });
    expect(report.incidents.map((i: { category: string }) => i.category)).toEqual(['oom.killed']);
    expect(report.incidents[0].evidence[0].time).toBeNull();
  });

  it('a dmesg stamp of twenty digits and an epoch of 1e30 leave their lines timeless in every format', async () => {
    const dir = tempDir();
    const file = join(dir, 'kern.log');
    writeFileSync(file, `[99999999999999999999.123456] ${OOM}\n`
      + '{"time": 1e30, "level": "error", "msg": "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"}\n');
    // HTML draws a timeline from the times; text and JSON print them.
    for (const format of ['json', 'text', 'html']) {
      const r = await clw(['--dmesg', file, '--format', format]);
      expect(r.stderr, format).toBe('');
      expect(r.exitCode, format).toBe(1);
    }
  });
});

describe('--output that is not a plain file', () => {
  it('a FIFO is written to, not replaced by a file (as /dev/null would have been)', async () => {
    const fifo = join(tempDir(), 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = execa('cat', [fifo], { timeout: 20_000, reject: false });
    const r = await clw([SAMPLE, '--output', fifo, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(JSON.parse((await reader).stdout).incidents.length).toBeGreaterThan(0);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
});

describe('standard output that cannot take the report', () => {
  it('a full device: one line on stderr, exit 2', async () => {
    const r = await execa('sh', ['-c', `"${process.execPath}" "${BIN}" ${SAMPLE} > /dev/full`], { reject: false, env: CLI_ENV });
    expect(r.stderr).toBe('clw-diag: standard output: cannot write the report: no space left on the device');
    expect(r.exitCode).toBe(2);
  });

  it('a reader that went away (`| head -1`): quiet, no stack trace', async () => {
    // The HTML report of all samples is far bigger than a pipe's buffer, so the write meets the closed pipe.
    const cmd = `"${process.execPath}" "${BIN}" --format html samples`;
    expect(Number((await execa('sh', ['-c', `${cmd} | wc -c`], { env: CLI_ENV, reject: false })).stdout.trim())).toBeGreaterThan(200_000);
    // pipefail: the exit status is clw-diag's, not head's.
    const r = await execa('bash', ['-o', 'pipefail', '-c', `${cmd} | head -c 100 >/dev/null`], { reject: false, env: CLI_ENV });
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.exitCode);
  });
});
