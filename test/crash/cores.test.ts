// The crash engine on real cores from real crashes made here: a NULL dereference, a failed
// assertion, a crash in a worker thread, a runaway recursion, several identical crashes, and an
// interpreter crash started through a wrapper script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execaSync } from 'execa';
import { chmodSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyzeCore, analyzeCores } from '../../src/crash/analyze-core.js';
import { groupCrashes } from '../../src/crash/group.js';
import { ASSERT_C, NULL_DEREF_C, RECURSE_C, THREADS_C, buildC, coreUnsupported, crash, gdbUnavailable, lineOf, nullDerefCrash, removeTempDirs, tempDir } from './cores.js';

const skip = coreUnsupported() ?? gdbUnavailable();
if (skip) console.log(`crash engine tests on real cores skipped: ${skip}`);
const opts = { cacheDir: null };
afterAll(removeTempDirs);

describe.skipIf(skip)('analyzeCore on real cores', () => {
  let dir: string;
  let nullDeref: string;
  let nullCore: string;
  beforeAll(async () => {
    ({ dir, exe: nullDeref, core: nullCore } = await nullDerefCrash());
  });

  it('reads a NULL dereference: signal, fault address, the crashing function and its file:line', async () => {
    const a = await analyzeCore(nullCore, opts);
    expect(a.notes).toEqual([]);
    expect(a.process).toBe('null-deref');
    expect(a.pid).toBeGreaterThan(0);
    expect(a.kind).toBe('null-dereference');
    expect(a.crash).toMatchObject({ signal: 'SIGSEGV', faultAddress: '0x0', executable: realpathSync(nullDeref), threads: 1, abortMessage: null, cores: [nullCore] });
    expect(a.crash!.frames[0]).toEqual({ function: 'job_id', file: expect.stringMatching(/null-deref\.c$/), line: lineOf(NULL_DEREF_C, 'NULL_DEREF_LINE'), library: null });
    expect(a.crash!.frames[1].function).toBe('main');
    expect(a.topFrame?.function).toBe('job_id');
    expect(a.signatureFrames).toEqual(['job_id', 'main']);
    expect(a.crash!.signature).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads a failed assertion: SIGABRT, the assertion text, and the function that asserted first', async () => {
    const core = await crash(dir, [await buildC(dir, 'asserts', ASSERT_C)]);
    const a = await analyzeCore(core, opts);
    expect(a.kind).toBe('assertion');
    expect(a.crash).toMatchObject({ signal: 'SIGABRT', faultAddress: '' });
    expect(a.crash!.abortMessage).toContain('Assertion `left > 0 && "budget exhausted"\' failed');
    expect(a.topFrame).toMatchObject({ function: 'check_budget', line: 3 });
    expect(a.signatureFrames![0]).toBe('check_budget');
    // The frames that only deliver the abort are kept in the backtrace, left out of the signature.
    expect(a.crash!.frames.some((f) => /raise|abort|assert_fail/.test(f.function))).toBe(true);
  });

  it('reads the crashing thread (not the main one) and counts the threads', async () => {
    const core = await crash(dir, [await buildC(dir, 'threads', THREADS_C, ['-pthread'])]);
    const a = await analyzeCore(core, opts);
    expect(a.kind).toBe('null-dereference');
    expect(a.crash!.threads).toBe(5);
    expect(a.topFrame?.function).toBe('faulty_worker');
  });

  it('tells a stack overflow from other faults', async () => {
    const core = await crash(dir, [await buildC(dir, 'recurse', RECURSE_C)]);
    const a = await analyzeCore(core, opts);
    expect(a.crash!.signal).toBe('SIGSEGV');
    expect(a.kind).toBe('stack-overflow');
    expect(a.signatureFrames).toEqual(['descend']);
  }, 30_000);

  it('gives the same crash in several cores one signature, and groups them as one with count N', async () => {
    const cores = [nullCore, await crash(dir, [nullDeref]), await crash(dir, [nullDeref])];
    const other = await crash(dir, [await buildC(dir, 'asserts2', ASSERT_C)]);
    const all = await analyzeCores([...cores, other], opts);
    expect(all.map((a) => a.core)).toEqual([...cores, other]);
    expect(new Set(all.slice(0, 3).map((a) => a.crash!.signature)).size).toBe(1);
    expect(new Set(all.slice(0, 3).map((a) => a.crash!.faultAddress))).toEqual(new Set(['0x0']));
    const groups = groupCrashes(all);
    expect(groups.map((g) => g.count)).toEqual([3, 1]);
    expect(groups[0].crash.cores.sort()).toEqual([...cores].sort());
    expect(groups[0].kind).toBe('null-dereference');
  });
});

const python = execaSync('sh', ['-c', 'command -v python3'], { reject: false }).stdout.trim();
const skipPy = skip ?? (python ? null : 'python3 is not installed');
if (!skip && skipPy) console.log(`interpreter crash test skipped: ${skipPy}`);

describe.skipIf(skipPy)('an interpreter crash started through a wrapper script', () => {
  let dir: string;
  let wrapper: string;
  let core: string;
  beforeAll(async () => {
    dir = tempDir();
    wrapper = join(dir, 'worker.sh');
    writeFileSync(wrapper, `#!/bin/sh\n# starts the worker\nexec python3 -c 'import ctypes; ctypes.string_at(0)'\n`);
    chmodSync(wrapper, 0o755);
    core = await crash(dir, [wrapper]);
  });

  it('names the interpreter that dumped, from the core itself', async () => {
    const a = await analyzeCore(core, opts);
    expect(basename(a.crash!.executable)).toMatch(/^python3/);
    expect(a.process).toMatch(/^python3/);
    expect(a.crash!.signal).toBe('SIGSEGV');
    expect(a.kind).toBe('null-dereference');
  });

  it('sees through --exe wrapper.sh to the binary that dumped, and says so', async () => {
    const plain = await analyzeCore(core, opts);
    const a = await analyzeCore(core, { ...opts, exe: wrapper });
    expect(a.crash!.executable).toBe(plain.crash!.executable);
    expect(a.crash!.executable).not.toBe(wrapper);
    expect(a.notes.join('\n')).toMatch(/worker\.sh is a wrapper script; the process that dumped was .*python3/);
    expect(a.crash!.signature).toBe(plain.crash!.signature);
  });
});
