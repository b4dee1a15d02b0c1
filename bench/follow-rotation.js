// Follow mode across rotations: lines lost and lines read twice, for rename rotations,
// copytruncates and the two back to back, at a paced rate and as fast as the writer can go.
//
//   node bench/follow-rotation.js [--lines N] [--rotations N] [--rate N]
//
//   --lines N      lines each run writes (default 1,000,000)
//   --rotations N  rotations in each run (default 10)
//   --rate N       lines/s of the paced runs (default 100,000); the other runs go flat out
//
// A writer thread appends numbered lines (`seq=N;`) one write each, as a logger does, and reopens
// the path when its inode changes (checked every 100 lines: it goes on writing to the old file
// until then). A rotator thread, not the writer, rotates as logrotate does: the numbered copies
// shift up (PATH.1 -> PATH.2 ...), then PATH is renamed to PATH.1 and made again empty (`create`)
// or copied to PATH.1 and truncated (`copytruncate`). In `mixed`, rotations come in pairs 4,000
// lines apart, a rename then a copytruncate and a copytruncate then a rename.
//
// What is still on disk at the end (every file the rotations left) is what must be read: a line
// written between a copytruncate's copy and its truncation is in neither file (copytruncate's own
// race, counted apart). The follow source the CLI runs (dist/sources/follow.js) reads the path in
// this process and every line's number is checked: lost = on disk, never read; duplicated = read
// more than once. The built CLI follows the same path at the same time and its report's line count
// is compared with the lines on disk.
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, workerData } from 'node:worker_threads';

const HERE = fileURLToPath(import.meta.url);
const MEASURE = fileURLToPath(new URL('./measure.js', import.meta.url));
const GAP = 4000; // lines between the two rotations of a pair in `mixed`

const LINE = (i) => `2026-11-20T00:00:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z clw-worker[pid=${3100 + (i % 40)}]: INFO: seq=${i}; Task 'render-archive' completed in ${i % 9000}ms\n`;
const SEQ = /seq=(\d+);/;
/** The first line, before the writer starts: once its incident is printed, the CLI is following. */
const READY = 'clw-ready[pid=1]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';

/** The rotations of one run: [line at which, 'rename' | 'copy'], in order. */
export function plan(mode, lines, rotations) {
  if (mode !== 'mixed') return Array.from({ length: rotations }, (_, k) => [Math.round(((k + 1) * lines) / (rotations + 1)), mode]);
  const pairs = Math.ceil(rotations / 2);
  const out = [];
  for (let p = 0; p < pairs; p++) {
    const at = Math.round(((p + 1) * lines) / (pairs + 1));
    const kinds = p % 2 ? ['copy', 'rename'] : ['rename', 'copy'];
    out.push([at, kinds[0]]);
    if (out.length < rotations) out.push([at + GAP, kinds[1]]);
  }
  return out;
}

/** Writer thread: `lines` numbered lines, paced at `rate` lines/s (0: flat out). */
function writer({ path, lines, rate, shared }) {
  const written = new Int32Array(shared);
  let fd = openSync(path, 'a');
  let ino = fstatSync(fd).ino;
  const start = performance.now();
  for (let i = 0; i < lines; i++) {
    if (rate) while (i > ((performance.now() - start) * rate) / 1000) Atomics.wait(written, 1, 0, 0.2);
    if (i % 100 === 0) {
      // A logger that reopens its file when the name points elsewhere (as after a rename).
      let now = -1;
      try { now = statSync(path).ino; } catch { /* renamed away, not made again yet */ }
      if (now !== ino) { closeSync(fd); fd = openSync(path, 'a'); ino = fstatSync(fd).ino; }
    }
    writeSync(fd, LINE(i));
    Atomics.store(written, 0, i + 1);
  }
  closeSync(fd);
  Atomics.store(written, 2, Math.round(performance.now() - start));
}

/** Shifts PATH.1, PATH.2 ... up by one. */
function shift(path) {
  const nums = readdirSync(join(path, '..')).map((n) => /\.(\d+)$/.exec(n)?.[1]).filter(Boolean).map(Number).sort((a, b) => b - a);
  for (const n of nums) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
}

/** Rotator thread: each rotation once the writer has written that many lines. */
function rotator({ path, rotations, shared }) {
  const written = new Int32Array(shared);
  for (const [at, kind] of rotations) {
    while (Atomics.load(written, 0) < at) Atomics.wait(written, 1, 0, 0.1);
    shift(path);
    if (kind === 'rename') {
      renameSync(path, `${path}.1`);
      writeFileSync(path, '', { flag: 'a' }); // unless the writer made it first
    } else {
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
    }
  }
}

if (!isMainThread) (workerData.role === 'writer' ? writer : rotator)(workerData);

const run = (role, data) => new Promise((resolve, reject) => {
  const w = new Worker(HERE, { workerData: { role, ...data } });
  w.on('error', reject);
  w.on('exit', resolve);
});

/** Every line's number in every file under `dir`: what is still on disk. */
function onDisk(dir, lines) {
  const count = new Uint8Array(lines);
  let total = 0, unnumbered = 0;
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'latin1');
    for (const line of text.split('\n')) {
      if (!line) continue;
      total++;
      const m = SEQ.exec(line);
      if (m) count[Number(m[1])]++; else unnumbered++;
    }
  }
  return { count, total, unnumbered };
}

/** The follow source in this process, counting each number read. */
async function followInProcess(path, lines) {
  const { followSource } = await import('../dist/sources/follow.js');
  const { alignLines } = await import('../dist/sources/lines.js');
  const ac = new AbortController();
  const seen = new Uint8Array(lines);
  const state = { total: 0, unnumbered: 0, notes: [] };
  const done = (async () => {
    for await (const chunk of alignLines(followSource(path).open({ signal: ac.signal, note: (n) => state.notes.push(n) }))) {
      for (const line of chunk.toString('latin1').split('\n')) {
        if (!line) continue;
        state.total++;
        const m = SEQ.exec(line);
        if (m) seen[Number(m[1])] = Math.min(255, seen[Number(m[1])] + 1); else state.unnumbered++;
      }
    }
  })();
  return { seen, state, stop: async () => { ac.abort(); await done; } };
}

/** The built CLI following the same path; its report's lines, once stopped. */
function followCli(path) {
  const child = spawn(process.execPath, [MEASURE, '--follow', path, '--format', 'json', '--fail-on', 'never'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const closed = new Promise((r) => child.on('close', r));
  return {
    child,
    /** Following once the first line's incident is out: start-up is not what is measured. */
    started: async () => { for (const end = Date.now() + 60_000; !out.includes('(pid 1)');) { if (Date.now() > end) throw new Error(`clw-diag did not start: ${err}`); await sleep(20); } },
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
      return JSON.parse(out.trim().split('\n').at(-1)).sources[0].lines;
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One run: write with rotations while both followers read; then count. */
export async function rotationRun({ mode, lines, rotations, rate }) {
  const dir = mkdtempSync(join(tmpdir(), 'clw-bench-rotate-'));
  const path = join(dir, 'w.log');
  try {
    writeFileSync(path, READY);
    const cli = followCli(path);
    const mine = await followInProcess(path, lines);
    await cli.started();
    while (!mine.state.total) await sleep(10);
    const shared = new SharedArrayBuffer(12);
    const steps = plan(mode, lines, rotations);
    await Promise.all([run('writer', { path, lines, rate, shared }), run('rotator', { path, rotations: steps, shared })]);
    const writerSeconds = new Int32Array(shared)[2] / 1000;
    const disk = onDisk(dir, lines);
    // Settled: everything on disk read, or nothing more for 2 s (twice the slow poll).
    for (let last = -1, since = Date.now(); Date.now() - since < 2000;) {
      await sleep(100);
      if (mine.state.total !== last) [last, since] = [mine.state.total, Date.now()];
      if (mine.state.total >= disk.total) break;
    }
    const cliLines = await cli.stop();
    await mine.stop();
    let lost = 0, duplicated = 0, raceLost = 0;
    for (let i = 0; i < lines; i++) {
      // A line the race took may still have been read before the truncation: not lost then.
      if (!disk.count[i] && !mine.seen[i]) raceLost++;
      else if (mine.seen[i] < disk.count[i]) lost += disk.count[i] - mine.seen[i];
      if (mine.seen[i] > Math.max(1, disk.count[i])) duplicated += mine.seen[i] - Math.max(1, disk.count[i]);
    }
    // Fragments (a copy taken in the middle of a write) without a number are compared by count.
    const fragments = mine.state.unnumbered - disk.unnumbered;
    if (fragments > 0) duplicated += fragments; else lost -= fragments;
    return {
      mode, rate: rate || 'full', lines, rotations: steps.length, writerLinesPerSecond: Math.round(lines / writerSeconds),
      onDisk: disk.total, raceLost, lost, duplicated, cliCounted: cliLines, cliOff: cliLines - disk.total,
      copiesRead: mine.state.notes.filter((n) => / there, written before a rotation/.test(n)).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const arg = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? process.argv[process.argv.indexOf(`--${name}`) + 1] ?? dflt) || dflt;

/** Every mode at the paced rate and flat out. */
export async function rotationRuns({ lines = 1_000_000, rotations = 10, rate = 100_000 } = {}) {
  const results = [];
  for (const r of [rate, 0]) for (const mode of ['rename', 'copy', 'mixed']) results.push(await rotationRun({ mode, lines, rotations, rate: r }));
  return results;
}

export function printRotations(results) {
  const row = (...cells) => cells.map((c, i) => (i ? String(c).padStart(12) : String(c).padEnd(14))).join('');
  console.log(`follow across rotations: ${results[0].lines.toLocaleString('en-US')} numbered lines a run, one write each; lost and duplicated counted line by line`);
  console.log(row('rotations', 'lines/s', 'writer l/s', 'on disk', 'race lost', 'lost', 'duplicated', 'copies read', 'CLI counted', 'CLI off'));
  console.log('  race lost: written between a copytruncate\'s copy and its truncation, so in neither file, and not read before; lost: on disk, never read;');
  console.log('  CLI off: clw-diag\'s line count minus the lines on disk (above 0 by lines it read before the race took them)');
  for (const r of results) {
    console.log(row(`${r.rotations} ${r.mode === 'copy' ? 'copytrunc' : r.mode}`, r.rate === 'full' ? 'full' : r.rate.toLocaleString('en-US'), r.writerLinesPerSecond.toLocaleString('en-US'), r.onDisk.toLocaleString('en-US'), r.raceLost, r.lost, r.duplicated, r.copiesRead, r.cliCounted.toLocaleString('en-US'), r.cliOff));
  }
}

/** The targets: nothing on disk lost at the paced rate, nothing ever read twice. The CLI's count is
 * checked within what can be known from a count: no fewer than the lines on disk at the paced rate,
 * never more than were written. */
export const rotationsOk = (results) => results.every((r) => r.duplicated === 0 && r.cliCounted <= r.lines + 1 && (r.rate === 'full' || (r.lost === 0 && r.cliOff >= 0)));

if (isMainThread && process.argv[1] === HERE) {
  const results = await rotationRuns({ lines: arg('lines', 1_000_000), rotations: arg('rotations', 10), rate: arg('rate', 100_000) });
  printRotations(results);
  console.log(JSON.stringify({ bench: 'follow-rotation', results, node: process.version }));
  process.exitCode = rotationsOk(results) ? 0 : 1;
}

