// Soak: does `clw-diag --stream` keep its memory flat over a long watch? Writes an hour of a busy
// host's log (10,000 lines/s of log time, compressed: written as fast as clw-diag reads it) into
// a real pipe and samples the process's resident memory every 100 ms. The log holds what grows state: crashes
// of ever new pids, failures of ever new units (more incidents than live mode keeps open), a
// burst of identical lines every minute, and heartbeats of a few workers.
//   node bench/soak.js [--minutes=60] [--rate=10000]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/clw-diag.js', import.meta.url));
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const MINUTES = arg('minutes', 60);
const RATE = arg('rate', 10_000);
const TOTAL = MINUTES * 60 * RATE;
const START = Date.parse('2026-12-01T00:00:00Z');

const child = spawn(process.execPath, [...(process.env.SOAK_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SOAK_PROFILE}`] : []), BIN, '--stream', '--format', 'json', '--fail-on', 'never'], { stdio: ['pipe', 'pipe', 'inherit'] });
let updates = 0;
let tail = '';
child.stdout.on('data', (d) => {
  const text = tail + d;
  const lines = text.split('\n');
  tail = lines.pop();
  updates += lines.length;
});

const rssMiB = () => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};

/** Line n of the log: mostly healthy task lines, failures at fixed intervals. */
function line(n) {
  const t = new Date(START + Math.floor((n * 1000) / RATE)).toISOString();
  if (n % 2000 === 0) return `${t} clw-worker[pid=${100_000 + n / 2000}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x8)`;
  if (n % 5000 === 1) return `${t} node-7 systemd[1]: batch-${n}.service: Failed with result 'exit-code'.`;
  if (n % (60 * RATE) < 1000 && n % (60 * RATE) > 10) return `${t} clw-worker[pid=4242]: ERROR: [clw-task-timeout] Task 'etl-7' exceeded its deadline of 30000ms`;
  if (n % (10 * RATE) < 4) return `${t} clw-worker[pid=${500 + (n % 4)}]: INFO: heartbeat rss_bytes=${600_000_000 + (n % 7) * 1_000_000} limit_bytes=4294967296 active=1 completed=${n} failed=0`;
  return `${t} clw-worker[pid=${500 + (n % 4)}]: INFO: Task 'render-${n % 9973}' completed in ${n % 900}ms`;
}

const samples = [];
const started = performance.now();
let written = 0;
const sampler = setInterval(() => samples.push({ written, rss: rssMiB() }), 100);
const BATCH = 2000;
while (written < TOTAL) {
  let chunk = '';
  const end = Math.min(TOTAL, written + BATCH);
  for (let n = written; n < end; n++) chunk += line(n) + '\n';
  written = end;
  if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
}
await new Promise((r) => setTimeout(r, 500)); // what is still in the pipe is read
clearInterval(sampler);
// RSS swings with the collector by several MiB: the peak of each minute is compared, not one sample.
const peakOf = (from, to) => Math.max(...samples.filter((s) => s.written > from && s.written <= to).map((s) => s.rss));
const firstMinuteRss = peakOf(0, 60 * RATE);
const endRss = peakOf(TOTAL - 60 * RATE, TOTAL);
child.stdin.end();
await new Promise((r) => child.on('close', r));
const seconds = (performance.now() - started) / 1000;
const peak = Math.max(...samples.map((s) => s.rss));
const growth = (endRss / firstMinuteRss - 1) * 100;
const tenMinutes = Array.from({ length: Math.floor(MINUTES / 10) }, (_, k) => Math.round(peakOf(k * 600 * RATE, (k + 1) * 600 * RATE)));
console.log(`soak: ${MINUTES} min of log at ${RATE} lines/s (${(TOTAL / 1e6).toFixed(1)} M lines) in ${seconds.toFixed(0)} s (${Math.round(TOTAL / seconds).toLocaleString('en-US')} lines/s), ${updates} live lines`);
console.log(`peak RSS in the first minute of log ${firstMinuteRss.toFixed(0)} MiB, in the last ${endRss.toFixed(0)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%), peak ${peak.toFixed(0)} MiB; target within 10%: ${Math.abs(growth) <= 10 ? 'met' : 'NOT met'}`);
if (tenMinutes.length > 1) console.log(`peak RSS by ten minutes of log: ${tenMinutes.join(', ')} MiB`);
console.log(JSON.stringify({ bench: 'soak', peakRssByTenMinutesMiB: tenMinutes, minutes: MINUTES, rate: RATE, lines: TOTAL, seconds: Number(seconds.toFixed(1)), liveLines: updates, firstMinuteRssMiB: Number(firstMinuteRss.toFixed(1)), endRssMiB: Number(endRss.toFixed(1)), peakRssMiB: Number(peak.toFixed(1)) }));
