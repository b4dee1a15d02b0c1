// Markdown for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY, a GitLab note) or an issue: the
// ranked table, then each incident with its facts, crash, fix and evidence folded away in
// <details>. User text is escaped (a title cannot open a tag or a table cell) and code spans and
// fences are made longer than any backtick run inside them. GitHub refuses a step summary over
// 1 MiB: evidence is capped per incident, long lines are cut, and sections that would pass the
// budget are left out with a line that says so.
import type { Evidence, Incident, Report } from '../types.js';
import { causeOf, crashingFrame, frameWhere, headline, shortTime, shownFacts, sourceLabel, terminalSafe } from './format-facts.js';

export interface MarkdownOptions {
  /** The most bytes to write (default: a little under GitHub's 1 MiB step-summary limit). */
  maxBytes?: number;
  /** Evidence lines per incident (default 12: the first, the matched and the last). */
  maxEvidence?: number;
  /** Characters of one evidence line (default 500). */
  maxLineChars?: number;
}

export const SUMMARY_LIMIT = 1024 * 1024;
const DEFAULTS: Required<MarkdownOptions> = { maxBytes: SUMMARY_LIMIT - 16 * 1024, maxEvidence: 12, maxLineChars: 500 };

/** Markdown- and HTML-inert text: for table cells, headings and prose. */
export function mdText(s: string): string {
  return s
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/\r?\n|\r/g, ' ');
}

/** A code span that survives backticks in the text. */
export function code(s: string): string {
  const flat = s.replace(/\r?\n|\r/g, ' ');
  const run = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(run + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run in the body. */
export function fence(body: string, lang = ''): string {
  const run = Math.max(0, ...(body.match(/`{3,}/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(Math.max(3, run + 1));
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

/** Fix steps keep their `code` spans; the rest is escaped. */
function prose(s: string): string {
  return s.split('`').map((part, i) => (i % 2 ? code(part) : mdText(part))).join('');
}

const cutLine = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}… (${s.length - max + 1} more characters)`);

/** At most `max` lines, in order, `null` where lines were skipped: the matched lines first, then
 *  the block's first and last lines and the matched lines' neighbours, then from the top. */
export function pickEvidence(evidence: Evidence[], max: number): (Evidence | null)[] {
  const n = evidence.length;
  if (n <= max) return evidence;
  const keep = new Set<number>();
  const add = (i: number) => { if (i >= 0 && i < n && keep.size < max) keep.add(i); };
  evidence.forEach((e, i) => { if (e.matched) add(i); });
  [0, 1, 2, n - 2, n - 1].forEach(add);
  evidence.forEach((e, i) => { if (e.matched) { add(i - 1); add(i + 1); } });
  for (let i = 0; keep.size < max && i < n; i++) add(i);
  const out: (Evidence | null)[] = [];
  [...keep].sort((a, b) => a - b).forEach((i, k, all) => {
    if (k === 0 ? i > 0 : i !== all[k - 1] + 1) out.push(null);
    out.push(evidence[i]);
  });
  if ([...keep].every((i) => i < n - 1)) out.push(null);
  return out;
}

function evidenceBlock(inc: Incident, o: Required<MarkdownOptions>): string {
  const picked = pickEvidence(inc.evidence, o.maxEvidence);
  const shown = picked.filter((e): e is Evidence => e !== null).length;
  const left = inc.evidence.length - shown;
  const lines = picked.map((e) => (e ? `${sourceLabel(e.source)}:${e.line}: ${cutLine(e.text, o.maxLineChars)}` : '…'));
  const count = left ? `${shown} of ${inc.evidence.length} lines` : `${inc.evidence.length} lines`;
  const out = [`<details><summary>Evidence (${count})</summary>`, '', fence(lines.join('\n'))];
  if (left) out.push('', `${left} more line${left === 1 ? '' : 's'} left out; \`--format json\` or \`--format html\` has them all.`);
  out.push('', '</details>');
  return out.join('\n');
}

function section(inc: Incident, report: Report, o: Required<MarkdownOptions>): string {
  const out: string[] = [];
  out.push(`### ${inc.rank}. ${mdText(inc.title)}`);
  const cause = causeOf(inc, report);
  const seen = inc.firstSeen ? ` · ${shortTime(inc.firstSeen)} → ${shortTime(inc.lastSeen)}` : '';
  out.push('');
  out.push(`**${inc.severity}** · \`${inc.category}\`${inc.code ? ` · ${code(inc.code)}` : ''} · seen ${inc.count}×${seen}${cause ? ` · caused by #${cause.rank}` : inc.consequences.length ? ' · **root cause**' : ''}`);
  const facts = shownFacts(inc);
  if (facts.length) out.push('', facts.map(([k, v]) => `${code(k)}: ${mdText(v)}`).join(' · '));
  if (inc.consequences.length) {
    out.push('', '**Led to:**', ...inc.consequences.map((q) => `- \`${q.category}\` ×${q.count}: ${mdText(q.title)}`));
  }
  if (inc.crash) {
    const c = inc.crash;
    const marked = crashingFrame(inc);
    const head = Math.max(12, marked + 3);
    const frames = c.frames.slice(0, head).map((f, i) => {
      const where = frameWhere(f);
      return `${i === marked ? '=>' : '  '} #${i} ${f.function}${where && ` ${where}`}`;
    });
    if (c.frames.length > head) frames.push(`   … ${c.frames.length - head} more frames`);
    const at = c.faultAddress ? ` at ${code(c.faultAddress)}` : '';
    out.push('', `**Crash:** ${mdText(c.signal)}${at} in ${code(c.executable)} (signature ${code(c.signature)}, ${c.cores.length} core${c.cores.length === 1 ? '' : 's'})`);
    if (c.abortMessage) out.push('', `Abort message: ${code(c.abortMessage)}`);
    if (frames.length) out.push('', fence(frames.join('\n')));
  }
  for (const rec of inc.recommendations) {
    const steps = rec.steps.filter((s) => s.trim());
    out.push('', `**Fix: ${prose(rec.title)}**`);
    if (steps.length) out.push('', ...steps.map((s, i) => `${i + 1}. ${prose(s)}`));
    if (rec.config) out.push('', fence(rec.config));
  }
  out.push('', evidenceBlock(inc, o));
  return out.join('\n');
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function renderMarkdown(unsafe: Report, options: MarkdownOptions = {}): string {
  // A summary is read in a browser, but also printed in a job's log or with cat.
  const report = terminalSafe(unsafe);
  const o = { ...DEFAULTS, ...options };
  const out: string[] = ['## clw-diag report', '', mdText(headline(report))];
  if (!report.incidents.length) {
    out.push('', `:white_check_mark: **Healthy:** no incidents in ${report.sources.length} source${report.sources.length === 1 ? '' : 's'}.`);
  } else {
    const sev = (['critical', 'error', 'warning', 'info'] as const)
      .filter((s) => report.summary.bySeverity[s]).map((s) => `${report.summary.bySeverity[s]} ${s}`);
    if (sev.length) out.push('', `**By severity:** ${sev.join(' · ')}`);
    out.push('', '| # | severity | category | incident | count | first seen |', '|--:|---|---|---|--:|---|');
    // The table takes at most half the budget (thousands of incidents, without --top).
    let tableBytes = 0;
    for (const [n, inc] of report.incidents.entries()) {
      const row = `| ${inc.rank} | ${inc.severity} | \`${inc.category}\` | ${inc.causedBy ? '↳ ' : ''}${mdText(inc.title)} | ${inc.count} | ${shortTime(inc.firstSeen)} |`;
      tableBytes += bytes(row) + 1;
      if (tableBytes > o.maxBytes / 2) {
        out.push(`| … | | | ${report.incidents.length - n} more incidents not listed | | |`);
        break;
      }
      out.push(row);
    }
  }
  // Notes close the document, and are kept whatever the budget.
  const notes = report.notes.length ? ['', '**Notes**', '', ...report.notes.map((n) => `- ${mdText(n)}`)].join('\n') : '';
  let used = bytes(out.join('\n')) + bytes(notes) + 400;
  let left = 0;
  for (const inc of report.incidents) {
    const s = `\n\n${section(inc, report, o)}`;
    if (left || used + bytes(s) > o.maxBytes) { left++; continue; }
    out.push(s.slice(1));
    used += bytes(s);
  }
  if (left) {
    out.push('', `_${left} incident${left === 1 ? '\'s' : 's\''} details left out to stay under GitHub's 1 MiB job-summary limit; the table above lists them all, and \`--format json\` or \`--format html\` has everything._`);
  }
  if (notes) out.push(notes);
  return out.join('\n') + '\n';
}
