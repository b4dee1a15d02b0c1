// What --stream and --follow print while input is still open: a line per update of an incident
// (opened, updated, escalated) with the evidence line behind it, in text or as JSON lines.
import { Chalk } from 'chalk';
import type { LiveUpdate } from '../incidents/live.js';
import { terminalSafe } from '../report/format-facts.js';
import { jsonControlEscaped } from '../text/escape-control.js';

export type LivePrinter = (u: LiveUpdate) => void;

/** One JSON line: the incident as the report will say it (same id), what changed, the new line. */
export function liveJson(u: LiveUpdate, at = new Date()): string {
  const inc = u.incident;
  return jsonControlEscaped(JSON.stringify({
    type: 'incident', event: u.event, change: u.event, id: inc.id, at: at.toISOString(), changes: u.changes,
    rule: inc.rule, category: inc.category, code: inc.code, title: inc.title, severity: inc.severity, count: inc.count,
    firstSeen: inc.firstSeen, lastSeen: inc.lastSeen, subjects: inc.subjects, facts: inc.facts, causedBy: inc.causedBy,
    consequences: inc.consequences.map((c) => c.id), repeats: u.repeats,
    occurrence: u.occurrence ? { title: u.occurrence.title } : null,
    evidence: u.occurrence?.evidence ?? [],
  }));
}

export function streamPrinter(out: NodeJS.WritableStream, format: string, color: boolean): LivePrinter {
  const c = new Chalk({ level: color ? 1 : 0 });
  return (unsafe) => {
    if (format === 'json') {
      // JSON escapes control characters itself.
      out.write(liveJson(unsafe) + '\n');
      return;
    }
    const u = terminalSafe(unsafe);
    const inc = u.incident;
    const sev = inc.severity.toUpperCase().padEnd(8);
    const paint = inc.severity === 'critical' || inc.severity === 'error' ? c.red : inc.severity === 'warning' ? c.yellow : c.dim;
    const count = inc.count > 1 ? ` ×${inc.count}` : '';
    const title = u.occurrence?.title ?? inc.title;
    const tag = u.event === 'opened' ? '' : ` [${u.event}${u.changes.length ? `: ${u.changes.join('; ')}` : ''}]`;
    const lines = [`${paint(sev)} ${c.cyan(inc.category)}${count} ${title}${c.dim(tag)}`];
    const ev = u.occurrence?.evidence.find((e) => e.matched) ?? u.occurrence?.evidence[0];
    if (ev) lines.push(c.dim(`         ${ev.source}:${ev.line}  ${ev.text}`));
    out.write(lines.join('\n') + '\n');
  };
}
