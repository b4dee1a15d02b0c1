// Property tests of hostile input: random bytes (real log lines spliced with noise), random cuts of
// standard input and random arguments. The command line runs in the test's own process (`main`
// with streams of the test's): a Node start per run costs seconds on a busy machine, and the runs
// here are many. The seed is printed; FC_SEED=<seed> replays a failure, FC_RUNS=<n> runs longer.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Io } from '../../src/cli/analyze-command.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from './cli.js';

// Loading the rules from source (no build-time cache there) takes a second or more on a busy
// machine and is not what is tested here: each list of rule folders is loaded once (thresholds and
// the checks of the arguments still run every time; the CLI sets thresholds on a copy). Failures
// are not kept, so a bad --rules still fails every time.
vi.mock('../../src/rules/loader.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/rules/loader.js')>();
  const loaded = new Map<string, ReturnType<typeof real.loadRuleSets>>();
  return {
    ...real,
    loadRuleSets(sources: Parameters<typeof real.loadRuleSets>[0]) {
      const key = JSON.stringify(sources);
      if (!loaded.has(key)) loaded.set(key, real.loadRuleSets(sources));
      const r = loaded.get(key)!;
      return { ...r, ruleSet: { ...r.ruleSet } };
    },
  };
});

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 25);

/** Lines of the samples and the real corpus, so that the random input often matches rules. */
function realLines(): string[] {
  const files: string[] = [];
  for (const s of readdirSync('samples')) files.push(join('samples', s, 'worker.log'));
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.log')) files.push(join(dir, e.name));
    }
  };
  walk('test/corpus/real');
  const lines: string[] = [];
  for (const f of files) {
    try {
      lines.push(...readFileSync(f, 'utf8').split('\n').filter(Boolean));
    } catch {
      // a sample without worker.log
    }
  }
  return lines;
}

interface Run { code: number; stdout: string; stderr: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The command line on the test's streams; `pieces` are written to standard input `pause` ms apart. */
async function cli(argv: string[], pieces: { bytes: Buffer; pause: number }[] = []): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const feeding = (async () => {
    for (const p of pieces) {
      if (p.pause) await sleep(p.pause);
      stdin.write(p.bytes);
    }
    stdin.end();
  })();
  const code = await main(argv, { stdout, stderr, stdin } as unknown as Io);
  await feeding;
  return { code, stdout: out, stderr: err };
}

/** What a user must never see, whatever the input. */
function expectNoCrash(r: Run, what: string) {
  expect(r.code, `${what}\n${r.stderr}`).not.toBe(3);
  expect(r.stderr, what).not.toMatch(/this is a bug/);
  expect(r.stderr, what).not.toContain('\n    at ');
}

/** The report, with what differs between a file and standard input by design taken out. */
function comparable(json: string, sourceName: string): unknown {
  const report = JSON.parse(json.replaceAll(JSON.stringify(sourceName).slice(1, -1), '<input>').replaceAll('<stdin>', '<input>'));
  delete report.type;
  delete report.generatedAt;
  for (const s of report.sources) {
    delete s.name;
    delete s.kind;
  }
  return report;
}

let dir: string;
let pool: string[];
/** Lines with the words failures are reported in, to make matches common. */
let hot: string[];
const env: Record<string, string | undefined> = {};

beforeAll(() => {
  dir = tempDir('clw-hostile-');
  pool = realLines();
  hot = pool.filter((l) => /FATAL|panic|Out of memory|Killed process|SIGSEGV|SIGABRT|Exit code|OOMKilled|heap out of memory|Traceback|MemoryError|segfault|core dumped/i.test(l));
  // The report must not depend on the machine running the test.
  for (const k of ['GITHUB_ACTIONS', 'NO_COLOR', 'FORCE_COLOR', 'CLW_DIAG_CONFIG']) env[k] = process.env[k];
  process.env.GITHUB_ACTIONS = '';
  process.env.NO_COLOR = '1';
  delete process.env.FORCE_COLOR;
  process.env.CLW_DIAG_CONFIG = join(dir, 'no-config.toml');
  console.log(`hostile-input: fast-check seed ${SEED} (FC_SEED=${SEED} replays it)`);
});

afterAll(() => {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Real lines, noise and bare bytes, joined by newlines (or not). No NUL and no gzip magic: a file
 *  with those is refused as binary by design, standard input is not. */
const logBytes = () => fc.array(fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((i) => Buffer.from(pool[i % pool.length] + '\n')) },
  { weight: 3, arbitrary: fc.nat().map((i) => Buffer.from(hot[i % hot.length] + '\n')) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 80 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.nat({ max: 200 }), fc.uint8Array({ maxLength: 12 }))
    .map(([i, at, noise]) => { const l = pool[i % pool.length]; return Buffer.concat([Buffer.from(l.slice(0, at)), noise, Buffer.from(l.slice(at) + '\n')]); }) },
  { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', '\n\n', '{"MESSAGE":', '[99999999999999999999.1] ', '9999-99-99T99:99:99Z ').map((s) => Buffer.from(s)) },
), { minLength: 1, maxLength: 60, size: '+1' }).map((parts) => {
  const b = Buffer.concat(parts);
  for (let i = 0; i < b.length; i++) if (b[i] === 0) b[i] = 0x20;
  if (b[0] === 0x1f) b[0] = 0x20;
  return b;
});

describe('hostile input (property-based)', () => {
  it(`a file and the same bytes cut anywhere through --stream give the same report (${RUNS} runs)`, async () => {
    let withIncidents = 0;
    await fc.assert(fc.asyncProperty(
      logBytes(),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 20 })), { maxLength: 8 }),
      async (bytes, cutsAndPauses) => {
        const file = join(dir, 'input.log');
        writeFileSync(file, bytes);
        const cuts = [...new Set(cutsAndPauses.map(([c]) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
        const pauses = cutsAndPauses.map(([, p]) => p);
        const pieces = [0, ...cuts].map((start, i, all) => ({ bytes: bytes.subarray(start, all[i + 1] ?? bytes.length), pause: i === 0 ? 0 : pauses[i - 1] }));
        const fromFile = await cli([file, '--format', 'json']);
        const fromStream = await cli(['--stream', '--format', 'json'], pieces);
        expectNoCrash(fromFile, 'file');
        expectNoCrash(fromStream, 'stream');
        expect(fromStream.code).toBe(fromFile.code);
        const last = fromStream.stdout.trimEnd().split('\n').pop()!;
        expect(comparable(last, '<stdin>')).toEqual(comparable(fromFile.stdout, file));
        if (JSON.parse(fromFile.stdout).incidents.length) withIncidents++;
      },
    ), { numRuns: RUNS, seed: SEED });
    // The input is meant to match rules often; a generator that stopped doing so would test little.
    expect(withIncidents).toBeGreaterThan(RUNS / 4);
  }, 120_000);

  it(`random arguments never crash the command line (${RUNS} runs)`, async () => {
    const codes = new Set<number>();
    const file = join(dir, 'args.log');
    writeFileSync(file, pool.slice(0, 400).join('\n') + '\n');
    const folder = join(dir, 'folder');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'x.yaml'), 'family: x\nrules: nope\n');
    writeFileSync(join(dir, 'bad.toml'), '[thresholds]\ngc_pause_ms = "soon"\n[[x');
    // Strings a user might type, and some no one would.
    // No NUL: execve takes C strings, so no real command line carries one.
    const word = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '-', '--', '0', '-1', 'NaN', '1e309', '0x10', ' ', '\t', 'é', '%s'))
      .map((w) => w.replaceAll('\u0000', ''));
    const date = fc.tuple(fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('Z', '+99:99', '-14:00', '', '.123Z'))
      .map(([y, mo, d, h, mi, z]) => `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:00${z}`);
    const duration = fc.tuple(fc.double({ min: 0, max: 1e20, noNaN: true }), fc.constantFrom('s', 'm', 'h', 'd', 'w', 'y', '')).map(([n, u]) => `${n}${u}`);
    const path = fc.oneof(
      fc.constantFrom(file, folder, dir, join(dir, 'missing.log'), '/dev/null', '/dev/zero', join(dir, 'bad.toml'), '-'),
      fc.stringMatching(/^[a-z0-9_-]{1,8}$/).map((s) => join(dir, s)),
    );
    const option = fc.oneof(
      fc.tuple(fc.constantFrom('--since', '--until'), fc.oneof(date, duration, word)),
      fc.tuple(fc.constant('--format'), fc.oneof(fc.constantFrom('text', 'json', 'markdown', 'junit', 'html', 'prometheus'), word)),
      fc.tuple(fc.constant('--fail-on'), fc.oneof(fc.constantFrom('critical', 'error', 'warning', 'never'), word)),
      fc.tuple(fc.constantFrom('--top', '--gdb-timeout'), fc.oneof(fc.integer().map(String), word)),
      fc.tuple(fc.constant('--threshold'), fc.oneof(fc.tuple(fc.constantFrom('gc_pause_ms', 'nope', ''), word).map(([k, v]) => `${k}=${v}`), word)),
      fc.tuple(fc.constantFrom('--rules', '--rules-dir', '--config', '--worker-logs', '--dmesg', '--journal', '--cores', '--exe'), path),
      // Never a device: a regression there would replace the machine's /dev/null.
      fc.tuple(fc.constant('--output'), fc.oneof(fc.constantFrom(dir, folder, join(dir, 'missing', 'r.txt')), fc.stringMatching(/^[a-z0-9_-]{1,8}$/).map((s) => join(dir, s)))),
      fc.constantFrom(['--stream'], ['--help-me'], ['-x'], [file], [folder], ['-']),
      // A bare word is a path: kept inside the test's folder (`.` would read the whole repository).
      word.map((w) => [join(dir, w.replaceAll('/', '_') || 'empty')]),
    );
    // Flags that wait for input without end or leave the process are not what this is about.
    const stays = (a: string) => !/^--?(f|h|v|no-)|^-[a-z]*[fhv]/i.test(a);
    await fc.assert(fc.asyncProperty(fc.array(option, { maxLength: 6 }), async (opts) => {
      const argv = opts.flat().filter(stays);
      const r = await cli(argv.length ? argv : [file]);
      expectNoCrash(r, JSON.stringify(argv));
      codes.add(r.code);
    }), { numRuns: RUNS, seed: SEED });
    // Some runs must get as far as a report, not all stop at the arguments.
    expect(codes.has(0) || codes.has(1)).toBe(true);
  }, 120_000);
});
