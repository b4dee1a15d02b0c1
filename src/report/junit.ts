// JUnit XML for CI test reporters (GitLab, Jenkins, GitHub's JUnit actions): one suite, one testcase
// per incident. An incident at or above --fail-on is a failure; one below it is a passing testcase
// with its details in <system-out>: it mirrors the exit code (the job fails exactly when the report
// shows failures), and "skipped" would tell the reader that a check did not run, which is not so.
// A run with no incidents is one passing testcase, so reporters never show an empty report.
import type { Incident, Report, Severity } from '../types.js';
import { failsRun } from '../types.js';
import { causeOf, crashingFrame, formatFact, frameWhere, inputLines, pickEvidence, shortTime } from './format-facts.js';

export interface JunitOptions {
  /** Incidents at or above this severity fail; 'never' passes every testcase. Default 'error'. */
  failOn?: Severity | 'never';
}

// ANSI escape sequences (colour, cursor) from a captured terminal: noise in a report.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
// What XML 1.0 does not allow at all, not even as a character reference: C0 controls other than
// tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF; and DEL and the C1
// controls, which XML allows but a terminal showing the file may obey (U+009B is a CSI).
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

/** Text as XML 1.0 can hold it: escape sequences removed, other forbidden characters as U+FFFD. */
export function xmlSafe(s: string): string {
  return s.replace(ANSI, '').replace(INVALID, '\ufffd');
}

export function xmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** An attribute value in double quotes; tabs and line breaks as references, so parsers keep them. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');

/** The body of a testcase: evidence with its source:line, crash frames, what it led to, the fix. */
export function incidentDetails(inc: Incident, report: Report): string {
  const out: string[] = [];
  const seen = inc.count === 1 ? 'seen once' : `seen ${inc.count} times`;
  const when = inc.firstSeen ? `, ${shortTime(inc.firstSeen)}${inc.lastSeen && inc.lastSeen !== inc.firstSeen ? ` → ${shortTime(inc.lastSeen)}` : ''}` : '';
  out.push(`${inc.severity} ${inc.category}${inc.code ? ` [${inc.code}]` : ''}: ${inc.title}`, `${seen}${when}; rank ${inc.rank}, score ${inc.score}`);
  const cause = causeOf(inc, report);
  if (cause) out.push(`caused by #${cause.rank}: ${cause.title}`);
  const facts = Object.entries(inc.facts).filter(([k]) => k !== 'samples').map(([k, v]) => `${k}=${formatFact(k, v)}`);
  if (facts.length) out.push(`facts: ${facts.join(' ')}`);
  out.push('', `Evidence (${inc.evidence.length} line${inc.evidence.length === 1 ? '' : 's'}):`);
  for (const ev of pickEvidence(inc.evidence)) out.push(ev ? `  ${ev.source}:${ev.line}: ${ev.text}` : '  …');
  if (inc.crash) {
    const c = inc.crash;
    out.push('', `Crash: ${c.signal}${c.faultAddress ? ` at ${c.faultAddress}` : ''} in ${c.executable} (signature ${c.signature}, ${c.cores.length} core${c.cores.length === 1 ? '' : 's'})`);
    if (c.abortMessage) out.push(`abort message: ${c.abortMessage}`);
    const marked = crashingFrame(inc);
    c.frames.slice(0, Math.max(12, marked + 3)).forEach((f, i) => {
      const where = frameWhere(f);
      out.push(`${i === marked ? '=>' : '  '} #${i} ${f.function}${where && ` ${where}`}`);
    });
  }
  if (inc.consequences.length) {
    out.push('', 'Led to:', ...inc.consequences.map((q) => `  ${q.category} ×${q.count}: ${q.title}`));
  }
  for (const rec of inc.recommendations) {
    out.push('', `Fix: ${rec.title}`, ...rec.steps.filter((s) => s.trim()).map((s, i) => `  ${i + 1}. ${s}`));
    if (rec.config) out.push('  config:', ...rec.config.split('\n').map((l) => `    ${l}`));
  }
  return out.join('\n');
}

export function renderJunit(report: Report, opts: JunitOptions = {}): string {
  const failOn = opts.failOn ?? 'error';
  const cases: string[] = [];
  let failures = 0;
  for (const inc of report.incidents) {
    const head = `    <testcase${attrs({ classname: inc.category, name: inc.title, time: 0 })}>`;
    const body = xmlText(incidentDetails(inc, report));
    if (failsRun(inc.severity, failOn)) {
      failures++;
      const message = `${inc.title} (${inc.severity}${inc.count > 1 ? `, seen ${inc.count} times` : ''})`;
      cases.push(`${head}\n      <failure${attrs({ message, type: inc.category })}>${body}</failure>\n    </testcase>`);
    } else {
      cases.push(`${head}\n      <system-out>${body}</system-out>\n    </testcase>`);
    }
  }
  if (!cases.length) {
    const n = report.sources.length;
    cases.push(`    <testcase${attrs({ classname: 'clw-diag', name: `no failures found in ${n} input${n === 1 ? '' : 's'}`, time: 0 })}/>`);
  }
  const tests = cases.length;
  const lines = inputLines(report);
  const properties = [
    ['fail-on', failOn], ['inputs', String(report.sources.length)], ['lines', String(lines)], ['events', String(report.summary.events)],
    ...report.sources.map((s) => ['input', `${s.name} (${s.kind}, ${s.lines} line${s.lines === 1 ? '' : 's'})`]),
  ].map(([name, value]) => `      <property${attrs({ name, value })}/>`);
  // Jenkins' schema wants a local time without a zone here; generatedAt is UTC.
  const timestamp = report.generatedAt.replace(/\.\d+Z$|Z$/, '');
  // Errors are for checks that could not run; an unreadable input is a note (and exit code 2).
  const counts = { tests, failures, errors: 0, skipped: 0, time: 0 };
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'clw-diag', tests, failures, errors: 0, time: 0 })}>`,
    `  <testsuite${attrs({ name: 'clw-diag', ...counts, timestamp })}>`,
    '    <properties>', ...properties, '    </properties>',
    ...cases,
  ];
  if (report.notes.length) out.push(`    <system-out>${xmlText(report.notes.map((n) => `note: ${n}`).join('\n'))}</system-out>`);
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}
