// Subjects scaling: does the cost follow the bytes, not the number of distinct processes and units
// the failures come from? The same number of lines (a busy host's journal: unit failures and
// crashes, half the lines healthy) is written with 1, 1k, 10k, 100k and 1M distinct units and
// processes, and clw-diag is timed on each. Target: 1M subjects at most 2x the time of one.
//   node bench/subjects.js [--lines=2000000] [--runs=3]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/clw-diag.js', import.meta.url));
const DATA = fileURLToPath(new URL('./data/', import.meta.url));
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const LINES = arg('lines', 2_000_000);
const RUNS = arg('runs', 3);
const SUBJECTS = [1, 1_000, 10_000, 100_000, 1_000_000];
const START = Date.parse('2026-12-01T00:00:00Z');

async function generate(subjects) {
  const path = `${DATA}subjects-${subjects}-${LINES}.log`;
  if (existsSync(path)) return path;
  mkdirSync(DATA, { recursive: true });
  const out = createWriteStream(path);
  let chunk = '';
  for (let n = 0; n < LINES; n++) {
    const t = new Date(START + n * 10).toISOString();
    const s = n % subjects;
    if (n % 4 === 0) chunk += `${t} node-3 systemd[1]: batch-${s}.service: Failed with result 'exit-code'.\n`;
    else if (n % 4 === 1) chunk += `${t} node-3 kernel: app-${s}[${10_000 + (s % 4_000_000)}]: segfault at 0 ip 000055e5df171145 sp 00007ffe7712f490 error 4 in app-${s}[55e5df171000+1000]\n`;
    else chunk += `${t} node-3 clw-worker[812]: INFO: Task 'render-${n % 9973}' completed in ${n % 900}ms\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((r) => out.on('finish', r));
  return path;
}

function timeRun(path) {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, path, '--format', 'json', '--fail-on', 'never', '--output', '/dev/null'], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`clw-diag failed on ${path}: ${r.stderr}`);
  return { ms, rssMiB: Number(r.stderr.trim().split('\n').pop()) / 1024 };
}

const rows = [];
for (const subjects of SUBJECTS) {
  const path = await generate(subjects);
  const runs = Array.from({ length: RUNS }, () => timeRun(path));
  rows.push({ subjects, mib: statSync(path).size / 2 ** 20, seconds: median(runs.map((r) => r.ms)) / 1000, rssMiB: Math.max(...runs.map((r) => r.rssMiB)) });
}
const base = rows[0].seconds;
console.log(`subjects scaling: ${LINES.toLocaleString('en-US')} lines (${rows[0].mib.toFixed(0)} MiB), median of ${RUNS}`);
for (const r of rows) {
  console.log(`  ${r.subjects.toLocaleString('en-US').padStart(9)} subjects: ${r.seconds.toFixed(2)} s (${(r.seconds / base).toFixed(2)}x one subject), peak RSS ${r.rssMiB.toFixed(0)} MiB`);
}
const worst = rows[rows.length - 1].seconds / base;
console.log(`target: 1M subjects at most 2x one subject: ${worst <= 2 ? 'met' : 'NOT met'} (${worst.toFixed(2)}x)`);
console.log(JSON.stringify({ bench: 'subjects', lines: LINES, runs: RUNS, rows: rows.map((r) => ({ ...r, seconds: Number(r.seconds.toFixed(2)), rssMiB: Number(r.rssMiB.toFixed(0)), mib: Number(r.mib.toFixed(1)) })) }));
