// Generates the benchmark's worker log: mostly healthy lines, failures planted at known counts,
// heartbeats on a cadence. Deterministic (seeded), cached by version and size in bench/data/.
//
//   node bench/generate.js [--size-mib N] [--force]
//
// Writes bench/data/worker-<N>MiB-<version>.log and a sidecar .json with the lines of every kind,
// a few sample instances of each (so the expected events can be worked out against the rule set
// that loads when the benchmark runs) and the expected events for the rule set at generation time.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEALTHY, HEARTBEAT, PLANTED, plantedCount, taskName } from './catalog.js';

/** Bump when the catalog or the generator changes what is written. */
export const DATA_VERSION = 'v1';
export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data');
const SEED = 0x5eed2026;
const START_MS = Date.UTC(2026, 10, 20, 0, 0, 0);
const UPTIME_AT_START_S = 1234.5;
/** Mean time between log lines: ~100 lines/s, a busy host. */
const MEAN_GAP_MS = 10;
const WORKERS = 8;
const FLUSH_CHARS = 4 << 20;
const SAMPLES = 5;

export function dataPaths(sizeMiB, dir = DATA_DIR) {
  const base = join(dir, `worker-${sizeMiB}MiB-${DATA_VERSION}`);
  return { log: `${base}.log`, meta: `${base}.json` };
}

/** mulberry32: small, fast, good enough for test data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

class Gen {
  constructor(targetBytes) {
    this.rand = prng(SEED);
    this.now = START_MS;
    this.target = targetBytes;
    this.bytes = 0;
    this.sec = -1;
    this.isoSec = '';
    this.sysSec = '';
    this.clockSec = '';
    const basePid = 3101;
    this.workers = Array.from({ length: WORKERS }, (_, i) => ({
      pid: basePid + i * 7,
      next: START_MS + Math.floor(this.rand() * HEARTBEAT.everyMs),
      rssStart: 480e6 + i * 15e6,
      rssEnd: 1650e6 + i * 20e6,
      completed: 0,
      failed: 0,
    }));
    this.workerPids = this.workers.map((w) => w.pid);
  }

  int(lo, hi) { return lo + Math.floor(this.rand() * (hi - lo + 1)); }
  pick(arr) { return arr[Math.floor(this.rand() * arr.length)]; }
  hex(n) { let s = ''; for (let i = 0; i < n; i++) s += HEX[Math.floor(this.rand() * 16)]; return s; }
  b64(n) { let s = ''; for (let i = 0; i < n; i++) s += B64[Math.floor(this.rand() * 64)]; return s; }
  uuid() { return `${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}`; }
  task() { return taskName(this); }
  wpid() { return this.workerPids[Math.floor(this.rand() * WORKERS)]; }
  progress() { return Math.min(1, this.bytes / this.target); }

  tick() {
    this.now += -Math.log(1 - this.rand()) * MEAN_GAP_MS;
    const sec = Math.floor(this.now / 1000);
    if (sec !== this.sec) {
      this.sec = sec;
      const d = new Date(sec * 1000);
      const iso = d.toISOString(); // 2026-11-20T10:00:00.000Z
      this.isoSec = iso.slice(0, 20);
      this.clockSec = iso.slice(11, 19);
      this.sysSec = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${this.clockSec}`;
    }
  }

  iso() { return `${this.isoSec}${String(Math.floor(this.now % 1000)).padStart(3, '0')}Z`; }
  sys() { return this.sysSec; }
  clock() { return this.clockSec; }
  mono() {
    const up = UPTIME_AT_START_S + (this.now - START_MS) / 1000;
    const s = Math.floor(up);
    const us = Math.floor((up - s) * 1e6);
    return `[${String(s).padStart(5, ' ')}.${String(us).padStart(6, '0')}]`;
  }
}

/** Returns when [data, meta] are in place; regenerates them when missing or stale. */
export function ensureData(sizeMiB, { force = false, log = (s) => process.stderr.write(s) } = {}) {
  const paths = dataPaths(sizeMiB);
  if (!force && existsSync(paths.log) && existsSync(paths.meta)) {
    try {
      const meta = JSON.parse(readFileSync(paths.meta, 'utf8'));
      if (meta.version === DATA_VERSION && meta.sizeMiB === sizeMiB && statSync(paths.log).size === meta.bytes) {
        return { ...paths, meta, generated: false };
      }
    } catch { /* regenerate */ }
  }
  const meta = generate(sizeMiB, paths, log);
  return { ...paths, meta, generated: true };
}

function generate(sizeMiB, paths, log) {
  const started = performance.now();
  mkdirSync(dirname(paths.log), { recursive: true });
  const target = sizeMiB * 1024 * 1024;
  const g = new Gen(target);

  const kinds = new Map();
  const addKind = (id, family, kind, expect) => kinds.set(id, { id, family, kind, expect: expect ?? null, instances: 0, lines: 0, samples: [] });
  for (const h of HEALTHY) addKind(h.id, 'healthy', 'healthy');
  for (const p of PLANTED) addKind(p.id, p.family, 'planted', p.expect);
  addKind(HEARTBEAT.id, HEARTBEAT.family, 'heartbeat', HEARTBEAT.expect);

  // Healthy kinds by weight: a lookup table indexed by a random integer.
  const table = [];
  HEALTHY.forEach((h, i) => { for (let k = 0; k < h.weight; k++) table.push(i); });

  // Planted instances at random byte offsets, spread over the file.
  const plants = [];
  for (const p of PLANTED) {
    const n = plantedCount(p, sizeMiB);
    for (let i = 0; i < n; i++) plants.push({ at: Math.floor(target * (0.002 + 0.99 * g.rand())), kind: p });
  }
  plants.sort((a, b) => a.at - b.at);

  const tmp = `${paths.log}.tmp`;
  const fd = openSync(tmp, 'w');
  let parts = [];
  let pending = 0;
  let written = 0;
  let lines = 0;
  const flush = () => {
    if (!parts.length) return;
    const buf = Buffer.from(parts.join('\n') + '\n', 'utf8');
    writeSync(fd, buf);
    written += buf.length;
    parts = [];
    pending = 0;
  };
  const emit = (id, out) => {
    const k = kinds.get(id);
    const arr = typeof out === 'string' ? [out] : out;
    k.instances++;
    k.lines += arr.length;
    if (k.samples.length < SAMPLES) k.samples.push(arr);
    for (const l of arr) { parts.push(l); pending += l.length + 1; }
    lines += arr.length;
    if (pending >= FLUSH_CHARS) flush();
    g.bytes = written + pending;
  };

  let nextPlant = 0;
  let nextHb = Math.min(...g.workers.map((w) => w.next));
  let lastWasEvent = false;
  let lastReport = 0;
  while (g.bytes < target || nextPlant < plants.length) {
    g.tick();
    // Keep a healthy line between two events, so no block can take in another event's line.
    if (!lastWasEvent && nextPlant < plants.length && g.bytes >= plants[nextPlant].at) {
      const kind = plants[nextPlant++].kind;
      emit(kind.id, kind.make(g));
      lastWasEvent = true;
    } else if (!lastWasEvent && g.now >= nextHb) {
      const w = g.workers.reduce((a, b) => (b.next < a.next ? b : a));
      w.completed += g.int(20, 120);
      if (g.rand() < 0.05) w.failed++;
      emit(HEARTBEAT.id, HEARTBEAT.make(g, w));
      w.next = g.now + HEARTBEAT.everyMs + g.int(-200, 200);
      nextHb = Math.min(...g.workers.map((x) => x.next));
      lastWasEvent = true;
    } else {
      const h = HEALTHY[table[Math.floor(g.rand() * table.length)]];
      emit(h.id, h.make(g));
      lastWasEvent = false;
    }
    if (written - lastReport >= 64 << 20) {
      lastReport = written;
      log(`\rgenerating ${paths.log}: ${(written / 1048576).toFixed(0)} / ${sizeMiB} MiB`);
    }
  }
  flush();
  closeSync(fd);
  renameSync(tmp, paths.log);
  const seconds = (performance.now() - started) / 1000;
  log(`\rgenerated ${paths.log}: ${(written / 1048576).toFixed(1)} MiB, ${lines} lines in ${seconds.toFixed(1)} s\n`);

  const meta = {
    version: DATA_VERSION,
    sizeMiB,
    seed: SEED,
    bytes: written,
    lines,
    spanHours: Number(((g.now - START_MS) / 3_600_000).toFixed(2)),
    generatedAt: new Date().toISOString(),
    generateSeconds: Number(seconds.toFixed(1)),
    kinds: Object.fromEntries([...kinds.values()].map((k) => [k.id, k])),
  };
  writeFileSync(paths.meta, JSON.stringify(meta, null, 1) + '\n');
  return meta;
}

/** Adds the expected events for a rule set to the sidecar (kept next to the data). */
export function recordExpected(metaPath, meta, expected) {
  const out = { ...meta, expected };
  writeFileSync(metaPath, JSON.stringify(out, null, 1) + '\n');
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--size-mib');
  const size = i >= 0 ? Number(args[i + 1]) : 1024;
  if (!Number.isInteger(size) || size < 1) {
    process.stderr.write('--size-mib: expected a whole number of MiB\n');
    process.exit(2);
  }
  const { expectedFor } = await import('./rules.js');
  const got = ensureData(size, { force: args.includes('--force') });
  const expected = expectedFor(got.meta);
  recordExpected(dataPaths(size).meta, got.meta, expected);
  process.stdout.write(`${got.log}: ${got.meta.lines} lines, ${expected.events} expected events\n`);
  for (const p of [...expected.problems, ...expected.warnings]) process.stdout.write(`  ${p}\n`);
}
