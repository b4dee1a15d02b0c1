// Follow mode: how fast `clw-diag --follow` keeps up with a writer, and how soon after a line is
// appended to a followed file its incident prints.
//
//   node bench/follow.js [--seconds N] [--max-mib N] [--lines N] [--rotate-lines N] [--rotations N]
//
//   --seconds N       how long the writer appends as fast as it can (default 3)
//   --max-mib N       ...or until it has written this much (default 512), to spare the disk
//   --lines N         failure lines timed for latency, per kind of rule (default 40)
//   --rotate-lines N  lines written in each rotation run (default 1,000,000)
//   --rotations N     rotations in each rotation run (default 10)
//
// Throughput, twice: a writer process appends as fast as it can, once in 64 KiB writes (what
// clw-diag can take at most: the writer is far faster) and once one line per write, as a logger
// does (a change event per line; can clw-diag keep up?). One line in ~500 is a failure. When the
// writer stops, clw-diag gets SIGTERM, reads what is left and prints the report.
// The rate is the lines written over the time from the writer's start to the report; the report's
// sources[].lines and summary.events must equal what was written. Exits 1 when they do not.
//
// Then rotations (follow-rotation.js): rename, copytruncate and the two back to back, at 100,000
// lines/s and flat out, every line numbered and counted; exits 1 when a line was read twice, or
// when a line still on disk was lost at 100,000 lines/s.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printRotations, rotationRuns, rotationsOk } from './follow-rotation.js';
import { delaySummary } from './stats.js';

const MEASURE = fileURLToPath(new URL('./measure.js', import.meta.url));
const arg = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? process.argv[process.argv.indexOf(`--${name}`) + 1] ?? dflt) || dflt;
const HEALTHY = (i) => `2026-11-20T00:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z clw-worker[pid=${3100 + (i % 40)}]: INFO: Task 'render-archive-${(i * 2654435761 >>> 0).toString(16)}' completed in ${i % 9000}ms (items=${i % 4096}, bytes_out=${i * 7919 % 9999999})\n`;
const CRASH = (name, pid) => `${name}[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`;

/** The writer, in its own process so this one stays free to read clw-diag's output. */
function writer(path, seconds, maxBytes, perLine) {
  // 16 different 64 KiB blocks, each whole lines with one failure line (16 process names, so the
  // incidents stay few and the events countable), written whole or a line at a time.
  const blocks = Array.from({ length: 16 }, (_, b) => {
    const lines = [];
    for (let i = b * 1000; lines.join('').length < (64 << 10) - 300; i++) lines.push(HEALTHY(i));
    lines.splice(lines.length >> 1, 0, CRASH(`clw-tp${b}`, 7000 + b));
    return { buf: Buffer.from(lines.join('')), lines: lines.length, each: lines.map((l) => Buffer.from(l)) };
  });
  const fd = openSync(path, 'a');
  const start = Date.now();
  let lines = 0, bytes = 0, failures = 0;
  for (let k = 0; Date.now() - start < seconds * 1000 && bytes < maxBytes; k++) {
    const b = blocks[k % blocks.length];
    if (perLine) for (const l of b.each) writeSync(fd, l);
    else writeSync(fd, b.buf);
    lines += b.lines; bytes += b.buf.length; failures++;
  }
  closeSync(fd);
  process.stdout.write(JSON.stringify({ start, end: Date.now(), lines, bytes, failures }) + '\n');
}

/** Still running when the bench fails: ended so that it can exit. */
const running = new Set();

/** clw-diag --follow on `path`, with its stdout collected and a way to wait for a marker in it. */
function follow(path) {
  const child = spawn(process.execPath, [MEASURE, '--follow', path, '--format', 'json', '--fail-on', 'never'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  running.add(child);
  child.on('close', () => running.delete(child));
  const c = { child, out: '', err: '', waiting: null };
  child.stdout.on('data', (d) => {
    c.out += d;
    if (c.waiting && c.out.includes(c.waiting.marker, c.waiting.from)) { const w = c.waiting; c.waiting = null; w.resolve(performance.now()); }
  });
  child.stderr.on('data', (d) => { c.err += d; });
  c.until = (marker) => new Promise((resolve, reject) => {
    if (c.out.includes(marker)) return resolve(performance.now());
    const t = setTimeout(() => reject(new Error(`no ${marker} on clw-diag's output after 60 s`)), 60_000);
    c.waiting = { marker, from: 0, resolve: (x) => { clearTimeout(t); resolve(x); } };
  });
  c.stop = () => new Promise((resolve) => {
    child.on('close', () => {
      const report = JSON.parse(c.out.trim().split('\n').at(-1));
      const bench = JSON.parse(/BENCH (\{.*\})/.exec(c.err)?.[1] ?? '{}');
      resolve({ report, at: Date.now(), peakRssMiB: (bench.maxRssKiB ?? 0) / 1024 });
    });
    child.kill('SIGTERM');
  });
  return c;
}

async function throughput(dir, seconds, maxMiB, perLine) {
  const path = join(dir, `throughput-${perLine ? 'lines' : 'blocks'}.log`);
  writeFileSync(path, CRASH('clw-ready', 1));
  const c = follow(path);
  await c.until('(pid 1)'); // following: start-up is not throughput
  const w = spawn(process.execPath, [fileURLToPath(import.meta.url), '--writer', path, String(seconds), String(maxMiB << 20), perLine ? 'lines' : 'blocks'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let wout = '';
  w.stdout.on('data', (d) => { wout += d; });
  await new Promise((r) => w.on('close', r));
  const written = JSON.parse(wout);
  const { report, at, peakRssMiB } = await c.stop();
  const src = report.sources[0];
  const lines = written.lines + 1, bytes = written.bytes + CRASH('clw-ready', 1).length;
  const secs = (at - written.start) / 1000;
  return {
    ok: src.lines === lines && src.bytes === bytes && report.summary.events === written.failures + 1,
    lines, bytes, counted: { lines: src.lines, bytes: src.bytes, events: report.summary.events, expectedEvents: written.failures + 1 },
    writerSeconds: (written.end - written.start) / 1000, secs, drainSeconds: (at - written.end) / 1000, peakRssMiB,
  };
}

async function latency(dir, n) {
  const path = join(dir, 'latency.log');
  writeFileSync(path, CRASH('clw-ready', 1));
  const c = follow(path);
  await c.until('(pid 1)');
  // A one-line rule prints as its line is read; a rule whose block may go on (the OOM line and the
  // figures after it) waits for 40 ms of quiet first, as with --stream.
  const kinds = {
    'one line': (i) => ({ marker: `(pid ${1000 + i})`, line: CRASH(`clw-lat-${i}`, 1000 + i) }),
    'block': (i) => ({ marker: `Worker worker-lat-${i} exceeded`, line: `[clw-worker-oom] Worker worker-lat-${i} exceeded memory limit: 2147483648 bytes\n` }),
  };
  const results = {};
  for (const [kind, make] of Object.entries(kinds)) {
    const delays = [];
    for (let i = 0; i < n; i++) {
      appendFileSync(path, Array.from({ length: 50 }, (_, k) => HEALTHY(i * 50 + k)).join(''));
      const { marker, line } = make(i);
      const seen = c.until(marker);
      const sent = performance.now();
      appendFileSync(path, line);
      delays.push((await seen) - sent);
      await new Promise((r) => setTimeout(r, 20));
    }
    results[kind] = delaySummary(delays);
  }
  await c.stop();
  return results;
}

async function main() {
  const seconds = arg('seconds', 3), maxMiB = arg('max-mib', 512), n = arg('lines', 40);
  const dir = mkdtempSync(join(tmpdir(), 'clw-bench-follow-'));
  try {
    const runs = { blocks: await throughput(dir, seconds, maxMiB, false), lines: await throughput(dir, seconds, maxMiB, true) };
    const lat = await latency(dir, n);
    const row = (...cells) => cells.map((c, i) => (i ? String(c).padStart(14) : c.padEnd(12))).join('');
    console.log(`follow throughput: a writer appending as fast as it can for up to ${seconds} s or ${maxMiB} MiB; clw-diag's rate counts from the writer's start to the report`);
    console.log(row('writes of', 'lines', 'MiB', 'writer MiB/s', 'lines/s', 'MiB/s', 'behind at end', 'peak RSS', 'counts'));
    const summary = {};
    for (const [mode, t] of Object.entries(runs)) {
      const mib = t.bytes / 2 ** 20;
      summary[mode] = { lines: t.lines, mib: Number(mib.toFixed(1)), writerMiBps: Math.round(mib / t.writerSeconds), linesPerSecond: Math.round(t.lines / t.secs), miBps: Math.round(mib / t.secs), behindSeconds: Number(t.drainSeconds.toFixed(2)), peakRssMiB: Math.round(t.peakRssMiB), counts: t.ok ? 'OK' : 'FAIL' };
      const m = summary[mode];
      console.log(row(mode === 'blocks' ? '64 KiB' : 'one line', m.lines.toLocaleString('en-US'), m.mib.toFixed(0), m.writerMiBps, m.linesPerSecond.toLocaleString('en-US'), m.miBps, `${m.behindSeconds.toFixed(2)} s`, `${m.peakRssMiB} MiB`, m.counts));
      if (!t.ok) console.log(`  FAIL ${mode}: read ${JSON.stringify(t.counted)}; wrote ${t.lines} lines, ${t.bytes} bytes`);
    }
    console.log(`follow latency: from appending a failure line to its incident line on stdout, ${n} incidents each`);
    for (const [kind, r] of Object.entries(lat)) console.log(`  ${`${kind} rule:`.padEnd(16)}median ${r.medianMs} ms, worst ${r.worstMs} ms`);
    const rotateLines = arg('rotate-lines', 1_000_000);
    const rotations = rotateLines ? await rotationRuns({ lines: rotateLines, rotations: arg('rotations', 10) }) : [];
    if (rotations.length) printRotations(rotations);
    console.log(JSON.stringify({ bench: 'follow', seconds, maxMiB, ...summary, latency: lat, rotations, node: process.version }));
    return Object.values(runs).every((t) => t.ok) && rotationsOk(rotations) ? 0 : 1;
  } finally {
    for (const child of running) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--writer') writer(process.argv[3], Number(process.argv[4]), Number(process.argv[5]), process.argv[6] === 'lines');
else main().then((code) => { process.exitCode = code; }, (err) => { process.stderr.write(`bench: ${err.stack ?? err.message}\n`); process.exitCode = 1; });
