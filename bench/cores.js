// Core dumps: how many cores per second the crash engine reads, cold (an empty cache: one gdb
// run per core, at most one per CPU at a time) and warm (the per-core cache answers).
//
//   node bench/cores.js [--nulls N] [--asserts N] [--runs N]
//
//   --nulls N     identical NULL-dereference crashes to dump (default 8)
//   --asserts N   identical assertion failures to dump (default 4)
//   --runs N      timed runs of each (default 3); the median is reported
//
// Real cores from real crashes: two small C programs built with cc -g -O0, each crash run with
// `ulimit -c unlimited` in a folder of its own. Checks the cores fold into exactly two crashes with
// the right counts; exits 1 when they do not. Skips (exit 0, with the reason) where this machine
// cannot dump cores into a folder (core_pattern piped to systemd-coredump) or lacks cc or gdb.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCores, groupCrashes } from '../dist/crash/index.js';
import { median } from './stats.js';

const arg = (name, dflt) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] ?? dflt) || dflt;

const PROGRAMS = {
  'null-deref': `#include <stdio.h>
struct job { int id; };
static int job_id(struct job *j) { return j->id; }
int main(void) { struct job *j = NULL; printf("%d\\n", job_id(j)); return 0; }
`,
  asserts: `#include <assert.h>
static void check_budget(int left) { assert(left > 0 && "budget exhausted"); }
int main(void) { check_budget(0); return 0; }
`,
};

function unsupported() {
  const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
  if (pattern.startsWith('|')) return `core_pattern pipes cores to ${pattern.slice(1).split(' ')[0]}`;
  if (pattern.includes('/')) return `core_pattern writes cores to ${pattern}`;
  for (const tool of ['cc', 'gdb']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  return null;
}

function makeCores(dir, nulls, asserts) {
  const cores = [];
  let run = 0;
  for (const [name, src] of Object.entries(PROGRAMS)) {
    writeFileSync(join(dir, `${name}.c`), src);
    execFileSync('cc', ['-g', '-O0', '-o', join(dir, name), join(dir, `${name}.c`)]);
    for (let i = 0; i < (name === 'null-deref' ? nulls : asserts); i++) {
      const cwd = join(dir, `run-${++run}`);
      mkdirSync(cwd);
      spawnSync('sh', ['-c', 'ulimit -c unlimited && exec "$0"', join(dir, name)], { cwd, stdio: 'ignore' });
      const core = readdirSync(cwd).find((n) => n.startsWith('core'));
      if (!core) throw new Error(`${name} dumped no core in ${cwd}`);
      cores.push(join(cwd, core));
    }
  }
  return cores;
}


async function timed(cores, cacheDir) {
  const t = performance.now();
  const out = await analyzeCores(cores, { cacheDir });
  return { secs: (performance.now() - t) / 1000, out };
}

async function main() {
  const why = unsupported();
  if (why) {
    console.log(`cores bench skipped: ${why}`);
    return 0;
  }
  const nulls = arg('nulls', 8), asserts = arg('asserts', 4), runs = arg('runs', 3);
  const dir = mkdtempSync(join(tmpdir(), 'clw-bench-cores-'));
  try {
    const cores = makeCores(dir, nulls, asserts);
    const cold = [], warm = [];
    let ok = true;
    for (let r = 0; r < runs; r++) {
      const cacheDir = join(dir, `cache-${r}`); // empty: every core is a gdb run
      const c = await timed(cores, cacheDir);
      const w = await timed(cores, cacheDir);
      cold.push(c.secs);
      warm.push(w.secs);
      const counts = groupCrashes(c.out).map((g) => g.count).join(',');
      if (counts !== `${nulls},${asserts}` || !w.out.every((a) => a.cached)) {
        ok = false;
        console.log(`  FAIL run ${r + 1}: crashes ${counts} (want ${nulls},${asserts}); warm from cache: ${w.out.filter((a) => a.cached).length}/${cores.length}`);
      }
    }
    const n = cores.length;
    const rows = [['cold (gdb)', median(cold)], ['warm (cache)', median(warm)]];
    const row = (...cells) => cells.map((c, i) => (i ? String(c).padStart(14) : String(c).padEnd(14))).join('');
    console.log(`cores: ${n} real cores (${nulls} NULL dereferences, ${asserts} failed assertions), ${Math.min(n, availableParallelism())} gdb at once, median of ${runs}`);
    console.log(row('cache', 'seconds', 'cores/s', 'ms/core', 'crashes'));
    for (const [label, s] of rows) console.log(row(label, s.toFixed(3), Math.round(n / s).toLocaleString('en-US'), (s * 1000 / n).toFixed(1), ok ? 'OK' : 'FAIL'));
    const [coldS, warmS] = [median(cold), median(warm)];
    console.log(JSON.stringify({ bench: 'cores', cores: n, parallel: Math.min(n, availableParallelism()), runs, cold: { seconds: Number(coldS.toFixed(3)), coresPerSecond: Number((n / coldS).toFixed(1)) }, warm: { seconds: Number(warmS.toFixed(4)), coresPerSecond: Math.round(n / warmS) }, crashes: ok ? 'OK' : 'FAIL', node: process.version }));
    return ok ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (err) => { process.stderr.write(`bench: ${err.stack ?? err.message}\n`); process.exitCode = 1; });
