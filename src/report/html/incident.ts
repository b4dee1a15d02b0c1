// One incident as a section of the page: what it is, its facts, the crash with its backtrace, what
// it led to, the fix, and the evidence (in a <details> that is open: readable without a script).
import type { CrashInfo, Evidence, Incident, Recommendation, Report } from '../../types.js';
import { causeOf, crashingFrame, frameWhere, shortTime, shownFacts, sourceLabel } from '../format-facts.js';
import { anchor, esc } from './escape.js';

/** Text with `code` spans (the rule files' fix steps use them), escaped. */
export function inline(text: string): string {
  return text.split('`').map((part, i) => (i % 2 ? `<code>${esc(part)}</code>` : esc(part))).join('');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function facts(inc: Incident): string {
  const shown = shownFacts(inc);
  if (!shown.length) return '';
  return `<dl class="facts">${shown.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

/** The first frames and the crashing one, which is the one the rule named as the function at fault. */
const SHOWN_FRAMES = 12;

function crash(c: CrashInfo, inc: Incident): string {
  const out: string[] = ['<div class="crash">'];
  const at = c.faultAddress ? ` at <code>${esc(c.faultAddress)}</code>` : '';
  out.push(`<p><strong>Crash:</strong> ${esc(c.signal)}${at} in <code>${esc(c.executable)}</code>`
    + ` <span class="dim">(signature <code>${esc(c.signature)}</code>, ${plural(c.cores.length, 'core')}${c.threads ? `, ${plural(c.threads, 'thread')}` : ''})</span></p>`);
  if (c.abortMessage) out.push(`<p><strong>Abort message:</strong> <code>${esc(c.abortMessage)}</code></p>`);
  if (c.cores.length) out.push(`<p class="dim">Core${c.cores.length === 1 ? '' : 's'}: ${c.cores.map((p) => `<code>${esc(p)}</code>`).join(', ')}</p>`);
  if (c.frames.length) {
    const marked = crashingFrame(inc);
    const frame = (i: number) => {
      const f = c.frames[i];
      const at = frameWhere(f);
      const where = at ? ` <span class="where">${esc(at)}</span>` : '';
      const mark = i === marked;
      return `<li value="${i}"${mark ? ' class="crashing" aria-current="true"' : ''}><span class="arrow" aria-hidden="true">${mark ? '→' : ''}</span>`
        + `<span class="fn">${esc(f.function)}</span>${where}${mark ? ' <span class="tag">crashing frame</span>' : ''}</li>`;
    };
    const head = Math.min(c.frames.length, Math.max(SHOWN_FRAMES, marked + 3));
    out.push(`<p class="label">Backtrace <span class="dim">(${plural(c.frames.length, 'frame')})</span></p>`);
    out.push(`<ol class="frames" start="0">${c.frames.slice(0, head).map((_, i) => frame(i)).join('')}</ol>`);
    if (c.frames.length > head) {
      out.push(`<details class="more-frames"><summary>${c.frames.length - head} more frames</summary>`
        + `<ol class="frames" start="${head}">${c.frames.slice(head).map((_, i) => frame(head + i)).join('')}</ol></details>`);
    }
  }
  out.push('</div>');
  return out.join('\n');
}

function fix(rec: Recommendation): string {
  const steps = rec.steps.filter((s) => s.trim());
  return `<div class="fix"><h4>Fix: ${inline(rec.title)}</h4>`
    + (steps.length ? `<ol>${steps.map((s) => `<li>${inline(s)}</li>`).join('')}</ol>` : '')
    + (rec.config ? `<pre class="config"><code>${esc(rec.config)}</code></pre>` : '')
    + '</div>';
}

export function evidenceRows(evidence: Evidence[]): string {
  return evidence.map((e) => `<tr${e.matched === false ? ' class="context"' : ' class="matched"'}>`
    + `<td class="where" title="${esc(e.source)}">${esc(sourceLabel(e.source))}:${e.line}</td>`
    + `<td class="time">${e.time ? `<time datetime="${esc(e.time)}">${esc(shortTime(e.time))}</time>` : '—'}</td>`
    + `<td class="text"><code>${esc(e.text)}</code></td></tr>`).join('\n');
}

export function renderIncident(inc: Incident, report: Report, children: string[] = []): string {
  const out: string[] = [];
  const cause = causeOf(inc, report);
  out.push(`<section class="incident sev-${esc(inc.severity)}${cause ? ' consequence' : ' root'}" id="${anchor(inc.id)}" data-rank="${inc.rank}">`);
  out.push('<header>');
  out.push(`<p class="tags"><span class="rank">#${inc.rank}</span> <span class="badge sev-${esc(inc.severity)}">${esc(inc.severity)}</span>`
    + ` <code class="category">${esc(inc.category)}</code>${inc.code ? ` <code class="code">${esc(inc.code)}</code>` : ''}`
    + `${cause ? ` <span class="caused-by">consequence of <a href="#${anchor(cause.id)}">#${cause.rank}</a></span>` : inc.consequences.length ? ' <span class="root-cause">root cause</span>' : ''}</p>`);
  out.push(`<h3 class="title">${esc(inc.title)}</h3>`);
  const [first, last] = [shortTime(inc.firstSeen), shortTime(inc.lastSeen)];
  const when = inc.firstSeen ? ` · first <time datetime="${esc(inc.firstSeen)}">${esc(first)}</time>${last !== first ? ` · last <time datetime="${esc(inc.lastSeen ?? '')}">${esc(last)}</time>` : ''}` : '';
  out.push(`<p class="meta">seen ${inc.count === 1 ? 'once' : `${inc.count} times`}${when} · score ${inc.score} · rule <code>${esc(inc.rule)}</code></p>`);
  out.push('</header>');
  out.push(facts(inc));
  if (inc.crash) out.push(crash(inc.crash, inc));
  if (inc.consequences.length) {
    out.push('<div class="led-to"><p class="label">Led to</p><ul>' + inc.consequences.map((q) => {
      const there = report.incidents.find((i) => i.id === q.id);
      const title = there ? `<a href="#${anchor(q.id)}">${esc(q.title)}</a>` : esc(q.title);
      return `<li><code>${esc(q.category)}</code> ×${q.count} ${title}</li>`;
    }).join('') + '</ul></div>');
  }
  for (const rec of inc.recommendations) out.push(fix(rec));
  const matched = inc.evidence.filter((e) => e.matched !== false).length;
  const summary = `Evidence <span class="dim">(${plural(inc.evidence.length, 'line')}${matched !== inc.evidence.length ? `, ${matched} matched` : ''}${inc.count > matched ? `; a sample of ${inc.count} events` : ''})</span>`;
  out.push(`<details class="evidence" open><summary>${summary}</summary>`
    + `<div class="scroll"><table><thead><tr><th>source:line</th><th>time</th><th>text</th></tr></thead><tbody>\n${evidenceRows(inc.evidence)}\n</tbody></table></div></details>`);
  if (children.length) out.push(`<div class="consequences">\n${children.join('\n')}\n</div>`);
  out.push('</section>');
  return out.filter(Boolean).join('\n');
}

/** The incidents as a tree: each root cause (in rank order) with its consequences nested under it.
 *  A consequence whose cause is not in the report (cut by --top) stands as a root. */
export function renderIncidents(report: Report): string {
  const ids = new Set(report.incidents.map((i) => i.id));
  const children = new Map<string, Incident[]>();
  const roots: Incident[] = [];
  for (const inc of [...report.incidents].sort((a, b) => a.rank - b.rank)) {
    if (inc.causedBy && inc.causedBy !== inc.id && ids.has(inc.causedBy)) {
      children.set(inc.causedBy, [...(children.get(inc.causedBy) ?? []), inc]);
    } else roots.push(inc);
  }
  const done = new Set<string>();
  const section = (inc: Incident): string => {
    done.add(inc.id);
    const kids = (children.get(inc.id) ?? []).filter((k) => !done.has(k.id));
    kids.forEach((k) => done.add(k.id));
    return renderIncident(inc, report, kids.map(section));
  };
  const out = roots.map(section);
  // A cycle of causes (the ranker makes none) would leave incidents out: show them anyway.
  for (const inc of report.incidents) if (!done.has(inc.id)) out.push(section(inc));
  return out.join('\n');
}
