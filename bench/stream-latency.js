// Stream latency: how long after a line reaches `clw-diag --stream` its incident is printed.
// Writes one failure line at a time (each a new incident: a different worker), waits for its
// incident line on stdout, and reports the median and worst of the delays.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { delaySummary } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/clw-diag.js', import.meta.url));
const LINES = Number(process.argv.find((a) => a.startsWith('--lines='))?.slice(8) ?? 40);
const HEALTHY = 'clw-worker[pid=100]: INFO: task done in 12ms\n'.repeat(50);

const child = spawn(process.execPath, [BIN, '--stream', '--fail-on', 'never'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
let out = '';
let waiting = null;
child.stdout.on('data', (d) => {
  out += d;
  if (waiting && out.includes(waiting.marker)) {
    const w = waiting;
    waiting = null;
    w.resolve(performance.now() - w.sent);
  }
});

// A one-line rule is printed as its line is read; a rule whose block may go on (the OOM line and
// the figures after it) waits for the stream to go quiet for 40 ms first.
const kinds = {
  'one line': (i) => ({ marker: `(pid ${1000 + i}) crashed`, line: `clw-lat-${i}[pid=${1000 + i}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n` }),
  'block': (i) => ({ marker: `Worker worker-lat-${i} exceeded`, line: `[clw-worker-oom] Worker worker-lat-${i} exceeded memory limit: 2147483648 bytes\n` }),
};
const results = {};
await new Promise((r) => setTimeout(r, 500)); // start-up is not latency
for (const [kind, make] of Object.entries(kinds)) {
  const delays = [];
  for (let i = 0; i < LINES; i++) {
    child.stdin.write(HEALTHY);
    const { marker, line } = make(i);
    delays.push(await new Promise((resolve) => {
      waiting = { marker, resolve, sent: performance.now() };
      child.stdin.write(line);
    }));
    await new Promise((r) => setTimeout(r, 20));
  }
  results[kind] = delaySummary(delays);
  console.log(`stream latency, ${kind} rules, ${delays.length} incidents: median ${results[kind].medianMs} ms, worst ${results[kind].worstMs} ms (target: within 100 ms)`);
}
child.stdin.end();
await new Promise((r) => child.on('close', r));
console.log(JSON.stringify({ bench: 'stream-latency', incidentsEach: LINES, ...results }));
