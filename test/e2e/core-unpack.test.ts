// Compressed cores (systemd-coredump's .zst) are unpacked into a folder private to the run: not a
// fixed shared path another user could have made first, 0700, gone when the run ends however it
// ends. Each run has TMPDIR of its own, where the old fixed path is planted as a symlink to a folder
// that must stay empty. A gdb wrapper first on PATH records the folder the core is read from, with
// its mode, while gdb runs.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { clw, collect } from './cli.js';
import { NULL_DEREF_C, buildC, coreUnsupported, crash, gdbUnavailable, removeTempDirs, tempDir } from '../crash/cores.js';

const why = coreUnsupported() ?? gdbUnavailable();
if (why) console.log(`skipping the core unpacking tests: ${why}`);
afterAll(removeTempDirs);

const CORE_NAME = `core.clw-worker.0.${'0f'.repeat(16)}.4242.1763866800000000`;

interface Setup {
  store: string;
  exe: string;
  tmp: string;
  victim: string;
  log: string;
  env: Record<string, string>;
}

/** `then` is what the wrapper does after recording: run the real gdb, or hang. */
async function setup(then: 'gdb' | 'hang'): Promise<Setup> {
  const dir = tempDir();
  const tmp = join(dir, 'tmp');
  const victim = join(dir, 'victim');
  const bin = join(dir, 'bin');
  const store = join(dir, 'coredump');
  for (const d of [tmp, victim, bin, store]) mkdirSync(d);
  symlinkSync(victim, join(tmp, 'clw-diag-cores'));
  const log = join(dir, 'gdb.log');
  const gdb = execaSync('sh', ['-c', 'command -v gdb']).stdout.trim();
  writeFileSync(join(bin, 'gdb'), [
    '#!/bin/sh',
    'for a in "$@"; do case "$a" in --core=*) core="${a#--core=}";; esac; done',
    'd=$(dirname "$core")',
    `echo "$d $(stat -c %a "$d") $(ls "$d" | wc -l)" >> '${log}'`,
    then === 'gdb' ? `exec '${gdb}' "$@"` : 'exec sleep 30',
  ].join('\n') + '\n');
  chmodSync(join(bin, 'gdb'), 0o755);
  const exe = await buildC(dir, 'clw-worker', NULL_DEREF_C);
  return {
    store, exe, tmp, victim, log,
    env: { PATH: `${bin}:${process.env.PATH}`, TMPDIR: tmp, XDG_CACHE_HOME: join(dir, 'cache') },
  };
}

async function compressedCore(s: Setup): Promise<string> {
  const core = await crash(join(s.store, '..'), [s.exe]);
  const out = join(s.store, `${CORE_NAME}.zst`);
  await execa('zstd', ['-q', '-o', out, core]);
  return out;
}

function recorded(s: Setup): { dir: string; mode: string; files: number }[] {
  if (!existsSync(s.log)) return [];
  return readFileSync(s.log, 'utf8').trim().split('\n').map((l) => {
    const [dir, mode, files] = l.split(' ');
    return { dir, mode, files: Number(files) };
  });
}

describe.skipIf(why !== null)('compressed cores', () => {
  it('are unpacked into a fresh 0700 folder, removed after the run, not through a planted symlink', async () => {
    const s = await setup('gdb');
    const zst = await compressedCore(s);
    const r = await clw(['--cores', s.store, '--exe', s.exe, '--format', 'json'], { env: s.env });
    expect(r.exitCode).toBe(1);
    const top = JSON.parse(r.stdout).incidents[0];
    expect(top).toMatchObject({ category: 'crash.segv', facts: { function: 'job_id' } });
    // The report names the core the user has, not a copy that is gone.
    expect(top.crash.cores).toEqual([zst]);
    const [seen] = recorded(s);
    expect(seen.dir.startsWith(join(s.tmp, 'clw-diag-cores-'))).toBe(true);
    expect(seen.mode).toBe('700');
    expect(seen.files).toBe(1);
    expect(existsSync(seen.dir)).toBe(false);
    expect(readdirSync(s.victim)).toEqual([]);
    expect(readdirSync(s.tmp)).toEqual(['clw-diag-cores']);
  }, 60_000);

  it('are found in the per-core cache on the next run, though unpacked somewhere new', async () => {
    const s = await setup('gdb');
    const zst = await compressedCore(s);
    const first = await clw(['--cores', s.store, '--exe', s.exe, '--format', 'json'], { env: s.env });
    const second = await clw(['--cores', s.store, '--exe', s.exe, '--format', 'json'], { env: s.env });
    expect(recorded(s)).toHaveLength(1);
    expect(JSON.parse(second.stdout).incidents[0].crash).toEqual(JSON.parse(first.stdout).incidents[0].crash);
    expect(JSON.parse(second.stdout).incidents[0].crash.cores).toEqual([zst]);
  }, 60_000);

  it('a core that cannot be unpacked is a note, and the folder is still removed', async () => {
    const s = await setup('gdb');
    writeFileSync(join(s.store, `${CORE_NAME}.zst`), 'not zstd at all\n');
    const r = await clw(['--cores', s.store, '--format', 'json'], { env: s.env });
    expect(JSON.parse(r.stdout).notes.join('\n')).toContain(`${join(s.store, CORE_NAME)}.zst: cannot unpack (zstd failed)`);
    expect(readdirSync(s.tmp)).toEqual(['clw-diag-cores']);
    expect(readdirSync(s.victim)).toEqual([]);
  }, 60_000);

  it('the folder is removed when the run is ended by SIGTERM', async () => {
    const s = await setup('hang');
    await compressedCore(s);
    const run = clw(['--cores', s.store, '--exe', s.exe, '--format', 'json'], { env: s.env });
    const err = collect(run.stderr!);
    for (const end = Date.now() + 20_000; recorded(s).length === 0;) {
      if (Date.now() > end) throw new Error(`gdb never started: ${err.text}`);
      await new Promise((res) => setTimeout(res, 20));
    }
    const [seen] = recorded(s);
    expect(existsSync(join(seen.dir))).toBe(true);
    run.kill('SIGTERM');
    const r = await run;
    expect(r.signal).toBe('SIGTERM');
    expect(existsSync(seen.dir)).toBe(false);
    expect(readdirSync(s.tmp)).toEqual(['clw-diag-cores']);
  }, 60_000);
});
