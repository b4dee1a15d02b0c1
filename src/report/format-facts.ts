// Shared by the renderers: facts shown in their units, times shown short, text cut to width.
import type { Evidence, FactValue, Frame, Incident, Report } from '../types.js';
import { formatBytes, formatMs } from '../rules/template.js';
import { escapeControlDeep } from '../text/escape-control.js';

/** Keys whose text is several lines on purpose (a rule's config block). */
const MULTI_LINE: ReadonlySet<string> = new Set(['config']);

/** A report (or live update) whose text is safe to print on a terminal: control characters from
 *  logs, file names and cores shown as escapes (text/escape-control.ts). */
export function terminalSafe<T>(value: T): T {
  return escapeControlDeep(value, MULTI_LINE);
}

export function formatFact(key: string, value: FactValue): string {
  if (typeof value !== 'number') return String(value);
  if (/Bytes$/.test(key)) return formatBytes(value);
  if (/BytesPerHour$/.test(key)) return `${formatBytes(value)}/h`;
  if (/BytesPerSec$/.test(key)) return `${formatBytes(value)}/s`;
  if (/Ms$/.test(key)) return formatMs(value);
  if (/Sec$/.test(key)) return `${value} s`;
  if (/Pct$/.test(key)) return `${value}%`;
  return String(value);
}

/** Facts worth showing: derived and bookkeeping ones are left to JSON. */
export function shownFacts(inc: Incident): [string, string][] {
  return Object.entries(inc.facts)
    .filter(([k]) => !['process', 'samples'].includes(k))
    .map(([k, v]) => [k, formatFact(k, v)]);
}

/** The crashing frame's index: the one the rule named as the function at fault (else the top). */
export function crashingFrame(inc: Incident): number {
  return Math.max(0, inc.crash?.frames.findIndex((f) => f.function === inc.facts.function) ?? 0);
}

/** Where a frame is: "at FILE:LINE", "in LIBRARY", or nothing. */
export function frameWhere(f: Frame): string {
  return f.file ? `at ${f.file}${f.line ? `:${f.line}` : ''}` : f.library ? `in ${f.library}` : '';
}

/** Lines read from all the report's inputs. */
export function inputLines(report: Report): number {
  return report.sources.reduce((n, s) => n + s.lines, 0);
}

/** The incident that caused this one, if the report has it. */
export function causeOf(inc: Incident, report: Report): Incident | undefined {
  return inc.causedBy ? report.incidents.find((i) => i.id === inc.causedBy) : undefined;
}

export function shortTime(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
}

export function cut(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(1, width - 1)) + '…';
}

export function sourceLabel(name: string): string {
  const parts = name.split('/');
  return parts.length > 2 ? parts.slice(-2).join('/') : name;
}

export function headline(report: Report): string {
  const lines = inputLines(report);
  const n = report.summary.incidents;
  const window = report.window.since || report.window.until
    ? ` in ${shortTime(report.window.since)} … ${report.window.until ? shortTime(report.window.until) : 'now'}`
    : '';
  return `${n === 0 ? 'No incidents' : `${n} incident${n === 1 ? '' : 's'}`} from ${report.sources.length} source${report.sources.length === 1 ? '' : 's'} (${lines.toLocaleString('en-US')} lines, ${report.summary.events} matched)${window}`;
}

export function roots(report: Report): Incident[] {
  return report.incidents.filter((i) => !i.causedBy);
}

/** Wraps text at `width`, the first line after `first`, the rest after `rest` (hanging indent). */
export function wrap(text: string, width: number, first: string, rest = ' '.repeat(first.length)): string {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!fresh && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (fresh ? '' : ' ') + word;
    }
    fresh = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/** At most `max` evidence lines: the first few, the matched lines with a line either side, the last
 *  few; `null` marks a gap. A kernel OOM report is 80 lines and its victim line is the last. */
export function pickEvidence(evidence: Evidence[], max = 12): (Evidence | null)[] {
  if (evidence.length <= max) return evidence;
  const keep = new Set<number>([0, 1, 2, evidence.length - 2, evidence.length - 1]);
  evidence.forEach((e, i) => { if (e.matched) [i - 1, i, i + 1].forEach((j) => keep.add(j)); });
  const picked = [...keep].filter((i) => i >= 0 && i < evidence.length).sort((a, b) => a - b).slice(0, max);
  const out: (Evidence | null)[] = [];
  picked.forEach((i, n) => {
    if (n > 0 && i !== picked[n - 1] + 1) out.push(null);
    out.push(evidence[i]);
  });
  return out;
}
