// The terminal report: a ranked table, then each incident with evidence, facts and fix.
// Fits 80 columns; colour only when asked for.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Incident, Report, Severity } from '../types.js';
import { crashingFrame, cut, frameWhere, headline, pickEvidence, shortTime, shownFacts, sourceLabel, terminalSafe, wrap } from './format-facts.js';

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
  out.push(c.bold(wrap(inc.title, width, '    ')));
  const seen = inc.count === 1 ? 'seen once' : `seen ${inc.count} times`;
  const [first, last] = [shortTime(inc.firstSeen), shortTime(inc.lastSeen)];
  const when = inc.firstSeen ? `, ${first}${last !== first ? ` → ${last}` : ''}` : '';
  out.push(c.dim(`    ${seen}${when}; score ${inc.score}`));
  if (inc.causedBy) {
    const cause = report.incidents.find((i) => i.id === inc.causedBy);
    if (cause) out.push(wrap(`[${cause.rank}] ${cause.title}`, width, `    ${c.dim('caused by')} `, '      '));
  }
  const facts = shownFacts(inc);
  if (facts.length) out.push(wrap(facts.map(([k, v]) => `${k}=${v.replace(/\s+/g, '\u00a0')}`).join(' '), width, `    ${c.dim('facts:')} `, '           ').replace(/\u00a0/g, ' '));
  if (inc.crash) {
    const at = inc.crash.faultAddress ? ` at ${inc.crash.faultAddress}` : '';
    out.push(`    ${c.dim('crash:')} ${inc.crash.signal}${at} in ${inc.crash.executable} (${inc.crash.signature})`);
    if (inc.crash.abortMessage) out.push(wrap(inc.crash.abortMessage, width, `    ${c.dim('abort message:')} `, '      '));
    // The arrow marks the crashing frame: the first that is not raise, abort or libc's.
    const marked = crashingFrame(inc);
    inc.crash.frames.slice(0, Math.max(8, marked + 3)).forEach((f, i) => {
      const where = frameWhere(f);
      out.push(`      ${i === marked ? c.red('→') : ' '} #${i} ${f.function}${where && ` ${where}`}`);
    });
  }
  out.push(`    ${c.dim('evidence:')}`);
  for (const ev of pickEvidence(inc.evidence)) {
    if (!ev) {
      out.push(c.dim('          …'));
      continue;
    }
    const where = `${sourceLabel(ev.source)}:${ev.line}`;
    // Wrapped, not cut: the part of a line that matters is often at its end. Three lines at most.
    const wrapped = wrap(ev.text, width, `      ${where}  `, '          ').split('\n');
    const shown = wrapped.length > 3 ? [...wrapped.slice(0, 2), cut(wrapped[2], width - 1) + '…'] : wrapped;
    shown[0] = shown[0].replace(where, c.dim(where));
    out.push(...shown);
  }
  if (inc.evidence.length > 12) out.push(c.dim(`      (${inc.evidence.length} lines in all; --format json has them)`));
  if (inc.consequences.length) {
    out.push(`    ${c.dim('led to:')}`);
    for (const q of inc.consequences) out.push(`      ${q.category} ×${q.count}  ${cut(q.title, width - 30)}`);
  }
  for (const rec of inc.recommendations) {
    out.push(wrap(rec.title, width, `    ${c.green('fix:')} `, '         '));
    rec.steps.filter((s) => s.trim()).forEach((s, i) => out.push(wrap(s, width, `      ${i + 1}. `)));
    if (rec.config) {
      out.push(`      ${c.dim('config:')}`);
      for (const line of rec.config.split('\n')) out.push(`        ${line}`);
    }
  }
  return out.join('\n');
}

export function renderText(unsafe: Report, opts: TextOptions = {}): string {
  const report = terminalSafe(unsafe);
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

