// The HTML report: one self-contained page. Inline CSS and inline SVG, no script, no font, no image
// file; its Content-Security-Policy forbids loading anything, so a log line that slipped through
// unescaped could not fetch either. Sections: the header (inputs, window, counts by severity), the
// ranked table, the timeline, each incident (root causes with their consequences nested), notes.
import type { Report } from '../../types.js';
import { SEVERITIES } from '../../types.js';
import { headline, inputLines, shortTime } from '../format-facts.js';
import { anchor, esc } from './escape.js';
import { renderIncidents } from './incident.js';
import { STYLE } from './style.js';
import { renderTimeline, timelineData } from './timeline.js';

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const num = (n: number) => n.toLocaleString('en-US');

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

function header(report: Report): string {
  const out: string[] = ['<header>', '<h1>clw-diag report</h1>', `<p class="headline">${esc(headline(report))}</p>`];
  const lines = inputLines(report);
  const seen = report.incidents.flatMap((i) => [i.firstSeen, i.lastSeen]).filter((t): t is string => !!t).sort();
  const window = report.window.since || report.window.until
    ? `${esc(shortTime(report.window.since))} → ${report.window.until ? esc(shortTime(report.window.until)) : 'now'}`
    : 'all of the input';
  out.push('<dl class="summary">');
  out.push(`<div><dt>Inputs analysed</dt><dd>${report.sources.length} (${num(lines)} lines)</dd></div>`);
  out.push(`<div><dt>Time window</dt><dd>${window}</dd></div>`);
  if (seen.length) out.push(`<div><dt>Incidents span</dt><dd>${esc(shortTime(seen[0]))} → ${esc(shortTime(seen[seen.length - 1]))}</dd></div>`);
  out.push(`<div><dt>Matched lines</dt><dd>${num(report.summary.events)}</dd></div>`);
  out.push(`<div><dt>Generated</dt><dd><time datetime="${esc(report.generatedAt)}">${esc(shortTime(report.generatedAt))}</time></dd></div>`);
  out.push('</dl>');
  out.push('<ul class="counts" aria-label="incidents by severity">' + SEVERITIES.map((s) => {
    const n = report.summary.bySeverity[s] ?? 0;
    return `<li class="sev-${s}${n ? '' : ' zero'}" data-severity="${s}"><span class="badge sev-${s}">${s}</span> <strong>${n}</strong></li>`;
  }).join('') + '</ul>');
  if (!report.incidents.length) out.push('<p class="healthy">✓ Healthy: no incidents found in the input.</p>');
  const open = report.sources.length <= 10 ? ' open' : '';
  out.push(`<details class="inputs"${open}><summary>Inputs (${report.sources.length})</summary><div class="scroll"><table>`
    + '<thead><tr><th>kind</th><th>name</th><th class="num">lines</th><th class="num">size</th><th>problems</th></tr></thead><tbody>'
    + report.sources.map((s) => `<tr><td>${esc(s.kind)}</td><td class="name"><code>${esc(s.name)}</code></td><td class="num">${num(s.lines)}</td>`
      + `<td class="num">${bytes(s.bytes)}</td><td class="errors">${s.errors.map(esc).join('<br>')}</td></tr>`).join('')
    + '</tbody></table></div></details>');
  out.push('</header>');
  return out.join('\n');
}

function ranked(report: Report): string {
  const rows = report.incidents.map((i) => `<tr class="${i.causedBy ? 'consequence' : 'root'}"><td class="num">${i.rank}</td>`
    + `<td><span class="badge sev-${esc(i.severity)}">${esc(i.severity)}</span></td><td><code>${esc(i.category)}</code></td>`
    + `<td class="title"><a href="#${anchor(i.id)}">${esc(i.title)}</a></td><td class="num">${num(i.count)}</td>`
    + `<td>${esc(shortTime(i.firstSeen))}</td></tr>`);
  return '<section class="overview"><h2>Ranked incidents</h2><table class="ranked">'
    + '<thead><tr><th class="num">#</th><th>severity</th><th>category</th><th>incident</th><th class="num">count</th><th>first seen</th></tr></thead>'
    + `<tbody>\n${rows.join('\n')}\n</tbody></table></section>`;
}

function timeline(report: Report): string {
  const data = timelineData(report);
  if (!data) return '<section class="timeline-box"><h2>Timeline</h2><p class="dim">No evidence line carries a time: nothing to chart.</p></section>';
  return '<section class="timeline-box"><h2>Timeline</h2><figure>' + renderTimeline(data)
    + '<figcaption>One lane per category, the first to show on top. Bars: matched evidence lines per time slice'
    + ' (the evidence keeps a sample of each incident\'s events; the lane\'s ×N counts them all).'
    + ' Band: an incident from its first to its last sighting. ▼#N: incident N\'s first event. Times in UTC.</figcaption></figure></section>';
}

export function renderHtml(report: Report): string {
  const top = report.incidents[0];
  const title = top ? `clw-diag: ${report.incidents.length} incident${report.incidents.length === 1 ? '' : 's'} — ${top.title}` : 'clw-diag: no incidents';
  const body: string[] = [header(report), '<main>'];
  if (report.incidents.length) {
    body.push(ranked(report), timeline(report), `<section class="incidents"><h2>Incidents</h2>\n${renderIncidents(report)}\n</section>`);
  }
  if (report.notes.length) body.push(`<section class="notes"><h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`);
  body.push('</main>', `<footer>clw-diag report, schema version ${report.schemaVersion}; <code>--format json</code> has every field.</footer>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
