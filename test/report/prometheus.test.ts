// --format prometheus: every line read back by a strict reader of the text exposition format as
// node_exporter's textfile collector takes it (no promtool here): metric and label names, label
// values with only the three escapes, a TYPE before each family's samples, families not split, no
// series twice, no client timestamps (the textfile collector refuses them).
import { describe, expect, it } from 'vitest';
import { labelValue, renderPrometheus } from '../../src/report/prometheus.js';
import { CATEGORIES, SEVERITIES } from '../../src/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clw, tempDir } from '../e2e/cli.js';
import { ABORT_CRASH, NOW, incident, report, sampleReport } from './helpers.js';

interface Sample { name: string; labels: Record<string, string>; value: number }
interface Family { type: string; help?: string; samples: Sample[] }

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** Reads `name{a="x",b="y"} value`: throws on anything the format does not allow. */
function parseSample(line: string): Sample {
  const name = /^[^{\s]+/.exec(line)?.[0] ?? '';
  if (!METRIC.test(name)) throw new Error(`bad metric name: ${line}`);
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const key = /^[^=]*/.exec(line.slice(i))![0];
      if (!LABEL.test(key) || key.startsWith('__')) throw new Error(`bad label name ${key}: ${line}`);
      if (key in labels) throw new Error(`label ${key} twice: ${line}`);
      i += key.length;
      if (line.slice(i, i + 2) !== '="') throw new Error(`expected =": ${line}`);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i++];
        if (c === undefined) throw new Error(`unterminated label value: ${line}`);
        if (c === '"') break;
        if (c === '\\') {
          const e = line[i++];
          if (e === 'n') value += '\n';
          else if (e === '\\' || e === '"') value += e;
          else throw new Error(`bad escape \\${e}: ${line}`);
        } else value += c;
      }
      labels[key] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or }: ${line}`);
    }
    i++;
  }
  const rest = line.slice(i);
  const m = /^ (\S+)( -?\d+)?$/.exec(rest);
  if (!m) throw new Error(`bad value part "${rest}": ${line}`);
  if (m[2]) throw new Error(`a timestamp, which the textfile collector refuses: ${line}`);
  if (!/^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?Inf|NaN)$/.test(m[1])) throw new Error(`bad value ${m[1]}: ${line}`);
  return { name, labels, value: Number(m[1].replace('Inf', 'Infinity')) };
}

function parseExposition(text: string): Map<string, Family> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current = '';
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment;
      if (!METRIC.test(name)) throw new Error(`bad metric name: ${line}`);
      const f = families.get(name) ?? { type: '', samples: [] };
      if (f.samples.length) throw new Error(`${kind} after ${name}'s samples`);
      if (kind === 'TYPE') {
        if (f.type) throw new Error(`second TYPE for ${name}`);
        if (!TYPES.includes(rest)) throw new Error(`bad type: ${line}`);
        f.type = rest;
      } else {
        if (f.help !== undefined) throw new Error(`second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`bad escape in HELP: ${line}`);
        f.help = rest;
      }
      if (current !== name && families.has(name)) throw new Error(`family ${name} split`);
      families.set(name, f);
      current = name;
      continue;
    }
    if (line.startsWith('#')) continue;
    const s = parseSample(line);
    // Gauges and counters: the sample's name is the family's (histograms and summaries add suffixes).
    const f = families.get(s.name);
    if (!f?.type) throw new Error(`sample of a family with no TYPE line before it: ${line}`);
    if (current !== s.name) throw new Error(`family ${s.name} split: ${line}`);
    const key = `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
    if (series.has(key)) throw new Error(`series twice: ${line}`);
    series.add(key);
    f.samples.push(s);
  }
  return families;
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  return families.get(name)?.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
}

const MAIN = ['clw_diag_incidents', 'clw_diag_crashes', 'clw_diag_oom_kills', 'clw_diag_worker_restarts',
  'clw_diag_last_run_timestamp_seconds', 'clw_diag_inputs'];

describe('prometheus', () => {
  it('is well-formed and counts a crash loop: incidents, crashes by signal, restarts', async () => {
    const r = await sampleReport('crash-loop');
    const f = parseExposition(renderPrometheus(r));
    for (const name of MAIN) expect(f.get(name)?.help, name).toBeTruthy();
    expect(value(f, 'clw_diag_incidents', { category: 'crash.segv', severity: 'critical' })).toBe(1);
    expect(value(f, 'clw_diag_incidents', { category: 'restart.loop', severity: 'error' })).toBe(1);
    const total = f.get('clw_diag_incidents')!.samples.reduce((n, s) => n + s.value, 0);
    expect(total).toBe(r.incidents.length);
    expect(value(f, 'clw_diag_crashes', { signal: 'SIGSEGV' })).toBe(r.incidents[0].count);
    expect(value(f, 'clw_diag_worker_restarts')).toBe(5);
    expect(value(f, 'clw_diag_oom_kills')).toBe(0);
    expect(value(f, 'clw_diag_inputs')).toBe(2);
    expect(value(f, 'clw_diag_input_lines')).toBe(r.sources.reduce((n, s) => n + s.lines, 0));
    expect(value(f, 'clw_diag_last_run_timestamp_seconds')).toBe(Math.floor(Date.parse(r.generatedAt) / 1000));
  }, 30_000);

  it('takes restarts from the restart counter, and OOM kills from oom.killed incidents', async () => {
    const k8s = parseExposition(renderPrometheus(await sampleReport('crashloop-backoff-k8s')));
    expect(value(k8s, 'clw_diag_worker_restarts')).toBe(14);
    const oom = parseExposition(renderPrometheus(await sampleReport('kernel-oom-kill')));
    expect(value(oom, 'clw_diag_oom_kills')).toBe(1);
    expect(value(oom, 'clw_diag_worker_restarts')).toBe(1);
  }, 30_000);

  it('writes every main series as zero on a healthy run, so alerts can test == 0', () => {
    const f = parseExposition(renderPrometheus(report([])));
    expect(f.get('clw_diag_incidents')!.samples).toHaveLength(CATEGORIES.length * SEVERITIES.length);
    for (const c of CATEGORIES) for (const s of SEVERITIES) expect(value(f, 'clw_diag_incidents', { category: c, severity: s })).toBe(0);
    for (const sig of ['SIGSEGV', 'SIGBUS', 'SIGABRT', 'SIGILL', 'SIGFPE']) expect(value(f, 'clw_diag_crashes', { signal: sig })).toBe(0);
    expect(value(f, 'clw_diag_oom_kills')).toBe(0);
    expect(value(f, 'clw_diag_worker_restarts')).toBe(0);
    expect(value(f, 'clw_diag_inputs')).toBe(1);
    expect(value(f, 'clw_diag_last_run_timestamp_seconds')).toBe(Date.parse('2026-11-23T00:00:00Z') / 1000);
  });

  it('escapes label values: backslash, double quote, line feed', () => {
    expect(labelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const odd = 'SIG"ODD\\\nX';
    const inc = incident({ category: 'crash.signal', count: 3, crash: { ...ABORT_CRASH, signal: odd } });
    const f = parseExposition(renderPrometheus(report([inc, incident({ id: 'i2', rank: 2, crash: ABORT_CRASH })])));
    expect(value(f, 'clw_diag_crashes', { signal: odd })).toBe(3);
    expect(value(f, 'clw_diag_crashes', { signal: 'SIGABRT' })).toBe(1);
  });

  it('rejects what the format does not allow (the checker itself)', () => {
    const bad = [
      'clw_x 1\n', // no TYPE
      '# TYPE clw_x gauge\nclw_x{a="b\\t"} 1\n', // \t is no escape
      '# TYPE clw_x gauge\nclw_x{a="b"} 1 1700000000000\n', // a timestamp
      '# TYPE clw_x gauge\n# TYPE clw_x gauge\nclw_x 1\n',
      '# TYPE clw_x gauge\nclw_x 1\n# TYPE clw_y gauge\nclw_y 1\nclw_x 2\n', // split family
      '# TYPE clw_x gauge\nclw_x{1a="b"} 1\n',
      '# TYPE clw-x gauge\nclw-x 1\n',
      '# TYPE clw_x gauge\nclw_x 1\nclw_x 2\n', // same series twice
      '# TYPE clw_x gauge\nclw_x one\n',
    ];
    for (const text of bad) expect(() => parseExposition(text), text).toThrow();
  });

  it('comes out of the CLI, and --output writes the file for the textfile collector', async () => {
    const r = await clw(['samples/kernel-oom-kill', '--format', 'prometheus'], { env: NOW, stripFinalNewline: false });
    expect(r.exitCode).toBe(1);
    const f = parseExposition(r.stdout);
    expect(value(f, 'clw_diag_incidents', { category: 'oom.killed', severity: 'critical' })).toBe(1);
    const file = join(tempDir(), 'clw-diag.prom');
    const o = await clw(['samples/kernel-oom-kill', '--format', 'prometheus', '--output', file], { env: NOW });
    expect(o.stdout).toBe('');
    expect(value(parseExposition(readFileSync(file, 'utf8')), 'clw_diag_oom_kills')).toBe(1);
  }, 30_000);
});
