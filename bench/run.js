// The benchmark: clw-diag against GNU grep on the same generated worker log, in
// the same run, warm cache. Checks every planted incident line was counted.
//
//   node bench/run.js [--size-mib N] [--runs N] [--regen] [--profile] [--no-locale]
//
//   --size-mib N   size of the generated log (default 1024; 16 or 64 for a quick check)
//   --runs N       timed runs of each tool (default 3); the median is reported
//   --regen        generate the log again even when the cached one is current
//   --profile      after the timed runs, run clw-diag once under --cpu-prof and print where the
//                  time goes (the .cpuprofile stays in bench/data/prof/)
//   --no-locale    time grep under LC_ALL=C only, not also under the default locale
//
// Exits 1 when the counts are wrong (or a tool fails); speed is reported, not asserted.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, dataPaths, ensureData, recordExpected } from './generate.js';
import { RULES_DIR, expectedFor, fingerprint, grepPatterns, loadRuleSet, prefilterPatterns } from './rules.js';
import { formatSummary, summarize } from './profile.js';
import { median } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const MEASURE = join(HERE, 'measure.js');
const TARGET_RATIO = 2;
const TARGET_RSS_MIB = 200;

function parseArgs(argv) {
  const opts = { sizeMiB: 1024, runs: 3, regen: false, profile: false, locale: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a}: expected a whole number of 1 or more`);
      return v;
    };
    if (a === '--size-mib') opts.sizeMiB = num();
    else if (a === '--runs') opts.runs = num();
    else if (a === '--regen') opts.regen = true;
    else if (a === '--profile') opts.profile = true;
    else if (a === '--no-locale') opts.locale = false;
    else if (a === '--help' || a === '-h') { process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n'); process.exit(0); }
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  return opts;
}

const rel = (p) => relative(process.cwd(), p) || p;
const fmtInt = (n) => n.toLocaleString('en-US');
const fmtCpu = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const shq = (s) => `'${s.replace(/'/g, `'\\''`)}'`;


/** Reads the whole file once so every timed run starts with it in the page cache. */
function warm(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let total = 0;
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) total += n;
  closeSync(fd);
  return total;
}

function effectiveLocale(env = process.env) {
  return env.LC_ALL || env.LC_CTYPE || env.LANG || 'POSIX';
}

/** CPU seconds of the children this process has waited for (Linux: cutime + cstime), or NaN. */
function childCpu() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100; // fields 16 and 17; USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** grep's output goes to a pipe (wc -l): on /dev/null GNU grep stops at the first match. */
function runGrep(patterns, data, locale) {
  const env = { ...process.env };
  if (locale) env.LC_ALL = locale;
  const cmd = `grep -E -f ${shq(patterns)} ${shq(data)} | wc -l`;
  const c0 = childCpu();
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', cmd], { env, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = childCpu() - c0;
  if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status}): ${r.stderr.trim()}`);
  if (r.stderr.trim()) process.stderr.write(`grep: ${r.stderr.trim()}\n`);
  return { seconds, cpu, lines: Number(r.stdout.trim()) };
}

function runClw(data, extraNodeArgs = []) {
  const c0 = childCpu();
  const t0 = performance.now();
  // The bundled rules, as a user runs it (with the rule cache the build writes).
  const r = spawnSync(process.execPath, [...extraNodeArgs, MEASURE, data, '--format', 'json'], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30,
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = childCpu() - c0;
  const marker = r.stderr.split('\n').filter((l) => l.startsWith('BENCH ')).pop();
  if (!marker) throw new Error(`clw-diag gave no BENCH marker (exit ${r.status}, signal ${r.signal}):\n${r.stderr.slice(-4000)}`);
  const stats = JSON.parse(marker.slice(6));
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch (err) {
    throw new Error(`clw-diag's stdout is not JSON (exit ${r.status}): ${err.message}\n${r.stderr.slice(-2000)}`);
  }
  const notes = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('BENCH '));
  return { seconds, cpu, report, stats, notes, exit: r.status };
}

/** Compares a report with the expected events: every planted line counted, nothing else. */
function checkCounts(report, expected, meta, ruleSet) {
  const failures = [];
  const actual = {};
  for (const inc of report.incidents) actual[inc.rule] = (actual[inc.rule] ?? 0) + inc.count;
  const rules = [...new Set([...Object.keys(expected.byRule), ...Object.keys(actual)])].sort();
  const rows = rules.map((rule) => ({ rule, expected: expected.byRule[rule] ?? 0, actual: actual[rule] ?? 0 }));
  for (const r of rows) {
    if (r.expected !== r.actual) failures.push(`rule ${r.rule}: ${r.actual} events in its incidents, expected ${r.expected} (${r.actual > r.expected ? '+' : ''}${r.actual - r.expected})`);
  }
  if (report.summary.events !== expected.events) {
    failures.unshift(`summary.events = ${report.summary.events}, expected ${expected.events} (${report.summary.events - expected.events > 0 ? '+' : ''}${report.summary.events - expected.events})`);
  }
  const src = report.sources[0];
  if (!src || src.lines !== meta.lines || src.bytes !== meta.bytes) {
    failures.push(`source read ${src?.lines} lines / ${src?.bytes} bytes; the file has ${meta.lines} lines / ${meta.bytes} bytes`);
  }
  for (const r of rows) {
    if (r.actual === 0 && r.expected > 0 && ruleSet.byId.get(r.rule)?.rule.trend) {
      failures.push(`(${r.rule} is a trend rule: when its trend test fails the incident is dropped, and its events leave summary.events with it)`);
    }
  }
  if (failures.length && report.summary.events === expected.events && rows.some((r) => r.actual < r.expected)) {
    failures.push('(the total agrees: incidents of different rules may have been joined, which folds their counts)');
  }
  return { ok: failures.length === 0, failures, rows };
}

function pad(s, n, right = false) { s = String(s); return right ? s.padStart(n) : s.padEnd(n); }

async function mainBench() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s) => process.stderr.write(s);

  // 1. The data, and what it should give under the rules that load now.
  const data = ensureData(opts.sizeMiB, { force: opts.regen, log });
  const { meta } = data;
  const loaded = loadRuleSet(RULES_DIR);
  const expected = expectedFor(meta, loaded);
  recordExpected(dataPaths(opts.sizeMiB).meta, meta, expected);
  for (const p of loaded.problems) log(`rules: ${p}\n`);
  for (const w of expected.warnings) log(`warning: ${w}\n`);
  const sizeMiB = meta.bytes / 1048576;

  // 2. The grep peer: the rules' required literals as EREs (what every candidate line must hold),
  // and, for comparison, the scanner's own prefilter alternatives, when they differ.
  mkdirSync(DATA_DIR, { recursive: true });
  for (const f of readdirSync(DATA_DIR).filter((n) => /^(patterns|prefilter)-[0-9a-f]+\.txt$/.test(n))) rmSync(join(DATA_DIR, f));
  const writePatterns = (name, bytes) => {
    const path = join(DATA_DIR, `${name}-${expected.rulesFingerprint}.txt`);
    writeFileSync(path, bytes);
    return { path, count: bytes.toString('latin1').split('\n').filter(Boolean).length, bytes };
  };
  const literalPats = writePatterns('patterns', grepPatterns(loaded.ruleSet));
  const prefilterPats = writePatterns('prefilter', prefilterPatterns(loaded.ruleSet));
  const defaultLocale = effectiveLocale();
  const greps = [{ label: 'grep -E -f literals (LC_ALL=C)', short: 'literals, LC_ALL=C', patterns: literalPats.path, locale: 'C' }];
  if (opts.locale && !/^(C|POSIX)$/.test(defaultLocale)) {
    greps.push({ label: `grep -E -f literals (${defaultLocale})`, short: `literals, ${defaultLocale} (the default locale)`, patterns: literalPats.path, locale: null });
  }
  if (!prefilterPats.bytes.equals(literalPats.bytes)) {
    greps.push({ label: 'grep -E -f prefilter (LC_ALL=C)', short: "the scanner's prefilter alternatives, LC_ALL=C", patterns: prefilterPats.path, locale: 'C' });
  }

  // 3./4. Warm the cache, then alternate the tools so drift hits both alike.
  log(`warming the page cache with ${rel(data.log)} ... `);
  const tw = performance.now();
  warm(data.log);
  log(`${((performance.now() - tw) / 1000).toFixed(1)} s\n`);
  const grepRuns = greps.map(() => []);
  const clwRuns = [];
  let firstClw = null;
  for (let i = 0; i < opts.runs; i++) {
    greps.forEach((gr, j) => {
      const g = runGrep(gr.patterns, data.log, gr.locale);
      grepRuns[j].push(g);
      log(`run ${i + 1}/${opts.runs}: ${gr.label} ${g.seconds.toFixed(2)} s, ${g.lines} lines\n`);
    });
    const c = runClw(data.log);
    clwRuns.push(c);
    firstClw ??= c;
    log(`run ${i + 1}/${opts.runs}: clw-diag ${c.seconds.toFixed(2)} s, ${c.report.summary.events} events, peak RSS ${(c.stats.maxRssKiB / 1024).toFixed(0)} MiB\n`);
  }

  // Rules edited while the benchmark ran would make the counts incomparable.
  const rulesAfter = fingerprint(loadRuleSet(RULES_DIR).ruleSet);
  const rulesChanged = rulesAfter !== expected.rulesFingerprint;

  // Counts: every run must agree with the expectation.
  const checks = clwRuns.map((c) => checkCounts(c.report, expected, meta, loaded.ruleSet));
  const countFailures = [...new Set(checks.flatMap((c) => c.failures))];
  const problems = [...expected.problems];
  const countsOk = countFailures.length === 0 && problems.length === 0;

  const grepMed = grepRuns.map((runs) => median(runs.map((r) => r.seconds)));
  const clwMed = median(clwRuns.map((r) => r.seconds));
  const clwInner = median(clwRuns.map((r) => r.stats.wallMs / 1000));
  const peakRssMiB = Math.max(...clwRuns.map((r) => r.stats.maxRssKiB)) / 1024;
  const ratio = clwMed / grepMed[0];

  // Report.
  const out = [];
  out.push('');
  out.push(`clw-diag benchmark: ${rel(data.log)}  ${sizeMiB.toFixed(1)} MiB, ${fmtInt(meta.lines)} lines, ${meta.spanHours} h of log`);
  const kinds = Object.values(meta.kinds);
  const planted = kinds.filter((k) => k.kind === 'planted');
  const hb = kinds.find((k) => k.kind === 'heartbeat');
  out.push(`planted: ${fmtInt(planted.reduce((n, k) => n + k.instances, 0))} failures of ${planted.length} kinds (${fmtInt(planted.reduce((n, k) => n + k.lines, 0))} lines), ${fmtInt(hb?.instances ?? 0)} heartbeats; the rest healthy`);
  out.push(`rules: ${expected.rules} loaded (${expected.rulesFingerprint}); grep patterns: ${literalPats.count} from the rules' literals${greps.some((g) => g.patterns === prefilterPats.path) ? `, ${prefilterPats.count} from the scanner's prefilter` : ''}; expected events: ${fmtInt(expected.events)}`);
  out.push(`node ${process.version}, ${spawnSync('grep', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}, warm cache, ${opts.runs} runs each, median`);
  out.push('');
  out.push(`${pad('', 36)}${pad('median s', 10, true)}${pad('MiB/s', 8, true)}${pad('CPU s', 8, true)}   ${pad('runs (s)', 22)}${pad('output', 20)}peak RSS`);
  greps.forEach((gr, j) => {
    out.push(`${pad(gr.label, 36)}${pad(grepMed[j].toFixed(2), 10, true)}${pad((sizeMiB / grepMed[j]).toFixed(0), 8, true)}${pad(fmtCpu(median(grepRuns[j].map((r) => r.cpu))), 8, true)}   ${pad(grepRuns[j].map((r) => r.seconds.toFixed(2)).join(' '), 22)}${pad(`${fmtInt(grepRuns[j][0].lines)} lines`, 20)}-`);
  });
  out.push(`${pad('clw-diag --format json', 36)}${pad(clwMed.toFixed(2), 10, true)}${pad((sizeMiB / clwMed).toFixed(0), 8, true)}${pad(fmtCpu(median(clwRuns.map((r) => r.cpu))), 8, true)}   ${pad(clwRuns.map((r) => r.seconds.toFixed(2)).join(' '), 22)}${pad(`${fmtInt(firstClw.report.summary.events)} events`, 20)}${peakRssMiB.toFixed(0)} MiB`);
  out.push('');
  greps.forEach((gr, j) => {
    const r = clwMed / grepMed[j];
    out.push(`ratio clw-diag / grep (${gr.short}): ${r.toFixed(2)}x${j === 0 ? `   target <= ${TARGET_RATIO}x: ${r <= TARGET_RATIO ? 'met' : 'NOT met'}` : ''}`);
  });
  out.push(`peak RSS: ${peakRssMiB.toFixed(0)} MiB   target < ${TARGET_RSS_MIB} MiB: ${peakRssMiB < TARGET_RSS_MIB ? 'met' : 'NOT met'}`);
  out.push(`clw-diag time inside the process: ${clwInner.toFixed(2)} s (the rest, ${(clwMed - clwInner).toFixed(2)} s, is process start and exit)`);
  out.push(`incidents: ${firstClw.report.summary.incidents}; clw-diag exit code ${firstClw.exit}`);
  out.push('');
  out.push(`counts: ${countsOk ? 'OK' : 'FAIL'} (${fmtInt(firstClw.report.summary.events)} events, expected ${fmtInt(expected.events)}; ${checks[0].rows.length} rules checked)`);
  if (!countsOk) {
    out.push(`${pad('rule', 28)}${pad('expected', 10, true)}${pad('counted', 10, true)}`);
    for (const r of checks[0].rows) out.push(`${pad(r.rule, 28)}${pad(r.expected, 10, true)}${pad(r.actual, 10, true)}${r.expected === r.actual ? '' : '   <-- FAIL'}`);
    for (const f of [...problems, ...countFailures]) out.push(`FAIL ${f}`);
  }
  if (rulesChanged) out.push(`note: rules/ changed while the benchmark ran (${rel(RULES_DIR)}); the runs may have used other rules than the expected counts`);
  for (const w of expected.warnings) out.push(`warning: ${w}`);
  const notes = [...new Set(clwRuns.flatMap((r) => r.notes))];
  if (notes.length) out.push('', 'clw-diag said on stderr:', ...notes.slice(0, 10).map((n) => `  ${n}`));

  const summary = {
    bench: 'clw-diag', sizeMiB: Number(sizeMiB.toFixed(1)), lines: meta.lines, rules: expected.rules, runs: opts.runs,
    grepSeconds: Number(grepMed[0].toFixed(3)),
    ...Object.fromEntries(greps.slice(1).map((gr, j) => [gr.locale === null ? 'grepDefaultLocaleSeconds' : 'grepPrefilterSeconds', Number(grepMed[j + 1].toFixed(3))])),
    ...(greps.some((gr) => gr.locale === null) ? { defaultLocale } : {}),
    grepLines: grepRuns[0][0].lines,
    clwDiagSeconds: Number(clwMed.toFixed(3)),
    grepCpuSeconds: Number(median(grepRuns[0].map((r) => r.cpu)).toFixed(2)),
    clwDiagCpuSeconds: Number(median(clwRuns.map((r) => r.cpu)).toFixed(2)),
    ratio: Number(ratio.toFixed(2)),
    grepMiBps: Math.round(sizeMiB / grepMed[0]),
    clwDiagMiBps: Math.round(sizeMiB / clwMed),
    peakRssMiB: Math.round(peakRssMiB),
    events: firstClw.report.summary.events, expectedEvents: expected.events,
    counts: countsOk ? 'OK' : 'FAIL',
    node: process.version,
  };
  out.push('', JSON.stringify(summary));
  process.stdout.write(out.join('\n') + '\n');

  if (opts.profile) {
    const dir = join(DATA_DIR, 'prof');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    log('\nprofiling one run of clw-diag (node --cpu-prof) ...\n');
    const p = runClw(data.log, ['--cpu-prof', '--cpu-prof-dir', dir]);
    const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f))[0];
    process.stdout.write(`\n${rel(file)} (${p.seconds.toFixed(2)} s under the profiler)\n`);
    process.stdout.write(formatSummary(summarize(JSON.parse(readFileSync(file, 'utf8')))) + '\n');
  }
  return countsOk ? 0 : 1;
}

mainBench().then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
