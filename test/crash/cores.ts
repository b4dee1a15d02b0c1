// Real crashes for the crash engine's tests (and bench/cores.js): small C programs built with
// `cc -g -O0` into a temp folder and run with `ulimit -c unlimited`, each in a folder of its own,
// so the core the kernel writes there (`core`, or `core.PID` with core_uses_pid) is the only file.
import { execaSync, execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilerUnavailable, corePatternProblem } from '../../src/worker/native.js';

export const NULL_DEREF_C = `#include <stdio.h>
struct job { int id; };
static int job_id(struct job *j) {
  return j->id; /* NULL_DEREF_LINE */
}
int main(void) { struct job *j = NULL; printf("%d\\n", job_id(j)); return 0; }
`;

export const ASSERT_C = `#include <assert.h>
static void check_budget(int left) {
  assert(left > 0 && "budget exhausted");
}
int main(void) { check_budget(0); return 0; }
`;

export const RECURSE_C = `static int descend(int n) { volatile char pad[512]; pad[0] = (char)n; return descend(n + 1) + pad[0]; }
int main(void) { return descend(0); }
`;

export const THREADS_C = `#include <pthread.h>
#include <unistd.h>
static void *idle(void *a) { (void)a; pause(); return 0; }
static void *faulty_worker(void *a) { int *p = (int *)a; usleep(100000); return (void *)(long)*p; }
int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], 0, idle, 0);
  pthread_create(&t[3], 0, faulty_worker, 0);
  pthread_join(t[3], 0);
  return 0;
}
`;

export function lineOf(source: string, marker: string): number {
  return source.split('\n').findIndex((l) => l.includes(marker)) + 1;
}

/** Why real cores cannot be made here, or null when they can. */
export function coreUnsupported(): string | null {
  // Cores must land in the test's folder (a plain core_pattern), which tests must not change.
  const pattern = corePatternProblem();
  if (pattern) return pattern;
  const hard = execaSync('sh', ['-c', 'ulimit -Hc'], { reject: false }).stdout.trim();
  if (hard === '0') return 'the hard core size limit is 0 (ulimit -Hc)';
  return compilerUnavailable('the test programs');
}

/** Why gdb cannot be run here, or null when it can. */
export function gdbUnavailable(): string | null {
  return execaSync('sh', ['-c', 'command -v gdb'], { reject: false }).exitCode === 0 ? null : 'gdb is not installed (apt-get install gdb)';
}

const made: string[] = [];

export function tempDir(prefix = 'clw-crash-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made (cores are megabytes each); for afterAll. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Builds `source` as `dir/name` with debug info and no optimisation. */
export async function buildC(dir: string, name: string, source: string, extra: string[] = []): Promise<string> {
  const src = join(dir, `${name}.c`);
  writeFileSync(src, source);
  const out = join(dir, name);
  await execa('cc', ['-g', '-O0', '-o', out, src, ...extra]);
  return out;
}

let runs = 0;

/** Runs `argv` in a fresh folder under `dir` with cores enabled; returns the core it dumped. */
export async function crash(dir: string, argv: string[]): Promise<string> {
  const cwd = join(dir, `run-${++runs}`);
  mkdirSync(cwd);
  const r = await execa('sh', ['-c', 'ulimit -c unlimited && exec "$@"', 'sh', ...argv], { cwd, reject: false, env: { PYTHONFAULTHANDLER: '' } });
  const cores = readdirSync(cwd).filter((n) => /^core/.test(n));
  if (cores.length !== 1) throw new Error(`${argv.join(' ')} left ${cores.length} cores in ${cwd} (exit ${r.exitCode}, signal ${r.signal}): ${r.stderr}`);
  return join(cwd, cores[0]);
}

/** The NULL-dereference program built and crashed once: the fixture most crash tests start from. */
export async function nullDerefCrash(): Promise<{ dir: string; exe: string; core: string }> {
  const dir = tempDir();
  const exe = await buildC(dir, 'null-deref', NULL_DEREF_C);
  return { dir, exe, core: await crash(dir, [exe]) };
}
