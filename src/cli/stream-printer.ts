// What --stream and --follow print while input is still open: one line per incident as it opens
// or grows more severe, in text or as JSON lines.
import { Chalk } from 'chalk';
import type { Draft } from '../incidents/draft.js';
import { evidenceOf } from '../incidents/draft.js';

export function streamPrinter(out: NodeJS.WritableStream, format: string, color: boolean) {
  const c = new Chalk({ level: color ? 1 : 0 });
  return (d: Draft, change: 'opened' | 'escalated') => {
    const ev = evidenceOf(d)[0];
    if (format === 'json') {
      out.write(JSON.stringify({
        type: 'incident', change, rule: d.rule, category: d.category, code: d.code, title: d.title,
        severity: d.severity, count: d.count, firstSeen: d.firstSeen === null ? null : new Date(d.firstSeen).toISOString(),
        subjects: d.subjects, facts: d.facts, evidence: ev ? [ev] : [],
      }) + '\n');
      return;
    }
    const sev = d.severity.toUpperCase().padEnd(8);
    const paint = d.severity === 'critical' || d.severity === 'error' ? c.red : d.severity === 'warning' ? c.yellow : c.dim;
    const where = ev ? c.dim(` (${ev.source}:${ev.line})`) : '';
    out.write(`${paint(sev)} ${c.cyan(d.category)} ${d.title}${change === 'escalated' ? c.dim(' [escalated]') : ''}${where}\n`);
  };
}
