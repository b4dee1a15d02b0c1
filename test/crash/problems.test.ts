// What goes wrong on a user's machine becomes a note, never a throw: a garbage file named like a
// core, a truncated core, no gdb, a binary that is not the one that dumped, a gdb that runs too
// long or prints too much. And the per-core cache: a second analysis runs no gdb at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execaSync } from 'execa';
import { copyFileSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCore } from '../../src/crash/analyze-core.js';
import { runGdb } from '../../src/crash/gdb.js';
import { NULL_DEREF_C, buildC, coreUnsupported, crash, gdbUnavailable, nullDerefCrash, removeTempDirs, tempDir } from './cores.js';

const skip = coreUnsupported() ?? gdbUnavailable();
if (skip) console.log(`crash engine problem tests on real cores skipped: ${skip}`);
const opts = { cacheDir: null };
afterAll(removeTempDirs);

describe('input that is not a core', () => {
  it('turns a garbage file named core.1234 into a note', async () => {
    const dir = tempDir();
    const junk = join(dir, 'core.1234');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)));
    const a = await analyzeCore(junk, opts);
    expect(a).toMatchObject({ core: junk, crash: null, kind: null, pid: null });
    expect(a.notes).toEqual([expect.stringContaining('is not a core dump')]);
  });

  it('turns an empty, a missing and an ELF-but-not-core file into notes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'core'), '');
    for (const p of [join(dir, 'core'), join(dir, 'core.99'), process.execPath, dir]) {
      const a = await analyzeCore(p, opts);
      expect(a.crash).toBeNull();
      expect(a.notes).toHaveLength(1);
    }
  });
});

describe.skipIf(skip)('damaged cores, missing tools, wrong binaries', () => {
  let dir: string;
  let exe: string;
  let core: string;
  beforeAll(async () => {
    ({ dir, exe, core } = await nullDerefCrash());
  });

  it('reads what survives of a truncated core, with a note', async () => {
    const cut = join(dir, 'core.truncated');
    writeFileSync(cut, readFileSync(core).subarray(0, Math.floor(statSync(core).size / 2)));
    const a = await analyzeCore(cut, opts);
    expect(a.notes.join('\n')).toMatch(/core\.truncated is truncated: .* of .* were written/);
    expect(a.crash).toMatchObject({ signal: 'SIGSEGV', faultAddress: '0x0' });
    const tiny = join(dir, 'core.tiny');
    writeFileSync(tiny, readFileSync(core).subarray(0, 3000));
    const b = await analyzeCore(tiny, opts);
    expect(b.notes.join('\n')).toMatch(/truncated/);
  });

  it('without gdb, says how to install it and still reports what the core itself records', async () => {
    const saved = process.env.PATH;
    process.env.PATH = tempDir('clw-nogdb-');
    try {
      const a = await analyzeCore(core, opts);
      expect(a.notes.join('\n')).toMatch(/gdb is not installed.*apt-get install gdb/);
      expect(a.kind).toBe('null-dereference');
      expect(a.crash).toMatchObject({ signal: 'SIGSEGV', faultAddress: '0x0', threads: 1 });
      expect(a.crash!.frames).toHaveLength(1); // the pc, as a library offset
    } finally {
      process.env.PATH = saved;
    }
  });

  it('says so when --exe names a different binary (build-id differs), and reads the right one', async () => {
    const other = await buildC(dir, 'other', NULL_DEREF_C.replace('return j->id;', 'return j->id + 1;'));
    const a = await analyzeCore(core, { ...opts, exe: other });
    expect(a.notes.join('\n')).toMatch(/--exe .*other is not the binary that dumped \(build-id [0-9a-f]{12}, the core's [0-9a-f]{12}\)/);
    expect(a.topFrame?.function).toBe('job_id');
  });

  it('says so when the binary at the core\'s path was rebuilt since the crash', async () => {
    const d = join(dir, 'rebuilt');
    mkdirSync(d);
    const prog = await buildC(d, 'worker', NULL_DEREF_C);
    const c = await crash(d, [prog]);
    await buildC(d, 'worker', NULL_DEREF_C.replace('int main', 'int unused(void) { return 7; }\nint main'));
    const a = await analyzeCore(c, opts);
    expect(a.notes.join('\n')).toMatch(/worker is not the binary that dumped this core .*rebuilt or upgraded since/);
  });

  it('says so when the executable is gone', async () => {
    const d = join(dir, 'gone');
    mkdirSync(d);
    const prog = await buildC(d, 'vanishing', NULL_DEREF_C);
    const c = await crash(d, [prog]);
    execaSync('rm', [prog]);
    const a = await analyzeCore(c, opts);
    expect(a.notes.join('\n')).toMatch(/the executable .*vanishing is not on this machine/);
    expect(a.crash).toMatchObject({ signal: 'SIGSEGV', executable: prog });
  });

  it('stops gdb at the time limit and at the output cap, and goes on', async () => {
    const a = await analyzeCore(core, { ...opts, timeoutMs: 1 });
    expect(a.notes.join('\n')).toMatch(/gdb did not finish within 0.001 s/);
    expect(a.crash).toMatchObject({ signal: 'SIGSEGV', faultAddress: '0x0' });
    const r = await runGdb(core, exe, { maxBytes: 200 });
    expect(r.capped).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(200);
  });

  it('caches per core: the second analysis runs no gdb; a new mtime invalidates it', async () => {
    const cacheDir = join(tempDir(), 'cache');
    const c = join(dir, 'core.cached');
    copyFileSync(core, c);
    const first = await analyzeCore(c, { exe, cacheDir });
    expect(first.cached).toBeUndefined();
    // With a gdb that does not exist, only the cache can answer with frames and no gdb note.
    const second = await analyzeCore(c, { exe, cacheDir, gdb: '/nonexistent/gdb' });
    expect(second.cached).toBe(true);
    expect(second.crash).toEqual(first.crash);
    expect(second.notes).toEqual([]);
    const later = new Date(Date.now() + 5000);
    utimesSync(c, later, later);
    const third = await analyzeCore(c, { exe, cacheDir, gdb: '/nonexistent/gdb' });
    expect(third.cached).toBeUndefined();
    expect(third.notes.join('\n')).toMatch(/gdb is not installed/);
  });
});
