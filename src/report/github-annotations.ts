// GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per incident, so a
// run shows its incidents on the summary page and, where a file and line are known, beside the code.
// Written when GITHUB_ACTIONS=true, in addition to the report. GitHub keeps the first 10 of each
// level per step, so incidents go out in rank order: the root cause first.
import { isAbsolute, join } from 'node:path';
import type { Evidence, Incident, Report, Severity } from '../types.js';
import { causeOf, terminalSafe } from './format-facts.js';

export interface AnnotationOptions {
  /** The folder relative input paths are resolved against; the runner makes paths under the
   *  workspace relative to it again, so a step with its own working-directory still points right. */
  cwd?: string;
}

/** The message after `::`: %, CR and LF encoded. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (title, file): also : and , encoded. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', error: 'error', warning: 'warning', info: 'notice' };

/** Inputs that are not text files a line number points into: standard input, the live ring buffer
 *  or journal, binary journal files, cores. */
function isTextFile(source: string, report: Report): boolean {
  const kind = report.sources.find((s) => s.name === source)?.kind;
  if (kind === 'stdin' || kind === 'cores') return false;
  if (['<stdin>', '-', 'dmesg', 'journal'].includes(source) || source.startsWith('journal:')) return false;
  const base = source.split('/').pop() ?? source;
  return !/\.journal~?$/.test(base) && !/^core(\.|$)/.test(base);
}

/** Where an annotation points: the crashing frame's source file and line when a core named them,
 *  else the first matched evidence line in a text input (else the first such line at all). */
export function locationOf(inc: Incident, report: Report, opts: AnnotationOptions = {}): { file: string; line: number } | null {
  const frames = inc.crash?.frames ?? [];
  const crashing = frames.find((f) => f.function === inc.facts.function && f.file && f.line) ?? null;
  if (crashing?.file && crashing.line) return { file: crashing.file, line: crashing.line };
  if (typeof inc.facts.file === 'string' && typeof inc.facts.line === 'number' && inc.facts.line > 0 && inc.crash) {
    return { file: inc.facts.file, line: inc.facts.line };
  }
  const text = inc.evidence.filter((e) => isTextFile(e.source, report) && e.line > 0);
  const ev: Evidence | undefined = text.find((e) => e.matched) ?? text[0];
  if (!ev) return null;
  const file = opts.cwd && !isAbsolute(ev.source) ? join(opts.cwd, ev.source) : ev.source;
  return { file, line: ev.line };
}

function message(inc: Incident, report: Report): string {
  const out = [`${inc.severity} ${inc.category}${inc.code ? ` [${inc.code}]` : ''}, seen ${inc.count === 1 ? 'once' : `${inc.count} times`} (clw-diag #${inc.rank})`];
  const cause = causeOf(inc, report);
  if (cause) out.push(`caused by #${cause.rank}: ${cause.title}`);
  const ev = inc.evidence.find((e) => e.matched) ?? inc.evidence[0];
  if (ev) out.push(`${ev.source}:${ev.line}: ${ev.text.length > 300 ? `${ev.text.slice(0, 299)}…` : ev.text}`);
  if (inc.crash) {
    const f = inc.crash.frames.find((fr) => fr.function === inc.facts.function);
    out.push(`${inc.crash.signal} in ${f ? `${f.function}${f.file ? ` at ${f.file}${f.line ? `:${f.line}` : ''}` : ''}` : inc.crash.executable} (signature ${inc.crash.signature})`);
  }
  const fix = inc.recommendations[0];
  if (fix) out.push(`Fix: ${fix.title}`, ...fix.steps.filter((s) => s.trim()).map((s, i) => `${i + 1}. ${s}`));
  return out.join('\n');
}

/** The workflow command lines, one per incident, in rank order; empty when there is none. */
export function renderGithubAnnotations(unsafe: Report, opts: AnnotationOptions = {}): string {
  // The runner's log is a terminal too: it honours colour and other escape sequences.
  const report = terminalSafe(unsafe);
  const lines = report.incidents.map((inc) => {
    const at = locationOf(inc, report, opts);
    const props = [`title=${escapeProperty(inc.title)}`];
    if (at) props.push(`file=${escapeProperty(at.file)}`, `line=${at.line}`);
    return `::${LEVEL[inc.severity]} ${props.join(',')}::${escapeData(message(inc, report))}`;
  });
  return lines.length ? lines.join('\n') + '\n' : '';
}
