// Markdown for a job summary or an issue: the ranked table, then each incident with its fix and
// its evidence folded away.
import type { Incident, Report } from '../types.js';
import { headline, shortTime, shownFacts, sourceLabel } from './format-facts.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const fence = (body: string, lang = '') => {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${body}\n${ticks}`;
};

function section(inc: Incident, report: Report): string {
  const out: string[] = [];
  out.push(`### ${inc.rank}. ${cell(inc.title)}`);
  const cause = inc.causedBy ? report.incidents.find((i) => i.id === inc.causedBy) : undefined;
  out.push('');
  out.push(`**${inc.severity}** · \`${inc.category}\`${inc.code ? ` · \`${inc.code}\`` : ''} · seen ${inc.count}× · ${shortTime(inc.firstSeen)} → ${shortTime(inc.lastSeen)}${cause ? ` · caused by #${cause.rank}` : ''}`);
  const facts = shownFacts(inc);
  if (facts.length) out.push('', facts.map(([k, v]) => `\`${k}\`: ${cell(v)}`).join(' · '));
  if (inc.consequences.length) {
    out.push('', '**Led to:**', ...inc.consequences.map((q) => `- \`${q.category}\` ×${q.count}: ${cell(q.title)}`));
  }
  if (inc.crash) {
    const marked = Math.max(0, inc.crash.frames.findIndex((f) => f.function === inc.facts.function));
    const frames = inc.crash.frames.slice(0, Math.max(12, marked + 3)).map((f, i) => `${i === marked ? '=>' : '  '} #${i} ${f.function}${f.file ? ` at ${f.file}${f.line ? `:${f.line}` : ''}` : ''}`);
    const at = inc.crash.faultAddress ? ` at \`${inc.crash.faultAddress}\`` : '';
    out.push('', `**Crash:** ${inc.crash.signal}${at} in \`${inc.crash.executable}\` (signature \`${inc.crash.signature}\`, ${inc.crash.cores.length} core${inc.crash.cores.length === 1 ? '' : 's'})`);
    if (inc.crash.abortMessage) out.push('', `Abort message: \`${inc.crash.abortMessage}\``);
    out.push('', fence(frames.join('\n')));
  }
  for (const rec of inc.recommendations) {
    out.push('', `**Fix: ${rec.title}**`, '', ...rec.steps.map((s, i) => `${i + 1}. ${s}`));
    if (rec.config) out.push('', fence(rec.config));
  }
  const evidence = inc.evidence.map((e) => `${sourceLabel(e.source)}:${e.line}: ${e.text}`).join('\n');
  out.push('', `<details><summary>Evidence (${inc.evidence.length} lines)</summary>`, '', fence(evidence), '', '</details>');
  return out.join('\n');
}

export function renderMarkdown(report: Report): string {
  const out: string[] = ['## clw-diag report', '', headline(report)];
  if (report.incidents.length) {
    out.push('', '| # | severity | category | count | incident |', '|---|---|---|---|---|');
    for (const inc of report.incidents) {
      out.push(`| ${inc.rank} | ${inc.severity} | \`${inc.category}\` | ${inc.count} | ${inc.causedBy ? '↳ ' : ''}${cell(inc.title)} |`);
    }
    for (const inc of report.incidents) out.push('', section(inc, report));
  }
  if (report.notes.length) out.push('', '**Notes**', '', ...report.notes.map((n) => `- ${cell(n)}`));
  return out.join('\n') + '\n';
}
