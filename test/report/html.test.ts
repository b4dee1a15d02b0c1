// The HTML report as a string: its structure, its escaping, and the timeline's data and drawing.
// test/e2e/html-render.test.ts renders it in a real browser.
import { describe, expect, it } from 'vitest';
import { anchor, esc } from '../../src/report/html/escape.js';
import { renderIncidents } from '../../src/report/html/incident.js';
import { CSP, renderHtml } from '../../src/report/html/page.js';
import { renderTimeline, ticks, timelineData } from '../../src/report/html/timeline.js';
import { render } from '../../src/report/index.js';
import { evidence, HOSTILE_TITLE, incident, report, sampleReport } from './fixture.js';

/** The slice of the page from an element's opening tag to its matching close (same tag name). */
function element(html: string, start: number, tag: string): string {
  const re = new RegExp(`<${tag}[\\s>]|</${tag}>`, 'g');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  throw new Error(`unclosed <${tag}>`);
}
const section = (html: string, id: string) => element(html, html.indexOf(`<section class="incident `, html.indexOf(`id="${anchor(id)}"`) - 120), 'section');

describe('escape', () => {
  it('escapes markup, quotes and control characters', () => {
    expect(esc('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    expect(esc('\u001b[31mred\u0000')).toBe('\u241b[31mred\u2400');
    expect(esc('tab\tnew\nline')).toBe('tab\tnew\nline');
    expect(esc('\ud800x')).toBe('\ufffdx');
    expect(anchor('ab"><x')).toBe('inc-ab___x');
  });
});

describe('the HTML page', () => {
  const r = sampleReport();
  const html = renderHtml(r);

  it('is one self-contained document that loads nothing', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
    expect(CSP).toMatch(/default-src 'none'/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    // The only src or href attributes are fragment links within the page.
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref).toMatch(/^#inc-[\w-]+$/);
    for (const ref of refs) expect(html).toContain(`id="${ref.slice(1)}"`);
    // No attribute names a scheme but the SVG namespace, an identifier that is never fetched.
    const schemes = [...html.matchAll(/\s([\w:-]+)="[^"]*:\/\/[^"]*"/g)].map((m) => m[0].trim());
    expect(schemes).toEqual(['xmlns="http://www.w3.org/2000/svg"']);
    expect(render(r, 'html')).toBe(html);
  });

  it('escapes every piece of report text', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=');
    expect(html).toContain(esc(HOSTILE_TITLE));
    expect(html).toContain('payload &lt;img src=&quot;http://evil.invalid/x.png&quot;');
    expect(html).toContain('\u241b[31mred');
    expect(html).toContain('dmesg: permission &lt;denied&gt;');
    expect(html).toContain('Fix &lt;the&gt; handler.');
  });

  it('has a header with the inputs, the window and the counts by severity', () => {
    const header = element(html, html.indexOf('<header>'), 'header');
    expect(header).toContain('<code>/var/log/clw/worker.log</code>');
    expect(header).toMatch(/Inputs analysed<\/dt><dd>2 \(1,280 lines\)/);
    expect(header).toMatch(/Time window<\/dt><dd>all of the input/);
    expect(header).toMatch(/Incidents span<\/dt><dd>2026-11-20 09:58:00Z → 2026-11-20 10:04:02Z/);
    expect(header).toMatch(/data-severity="critical"><span class="badge sev-critical">critical<\/span> <strong>1<\/strong>/);
    expect(header).toMatch(/data-severity="warning"><span class="badge sev-warning">warning<\/span> <strong>1<\/strong>/);
    expect(header).toMatch(/data-severity="info"><span class="badge sev-info">info<\/span> <strong>0<\/strong>/);
    const windowed = renderHtml({ ...r, window: { since: '2026-11-20T09:00:00.000Z', until: null } });
    expect(windowed).toMatch(/Time window<\/dt><dd>2026-11-20 09:00:00Z → now/);
  });

  it('puts the root causes first and each consequence inside its cause', () => {
    const ranks = [...html.matchAll(/<section class="incident [^"]*" id="[^"]+" data-rank="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ranks).toEqual([1, 3, 2]);
    const crash = section(html, 'c0ffee0001');
    expect(crash).toContain('id="inc-c0ffee0002"');
    expect(crash).not.toContain('id="inc-c0ffee0003"');
    expect(section(html, 'c0ffee0002')).toMatch(/class="incident sev-error consequence"/);
    expect(section(html, 'c0ffee0002')).toContain('consequence of <a href="#inc-c0ffee0001">#1</a>');
    // The ranked table keeps rank order and marks the consequence.
    const table = element(html, html.indexOf('<table class="ranked">'), 'table');
    expect([...table.matchAll(/<tr class="(root|consequence)"><td class="num">(\d+)/g)].map((m) => `${m[2]}${m[1][0]}`)).toEqual(['1r', '2r', '3c']);
    expect(table).toContain('2026-11-20 10:00:01Z');
  });

  it('shows each incident\'s severity, category, counts, facts, evidence, backtrace and fix', () => {
    const crash = section(html, 'c0ffee0001');
    expect(crash).toContain('<span class="badge sev-critical">critical</span>');
    expect(crash).toContain('<code class="category">crash.segv</code>');
    expect(crash).toContain('seen 3 times');
    expect(crash).toContain('<dt>rssBytes</dt><dd>3.0 GiB</dd>');
    // Evidence: source:line, time and text, in an open <details> (no script needed).
    expect(crash).toContain('<details class="evidence" open>');
    expect(crash).toMatch(/<td class="where" title="\/var\/log\/clw\/worker\.log">clw\/worker\.log:10<\/td><td class="time"><time datetime="2026-11-20T10:00:01\.000Z">2026-11-20 10:00:01Z<\/time><\/td><td class="text"><code>clw-worker\[pid=812\]: FATAL: segfault in parse_job<\/code>/);
    expect(crash).toMatch(/<tr class="context">.*payload &lt;img/);
    // The backtrace with the crashing frame (the rule's function) marked.
    expect(crash).toMatch(/<li value="2" class="crashing" aria-current="true"><span class="arrow" aria-hidden="true">→<\/span><span class="fn">parse_job<\/span> <span class="where">at src\/jobs\.c:42<\/span> <span class="tag">crashing frame<\/span><\/li>/);
    expect(crash.match(/class="crashing"/g)).toHaveLength(1);
    expect(crash).toContain('<span class="where">in libc.so.6</span>');
    expect(crash).toContain('<code>/var/lib/claw/cores/core.812</code>');
    // The fix, with its code spans and config.
    expect(crash).toContain('<h4>Fix: Find the handler that crashes</h4>');
    expect(crash).toContain('<li>Open the core with <code>gdb -batch -ex bt</code>.</li>');
    expect(crash).toContain('<pre class="config"><code>[worker]\nmax_tasks = 1</code></pre>');
    expect(crash).toContain('<code>restart.loop</code> ×5 <a href="#inc-c0ffee0002">Supervisor gave up after 5 attempts</a>');
  });

  it('folds frames past the first dozen, keeping the crashing one in view', () => {
    const deep = sampleReport();
    const frames = Array.from({ length: 40 }, (_, i) => ({ function: `f${i}`, file: null, line: null, library: null }));
    deep.incidents[0].crash!.frames = frames;
    deep.incidents[0].facts.function = 'f20';
    const crash = section(renderHtml(deep), 'c0ffee0001');
    expect(crash).toMatch(/<li value="20" class="crashing"/);
    expect(crash).toMatch(/<details class="more-frames"><summary>17 more frames<\/summary><ol class="frames" start="23"><li value="23">/);
  });

  it('says the input is healthy when there are no incidents', () => {
    const healthy = renderHtml(report([]));
    expect(healthy).toContain('Healthy: no incidents');
    expect(healthy).not.toContain('<svg');
    expect(healthy).toContain('<title>clw-diag: no incidents</title>');
  });

  it('treats a consequence whose cause was cut (by --top) as a root', () => {
    const r2 = sampleReport();
    r2.incidents = r2.incidents.filter((i) => i.id !== 'c0ffee0001');
    const out = renderIncidents(r2);
    expect([...out.matchAll(/data-rank="(\d+)"/g)].map((m) => m[1])).toEqual(['2', '3']);
  });
});

describe('the timeline', () => {
  it('has one lane per category, the first to show on top, with its matched events', () => {
    const t = timelineData(sampleReport())!;
    expect(t.lanes.map((l) => l.category)).toEqual(['gc.pause', 'crash.segv', 'restart.loop']);
    const crash = t.lanes[1];
    // The context line (matched: false) is not an event; the GC line without a flag is.
    expect(crash.events.map((e) => new Date(e).toISOString())).toEqual(['2026-11-20T10:00:01.000Z', '2026-11-20T10:02:00.000Z', '2026-11-20T10:04:00.000Z']);
    expect(t.lanes[0].events).toHaveLength(2);
    expect(crash).toMatchObject({ severity: 'critical', count: 3 });
    expect(new Date(t.start).toISOString()).toBe('2026-11-20T09:58:00.000Z');
    expect(new Date(t.end).toISOString()).toBe('2026-11-20T10:04:02.000Z');
    expect(t.markers.map((m) => [m.rank, m.category, new Date(m.time).toISOString()])).toEqual([
      [1, 'crash.segv', '2026-11-20T10:00:01.000Z'], [2, 'gc.pause', '2026-11-20T09:58:00.000Z'], [3, 'restart.loop', '2026-11-20T10:00:03.000Z'],
    ]);
  });

  it('merges incidents of one category into one lane and counts a shared line once', () => {
    const line = evidence('w.log', 5, '2026-11-20T10:00:00.000Z', 'x', true);
    const r = report([
      incident({ rank: 1, id: 'a', category: 'oom.killed', severity: 'critical', title: 'a', count: 4, firstSeen: '2026-11-20T10:00:00.000Z', evidence: [line] }),
      incident({ rank: 2, id: 'b', category: 'oom.killed', severity: 'warning', title: 'b', count: 2, evidence: [line, { ...line, line: 6, time: '2026-11-20T10:05:00.000Z' }] }),
    ]);
    const t = timelineData(r)!;
    expect(t.lanes).toHaveLength(1);
    expect(t.lanes[0]).toMatchObject({ category: 'oom.killed', severity: 'critical', count: 6 });
    expect(t.lanes[0].events).toHaveLength(2);
    // Without firstSeen, the marker falls on the incident's earliest evidence line.
    expect(t.markers.map((m) => new Date(m.time).toISOString())).toEqual(['2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z']);
  });

  it('is absent when no line carries a time', () => {
    const r = report([incident({ rank: 1, id: 'a', category: 'hang', title: 'h', evidence: [evidence('w.log', 1, null, 'x')] })]);
    expect(timelineData(r)).toBeNull();
    expect(renderHtml(r)).toContain('nothing to chart');
  });

  it('labels its axis with real UTC times, and the date where it changes', () => {
    const start = Date.parse('2026-11-20T23:57:30Z');
    const k = ticks(start, Date.parse('2026-11-21T00:03:10Z'), 8);
    expect(k.map((t) => t.label)).toEqual(['23:58', '23:59', '00:00', '00:01', '00:02', '00:03']);
    expect(k.map((t) => t.date)).toEqual(['2026-11-20', null, '2026-11-21', null, null, null]);
    expect(ticks(0, 4000, 5).map((t) => t.label)).toEqual(['00:00:00', '00:00:01', '00:00:02', '00:00:03', '00:00:04']);
    expect(ticks(0, 250, 6).map((t) => t.label)).toEqual(['00:00:00.000', '00:00:00.050', '00:00:00.100', '00:00:00.150', '00:00:00.200', '00:00:00.250']);
  });

  it('draws lanes, bars, bands and a marker on each incident\'s first event', () => {
    const svg = renderTimeline(timelineData(sampleReport())!);
    expect(svg).toMatch(/^<svg class="timeline" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 1000 \d+"/);
    expect([...svg.matchAll(/data-category="([^"]+)"/g)].map((m) => m[1])).toEqual(['gc.pause', 'crash.segv', 'restart.loop']);
    expect(svg.match(/class="bar"/g)).toHaveLength(2 + 3 + 2);
    expect(svg.match(/class="band"/g)).toHaveLength(3);
    const markers = [...svg.matchAll(/<a href="#(inc-[^"]+)"><g class="marker sev-(\w+)" data-incident="([^"]+)" data-time="([^"]+)">/g)].map((m) => [m[3], m[2], m[4]]);
    expect(markers.sort()).toEqual([
      ['c0ffee0001', 'critical', '2026-11-20T10:00:01.000Z'],
      ['c0ffee0002', 'error', '2026-11-20T10:00:03.000Z'],
      ['c0ffee0003', 'warning', '2026-11-20T09:58:00.000Z'],
    ]);
    expect(svg).toMatch(/<text class="tick"[^>]*>09:58<\/text>/);
    expect(svg).toMatch(/<text class="tick date"[^>]*>2026-11-20<\/text>/);
    expect(svg).toContain('time (UTC)');
    // Titles in tooltips are escaped too.
    expect(svg).toContain(esc(HOSTILE_TITLE));
    expect(svg).not.toContain('<script');
  });

  it('gives a single instant a window around it', () => {
    const r = report([incident({ rank: 1, id: 'a', category: 'hang', title: 'h', firstSeen: '2026-11-20T10:00:00.000Z', evidence: [evidence('w.log', 1, '2026-11-20T10:00:00.000Z', 'x', true)] })]);
    const svg = renderTimeline(timelineData(r)!);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).toMatch(/>10:00:00<\/text>/);
  });
});
