// Stream latency: how long after an occurrence's line reaches `clw-diag --stream` (a real pipe)
// its update is printed. Each incident gets five occurrences (five pids of one process), so the
// first (an incident opening) and the fifth (an update of an incident already said, built
// through the same joins and ranking) are measured apart, for a one-line rule and for a rule
// whose block ends on its last line (the kernel's OOM report) and one whose block may go on (an OOM
// line with its figures after it), which waits for its quiet time first.
//   node bench/stream-latency.js [--incidents=20]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { delaySummary } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/clw-diag.js', import.meta.url));
const INCIDENTS = Number(process.argv.find((a) => a.startsWith('--incidents='))?.slice(12) ?? 20);
const OCCURRENCES = 5;
/** How long a block rule waits for its block to go on (src/pipeline/scan.ts). */
const QUIET_MS = 40;
const HEALTHY = 'clw-worker[pid=100]: INFO: task done in 12ms\n'.repeat(50);

const child = spawn(process.execPath, [BIN, '--stream', '--format', 'json', '--fail-on', 'never'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
let buffered = '';
let waiting = null;
child.stdout.on('data', (d) => {
  buffered += d;
  for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (waiting && line.includes(waiting.marker)) {
      const w = waiting;
      waiting = null;
      w.resolve(performance.now() - w.sent);
    }
  }
});

const stamp = () => new Date().toISOString();
const kinds = {
  'one-line': (i, pid) => ({
    marker: `[pid=${pid}]: FATAL`,
    text: `${stamp()} clw-lat-${i}[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`,
  }),
  // Ends on its own last line (the kill), so it is said without waiting.
  'closed block': (i, pid) => ({
    marker: `Killed process ${pid} `,
    text: [
      `${stamp()} kernel: clw-lat-${i} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`,
      `${stamp()} kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/lat${i},task_memcg=/lat${i},task=clw-lat-${i},pid=${pid},uid=0`,
      `${stamp()} kernel: Memory cgroup out of memory: Killed process ${pid} (clw-lat-${i}) total-vm:3249380kB, anon-rss:2093648kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4800kB oom_score_adj:0`,
    ].join('\n') + '\n',
  }),
  // May go on (the figures after it): said once the stream has been quiet for the quiet time.
  'open block': (i, pid) => ({
    marker: `[pid=${pid}]: ERROR`,
    text: `${stamp()} clw-lat-${i}[pid=${pid}]: ERROR: [clw-worker-oom] Worker worker-lat-${i} exceeded memory limit: 2147483648 bytes\n`,
  }),
};

const results = {};
// Start-up (loading the rules) is not latency: one warm-up incident is awaited first.
await new Promise((resolve) => {
  waiting = { marker: 'clw-warmup[pid=9]', resolve, sent: performance.now() };
  child.stdin.write(`${stamp()} clw-warmup[pid=9]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`);
});
for (const [kind, make] of Object.entries(kinds)) {
  const first = [];
  const fifth = [];
  for (let i = 0; i < INCIDENTS; i++) {
    for (let k = 0; k < OCCURRENCES; k++) {
      child.stdin.write(HEALTHY);
      const { marker, text } = make(`${kind.replace(' ', '-')}-${i}`, 10_000 + i * 100 + k);
      const delay = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(Infinity), 5000);
        waiting = { marker, resolve: (ms) => { clearTimeout(timer); resolve(ms); }, sent: performance.now() };
        child.stdin.write(text);
      });
      if (k === 0) first.push(delay);
      if (process.env.LATENCY_TRACE) console.error(kind, i, k, delay.toFixed(1));
      if (k === OCCURRENCES - 1) fifth.push(delay);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  for (const [which, delays] of [['first', first], ['fifth', fifth]]) {
    const s = delaySummary(delays);
    const beyondQuiet = kind === 'open block' ? { medianMs: Number((s.medianMs - QUIET_MS).toFixed(1)), worstMs: Number((s.worstMs - QUIET_MS).toFixed(1)) } : s;
    results[`${kind} ${which}`] = { ...s, beyondQuiet };
    const quietNote = kind === 'open block' ? ` (${beyondQuiet.medianMs} / ${beyondQuiet.worstMs} ms after the ${QUIET_MS} ms quiet time)` : '';
    const met = beyondQuiet.medianMs < 20 && beyondQuiet.worstMs < 100;
    console.log(`stream latency, ${kind} rule, ${which} occurrence, ${delays.length} incidents: median ${s.medianMs} ms, worst ${s.worstMs} ms${quietNote}; target median < 20 ms, worst < 100 ms: ${met ? 'met' : 'NOT met'}`);
  }
}
child.stdin.end();
await new Promise((r) => child.on('close', r));
console.log(JSON.stringify({ bench: 'stream-latency', incidentsEach: INCIDENTS, occurrences: OCCURRENCES, ...results }));
