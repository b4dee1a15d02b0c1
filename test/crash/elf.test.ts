// The core's own notes, read without gdb, and what a damaged core does to that reader: nothing
// but notes. Mutated copies of a real core must never make it throw or hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCoreFacts } from '../../src/crash/core-notes.js';
import { fileBuildId } from '../../src/crash/executable.js';
import { analyzeCore } from '../../src/crash/analyze-core.js';
import { coreUnsupported, crash, gdbUnavailable, nullDerefCrash, removeTempDirs } from './cores.js';

const skip = coreUnsupported();
afterAll(removeTempDirs);

describe.skipIf(skip)('readCoreFacts', () => {
  let dir: string;
  let exe: string;
  let core: string;
  beforeAll(async () => {
    ({ dir, exe, core } = await nullDerefCrash());
  });

  it('reads pid, comm, signal, fault address, threads, AT_EXECFN, the mappings and the build-id', async () => {
    const f = await readCoreFacts(core);
    expect(f).toMatchObject({ format: 'core', comm: 'null-deref', signo: 11, sicode: 1, siAddr: 0n, threads: 1, execfn: exe, exePath: realpathSync(exe) });
    expect(f.expectedSize).toBe(f.size);
    expect(f.pid).toBeGreaterThan(1);
    expect(f.psargs).toBe(exe);
    expect(f.mappings.some((m) => /libc[.-]/.test(m.path))).toBe(true);
    expect(f.exeBuildId).toMatch(/^[0-9a-f]{40}$/);
    expect(f.exeBuildId).toBe(await fileBuildId(exe));
  });

  it('never throws on mutated copies of a real core', async () => {
    const whole = readFileSync(core);
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    const f = join(dir, 'core.mutant');
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(whole.subarray(0, 1 + rand(i % 3 === 0 ? 20000 : whole.length)));
      // Flip bytes where the structure lives: the header, the program headers and the notes.
      for (let k = 0; k < 1 + rand(16); k++) m[rand(Math.min(m.length, 8192))] = rand(256);
      writeFileSync(f, m);
      await expect(readCoreFacts(f)).resolves.toHaveProperty('format');
    }
  });

  it.skipIf(gdbUnavailable())('analyzeCore turns damaged cores into notes, with gdb reading them', async () => {
    const whole = readFileSync(core);
    const f = join(dir, 'core.damaged');
    for (const at of [0x40, 0x200, 0x1000, 0x2000]) {
      const m = Buffer.from(whole);
      m.fill(0xff, at, at + 256);
      writeFileSync(f, m);
      const a = await analyzeCore(f, { cacheDir: null });
      // Either the crash survives the damage, or a note says why there is none: never silence.
      expect(a.crash !== null || a.notes.length > 0, `damage at 0x${at.toString(16)}`).toBe(true);
      expect(a.core).toBe(f);
    }
  }, 60_000);
});
