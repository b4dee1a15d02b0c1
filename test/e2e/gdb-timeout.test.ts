// gdb's time limit as a user sets it and meets it: --gdb-timeout outside 1..3600 seconds is a usage
// error, not a timer that fires at once (1e12 ms overflows Node's timers) nor "cannot read the
// core"; at the limit gdb's whole process group ends, even a gdb that ignores SIGTERM and has
// started a child; and ending clw-diag ends gdb too. The stubborn gdb is a script named gdb first
// on PATH, run on a real core (the core's notes are read before gdb starts).
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clw } from './cli.js';
import { coreUnsupported, gdbUnavailable, nullDerefCrash, removeTempDirs, tempDir } from '../crash/cores.js';

const why = coreUnsupported() ?? gdbUnavailable();
if (why) console.log(`skipping the gdb time limit tests that need a core: ${why}`);
afterAll(removeTempDirs);

const oneLine = (s: string) => s.split('\n')[0];

/** Alive, and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A gdb that ignores SIGTERM (and so does its child) and starts `sleep 60`; it writes its own pid,
 *  its child's and the time it started (ms) to `dir`. */
function stubbornGdb(dir: string): { env: Record<string, string>; pids: () => number[]; started: () => number } {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'gdb'), [
    '#!/bin/sh',
    "trap '' TERM",
    `date +%s%3N > '${dir}/started'`,
    'sleep 60 &',
    `echo "$$ $!" > '${dir}/pids'`,
    'wait',
  ].join('\n') + '\n');
  chmodSync(join(bin, 'gdb'), 0o755);
  return {
    env: { PATH: `${bin}:${process.env.PATH}`, XDG_CACHE_HOME: join(dir, 'cache') },
    pids: () => (existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').trim().split(' ').map(Number) : []),
    started: () => Number(readFileSync(join(dir, 'started'), 'utf8')),
  };
}

describe('--gdb-timeout', () => {
  it.each(['1e12', '-5', 'abc', '0.5', '3601'])('%s is a usage error in one line, exit 2', async (v) => {
    const runs = await Promise.all([['core', '/nonexistent/core'], ['--cores', '/nonexistent']].map((args) => clw([...args, `--gdb-timeout=${v}`])));
    for (const r of runs) {
      expect(r.exitCode).toBe(2);
      expect(oneLine(r.stderr)).toBe(`clw-diag: --gdb-timeout "${v}": expected a number of seconds from 1 to 3600`);
      expect(r.stderr).not.toMatch(/cannot read the core|\n\s+at /);
    }
  });
});

describe.skipIf(why !== null)('gdb at its time limit', () => {
  it('the longest limit, 3600 s, lets a real gdb read the core', async () => {
    const { core, exe } = await nullDerefCrash();
    const r = await clw(['core', core, '--exe', exe, '--gdb-timeout', '3600', '--format', 'json'], { env: { XDG_CACHE_HOME: join(tempDir(), 'cache') } });
    expect(r.exitCode).toBe(1);
    const inc = JSON.parse(r.stdout).incidents[0];
    expect(inc.facts.function).toBe('job_id');
    expect(r.stderr).not.toMatch(/did not finish/);
  }, 60_000);

  it('a gdb that ignores SIGTERM is killed with its child within the limit and a grace', async () => {
    const { dir, core, exe } = await nullDerefCrash();
    const gdb = stubbornGdb(dir);
    const r = await clw(['core', core, '--exe', exe, '--gdb-timeout', '1', '--format', 'json'], { env: gdb.env });
    const ended = Date.now();
    expect(ended - gdb.started()).toBeLessThan(1000 + 2000);
    const notes = JSON.parse(r.stdout).notes.join('\n');
    expect(notes).toMatch(/gdb did not finish within 1 s and was stopped/);
    // The crash still comes from the core's notes.
    expect(JSON.parse(r.stdout).incidents[0].crash).toMatchObject({ signal: 'SIGSEGV' });
    const pids = gdb.pids();
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);

  it('ending clw-diag ends the gdb it started, and gdb\'s child', async () => {
    const { dir, core, exe } = await nullDerefCrash();
    const gdb = stubbornGdb(dir);
    const run = clw(['core', core, '--exe', exe, '--gdb-timeout', '600'], { env: gdb.env });
    for (const end = Date.now() + 20_000; gdb.pids().length < 2;) {
      if (Date.now() > end) throw new Error('gdb never started');
      await new Promise((res) => setTimeout(res, 20));
    }
    run.kill('SIGTERM');
    const r = await run;
    expect(r.signal).toBe('SIGTERM');
    await new Promise((res) => setTimeout(res, 200));
    for (const pid of gdb.pids()) expect(alive(pid)).toBe(false);
  }, 60_000);
});
