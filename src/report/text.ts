// The terminal report: a ranked table, then each incident with evidence, facts and fix.
// Fits 80 columns; colour only when asked for.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Incident, Report, Severity } from '../types.js';
import { cut, formatFact, headline, shortTime, shownFacts, sourceLabel } from './format-facts.js';

export interface TextOptions {
  color?: boolean;
  width?: number;
}

function paintSeverity(c: ChalkInstance, s: Severity, text: string = s): string {
  return s === 'critical' ? c.bold.red(text) : s === 'error' ? c.red(text) : s === 'warning' ? c.yellow(text) : c.dim(text);
}

function table(report: Report, c: ChalkInstance, width: number): string {
  const titleWidth = Math.max(20, width - 38);
  const t = new Table({
    head: ['#', 'severity', 'category', 'count', 'incident'].map((h) => c.bold(h)),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 1 },
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ' },
  });
  for (const inc of report.incidents) {
    const indent = inc.causedBy ? '└ ' : '';
    t.push([String(inc.rank), paintSeverity(c, inc.severity), inc.category, String(inc.count), cut(indent + inc.title, titleWidth)]);
  }
  return t.toString();
}

function detail(inc: Incident, report: Report, c: ChalkInstance, width: number): string {
  const out: string[] = [];
  const code = inc.code ? c.dim(`  [${inc.code}]`) : '';
  out.push(`${c.bold(`[${inc.rank}]`)} ${paintSeverity(c, inc.severity, inc.severity.toUpperCase())} ${c.cyan(inc.category)}${code}`);
  out.push(`    ${c.bold(inc.title)}`);
  const seen = inc.count === 1 ? 'seen once' : `seen ${inc.count} times`;
  const when = inc.firstSeen ? `, ${shortTime(inc.firstSeen)}${inc.lastSeen && inc.lastSeen !== inc.firstSeen ? ` → ${shortTime(inc.lastSeen)}` : ''}` : '';
  out.push(c.dim(`    ${seen}${when}; score ${inc.score}`));
  if (inc.causedBy) {
    const cause = report.incidents.find((i) => i.id === inc.causedBy);
    if (cause) out.push(`    ${c.dim('caused by')} [${cause.rank}] ${cause.title}`);
  }
  const facts = shownFacts(inc);
  if (facts.length) out.push(`    ${c.dim('facts:')} ${cut(facts.map(([k, v]) => `${k}=${v}`).join('  '), width * 3)}`);
  if (inc.crash) {
    out.push(`    ${c.dim('crash:')} ${inc.crash.signal} at ${inc.crash.faultAddress} in ${inc.crash.executable} (${inc.crash.signature})`);
    inc.crash.frames.slice(0, 8).forEach((f, i) => {
      const where = f.file ? ` at ${f.file}${f.line ? `:${f.line}` : ''}` : f.library ? ` in ${f.library}` : '';
      out.push(`      ${i === 0 ? c.red('→') : ' '} #${i} ${f.function}${where}`);
    });
  }
  out.push(`    ${c.dim('evidence:')}`);
  for (const ev of inc.evidence.slice(0, 12)) {
    const where = `${sourceLabel(ev.source)}:${ev.line}`;
    out.push(`      ${c.dim(where)}  ${cut(ev.text, Math.max(30, width - where.length - 8))}`);
  }
  if (inc.evidence.length > 12) out.push(c.dim(`      … ${inc.evidence.length - 12} more lines (see --format json)`));
  if (inc.consequences.length) {
    out.push(`    ${c.dim('led to:')}`);
    for (const q of inc.consequences) out.push(`      ${q.category} ×${q.count}  ${cut(q.title, width - 30)}`);
  }
  for (const rec of inc.recommendations) {
    out.push(`    ${c.green('fix:')} ${rec.title}`);
    rec.steps.forEach((s, i) => out.push(`      ${i + 1}. ${s}`));
    if (rec.config) {
      out.push(`      ${c.dim('config:')}`);
      for (const line of rec.config.split('\n')) out.push(`        ${line}`);
    }
  }
  return out.join('\n');
}

export function renderText(report: Report, opts: TextOptions = {}): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const width = opts.width ?? 80;
  const parts: string[] = [c.bold(headline(report))];
  if (report.incidents.length) {
    parts.push('', table(report, c, width));
    for (const inc of report.incidents) parts.push('', detail(inc, report, c, width));
  }
  if (report.notes.length) {
    parts.push('', c.dim('notes:'));
    for (const n of report.notes) parts.push(`  - ${n}`);
  }
  return parts.join('\n') + '\n';
}

export { formatFact };
