// The timeline: one lane per category, ordered by when it first showed, on a shared UTC time axis.
// In each lane, bars count the matched evidence lines per time slice, a thin band spans each
// incident from its first to its last sighting, and a triangle marks each incident's first event.
// Built here as inline SVG: the page needs no script and fetches nothing.
import type { Category, Report, Severity } from '../../types.js';
import { SEVERITY_ORDER } from '../../types.js';
import { anchor, esc } from './escape.js';

export interface TimelineLane {
  category: Category;
  /** The most severe incident in the lane. */
  severity: Severity;
  /** Times (epoch ms, ascending) of the lane's matched evidence lines, one per source line. */
  events: number[];
  /** The events the lane's incidents counted: the evidence is a sample of them. */
  count: number;
  /** The lane's earliest time: its first event or first sighting. */
  first: number;
}

export interface TimelineMarker {
  id: string;
  rank: number;
  category: Category;
  severity: Severity;
  title: string;
  /** The incident's first event (epoch ms). */
  time: number;
  /** Its last (epoch ms), for the band. */
  last: number;
}

export interface Timeline {
  start: number;
  end: number;
  lanes: TimelineLane[];
  markers: TimelineMarker[];
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

/** The chart's data from the report alone; null when no evidence carries a time. */
export function timelineData(report: Report): Timeline | null {
  const lanes = new Map<Category, TimelineLane & { seen: Set<string> }>();
  const markers: TimelineMarker[] = [];
  for (const inc of report.incidents) {
    const lane = lanes.get(inc.category) ?? { category: inc.category, severity: inc.severity, events: [], count: 0, first: Infinity, seen: new Set<string>() };
    lanes.set(inc.category, lane);
    if (SEVERITY_ORDER[inc.severity] > SEVERITY_ORDER[lane.severity]) lane.severity = inc.severity;
    lane.count += inc.count;
    const times: number[] = [];
    for (const ev of inc.evidence) {
      const t = ms(ev.time);
      if (t === null) continue;
      times.push(t);
      // Context lines of a block (the rest of a kernel OOM report) are not events of their own.
      if (ev.matched === false || lane.seen.has(`${ev.source}:${ev.line}`)) continue;
      lane.seen.add(`${ev.source}:${ev.line}`);
      lane.events.push(t);
    }
    const first = ms(inc.firstSeen) ?? (times.length ? Math.min(...times) : null);
    const last = ms(inc.lastSeen) ?? (times.length ? Math.max(...times) : first);
    if (first !== null) {
      markers.push({ id: inc.id, rank: inc.rank, category: inc.category, severity: inc.severity, title: inc.title, time: first, last: Math.max(first, last ?? first) });
    }
  }
  const out: TimelineLane[] = [];
  for (const { seen: _, ...lane } of lanes.values()) {
    lane.events.sort((a, b) => a - b);
    const own = markers.filter((m) => m.category === lane.category).map((m) => m.time);
    lane.first = Math.min(lane.events[0] ?? Infinity, ...own);
    if (Number.isFinite(lane.first)) out.push(lane);
  }
  if (!out.length) return null;
  // What came first is on top.
  out.sort((a, b) => a.first - b.first || SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || a.category.localeCompare(b.category));
  const all = [...out.flatMap((l) => l.events), ...markers.flatMap((m) => [m.time, m.last])];
  return { start: Math.min(...all), end: Math.max(...all), lanes: out, markers };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY,
];

export interface Tick {
  time: number;
  label: string;
  /** The date, on the first tick and wherever the day changes. */
  date: string | null;
}

/** Round-number UTC ticks between start and end, at most about `max` of them. */
export function ticks(start: number, end: number, max = 8): Tick[] {
  const span = Math.max(1, end - start);
  const step = STEPS.find((s) => span / s <= max) ?? Math.ceil(span / max / DAY) * DAY;
  const out: Tick[] = [];
  let lastDate = '';
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    const iso = new Date(t).toISOString();
    const date = iso.slice(0, 10);
    const label = step < SECOND ? iso.slice(11, 23) : step < MINUTE ? iso.slice(11, 19) : step < DAY ? iso.slice(11, 16) : iso.slice(5, 10);
    out.push({ time: t, label, date: date !== lastDate ? date : null });
    lastDate = date;
  }
  return out;
}

/** A time as the chart's tooltips show it: UTC, to the millisecond when it has them. */
export function clock(t: number): string {
  const iso = new Date(t).toISOString();
  return iso.slice(11, iso.endsWith('.000Z') ? 19 : 23);
}

const W = 1000;
const LABEL = 200;
const RIGHT = 28;
const LANE = 38;
const TOP = 6;
const AXIS = 40;
const BINS = 100;

/** The chart as an inline SVG element (no script, no external reference). */
export function renderTimeline(t: Timeline): string {
  // A single instant gets a minute around it; otherwise a little room at both ends for the markers.
  const pad = t.end === t.start ? 30 * SECOND : (t.end - t.start) * 0.03;
  const [from, to] = [t.start - pad, t.end + pad];
  const plot = W - LABEL - RIGHT;
  const x = (time: number) => LABEL + ((time - from) / (to - from)) * plot;
  const H = TOP + t.lanes.length * LANE + AXIS;
  const binWidth = (to - from) / BINS;
  const out: string[] = [];
  out.push(`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="tl-title tl-desc" preserveAspectRatio="xMinYMin meet">`);
  out.push(`<title id="tl-title">Events per category over time (UTC)</title>`);
  out.push(`<desc id="tl-desc">${esc(t.lanes.map((l) => `${l.category}: first at ${new Date(l.first).toISOString()}, ${l.count} event${l.count === 1 ? '' : 's'}`).join('; '))}</desc>`);
  const axisY = TOP + t.lanes.length * LANE;
  // Stripes under everything, then the grid.
  t.lanes.forEach((_, n) => { if (n % 2 === 0) out.push(`<rect class="stripe" x="0" y="${TOP + n * LANE}" width="${W}" height="${LANE}"/>`); });
  // Grid and axis.
  const tk = ticks(from, to, Math.max(3, Math.floor(plot / 110)));
  for (const k of tk) {
    const xx = x(k.time).toFixed(1);
    out.push(`<line class="grid" x1="${xx}" x2="${xx}" y1="${TOP}" y2="${axisY + 4}"/>`);
    // Labels near an end are anchored to stay inside the plot.
    const a = x(k.time) < LABEL + 36 ? 'start' : x(k.time) > W - 36 ? 'end' : 'middle';
    out.push(`<text class="tick" x="${xx}" y="${axisY + 16}" text-anchor="${a}">${esc(k.label)}</text>`);
    if (k.date) out.push(`<text class="tick date" x="${xx}" y="${axisY + 30}" text-anchor="${a}">${esc(k.date)}</text>`);
  }
  out.push(`<line class="axis" x1="${LABEL}" x2="${W - RIGHT}" y1="${axisY}" y2="${axisY}"/>`);
  out.push(`<text class="tick axis-title" x="${LABEL - 10}" y="${axisY + 16}" text-anchor="end">time (UTC)</text>`);
  // The bars are scaled against the busiest slice of any lane, on a square root so one slice of
  // many does not flatten the rest.
  const bins = t.lanes.map((l) => {
    const b = new Array<number>(BINS).fill(0);
    for (const e of l.events) b[Math.min(BINS - 1, Math.floor((e - from) / binWidth))]++;
    return b;
  });
  const peak = Math.max(1, ...bins.flat());
  t.lanes.forEach((lane, n) => {
    const top = TOP + n * LANE;
    const base = top + LANE - 8;
    out.push(`<g class="lane sev-${lane.severity}" data-category="${esc(lane.category)}">`);
    out.push(`<text class="lane-label" x="8" y="${top + LANE / 2 + 4}">${esc(lane.category)}<tspan class="lane-count" dx="6">×${lane.count}</tspan></text>`);
    for (const m of t.markers.filter((mk) => mk.category === lane.category)) {
      const x1 = x(m.time);
      const w = Math.max(2, x(m.last) - x1);
      out.push(`<rect class="band" x="${x1.toFixed(1)}" y="${base - 3}" width="${w.toFixed(1)}" height="3"><title>#${m.rank} ${esc(m.title)}: ${esc(clock(m.time))} → ${esc(clock(m.last))}</title></rect>`);
    }
    bins[n].forEach((c, i) => {
      if (!c) return;
      const h = 4 + (LANE - 22) * Math.sqrt(c / peak);
      const bx = LABEL + (i / BINS) * plot;
      const t0 = from + i * binWidth;
      out.push(`<rect class="bar" x="${bx.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${Math.max(1.5, plot / BINS - 1).toFixed(1)}" height="${h.toFixed(1)}"><title>${esc(lane.category)}: ${c} event${c === 1 ? '' : 's'}, ${esc(clock(t0))}–${esc(clock(t0 + binWidth))}</title></rect>`);
    });
    out.push('</g>');
  });
  // Each incident's first event, drawn last so it is on top: a triangle and the incident's rank.
  for (const m of [...t.markers].sort((a, b) => b.rank - a.rank)) {
    const n = t.lanes.findIndex((l) => l.category === m.category);
    if (n < 0) continue;
    const top = TOP + n * LANE;
    const mx = x(m.time);
    const anchorEnd = mx > W - RIGHT - 40;
    out.push(`<a href="#${anchor(m.id)}"><g class="marker sev-${m.severity}" data-incident="${esc(m.id)}" data-time="${new Date(m.time).toISOString()}">`
      + `<title>#${m.rank} first event at ${esc(new Date(m.time).toISOString())}: ${esc(m.title)}</title>`
      + `<path d="M${(mx - 5).toFixed(1)} ${top + 3} L${(mx + 5).toFixed(1)} ${top + 3} L${mx.toFixed(1)} ${top + 12} Z"/>`
      + `<text x="${(anchorEnd ? mx - 7 : mx + 7).toFixed(1)}" y="${top + 12}"${anchorEnd ? ' text-anchor="end"' : ''}>#${m.rank}</text></g></a>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
