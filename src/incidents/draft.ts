// An incident while it is being built: events of one rule and subject, folded in as they come,
// with bounded evidence and samples so memory stays flat however long the input.
import type { Category, CrashInfo, DiagEvent, Evidence, Facts, Severity, Subjects } from '../types.js';
import { SEVERITY_ORDER, emptySubjects } from '../types.js';

const HEAD_EVENTS = 3;
const TAIL_EVENTS = 3;
const MAX_SAMPLES = 4096;
const MAX_SUBJECTS = 50;
/** Facts where the largest value seen is the one that matters. */
const PEAK_FACTS = new Set(['rssBytes', 'pauseMs', 'totalVmBytes', 'anonRssBytes', 'usageBytes', 'swapBytes', 'openFiles', 'attempt',
  'restartCount', 'durationMs', 'queueDepth', 'swapInBytesPerSec', 'stalledSec', 'blockedSec', 'utilizationPct', 'heapUsedBytes']);

export interface Draft {
  key: string;
  rule: string;
  category: Category;
  severity: Severity;
  code: string | null;
  title: string;
  count: number;
  firstSeen: number | null;
  lastSeen: number | null;
  subjects: Subjects;
  facts: Facts;
  head: Evidence[][];
  tail: Evidence[][];
  sources: Set<string>;
  /** Events per category, for the summary: joined drafts bring theirs. */
  eventsByCategory: Map<Category, number>;
  samples: [number | null, number][];
  /** Every how many samples one is kept: doubles whenever the kept ones are halved. */
  sampleStride: number;
  samplesSeen: number;
  crash: CrashInfo | null;
  /** Rules of drafts joined into this one. */
  joinedRules: string[];
  /** When it opened, among all drafts of the run (0 first). */
  seq: number;
  /** The earliest-opened draft among those joined into this one: the incident's id comes from it,
   *  so an incident keeps the id it was first announced with while sightings join it. */
  origin: { seq: number; rule: string; key: string };
  /** Keys of this draft and of every draft joined into it. */
  members: string[];
}

export function subjectKey(e: DiagEvent): string {
  const s = e.subjects;
  return s.workers[0] ?? s.units[0] ?? s.processes[0] ?? (s.pids[0] !== undefined ? `pid:${s.pids[0]}` : s.hosts[0] ?? '');
}

export function newDraft(e: DiagEvent, key: string, seq = 0): Draft {
  return {
    seq, origin: { seq, rule: e.rule, key }, members: [key],
    key, rule: e.rule, category: e.category, severity: e.severity, code: e.code, title: e.title,
    count: 0, firstSeen: null, lastSeen: null, subjects: emptySubjects(), facts: {},
    head: [], tail: [], sources: new Set(), eventsByCategory: new Map(), samples: [], sampleStride: 1, samplesSeen: 0, crash: null, joinedRules: [],
  };
}

function mergeList<T>(into: T[], from: T[]): void {
  for (const v of from) if (!into.includes(v) && into.length < MAX_SUBJECTS) into.push(v);
}

export function mergeSubjects(into: Subjects, from: Subjects): void {
  mergeList(into.pids, from.pids);
  mergeList(into.processes, from.processes);
  mergeList(into.workers, from.workers);
  mergeList(into.units, from.units);
  mergeList(into.hosts, from.hosts);
}

/** Facts that describe the event of a peak, so they follow it when a larger one replaces it. */
const PEAK_COMPANIONS: Record<string, string[]> = { pauseMs: ['gcKind'] };

export function mergeFacts(into: Facts, from: Facts): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (cur === undefined) into[k] = v;
    else if (PEAK_FACTS.has(k) && typeof v === 'number' && typeof cur === 'number' && v > cur) {
      into[k] = v;
      // The longest pause's kind, not the first pause's: "a 2 s pause (a minor collection)" misleads.
      for (const c of PEAK_COMPANIONS[k] ?? []) if (from[c] !== undefined) into[c] = from[c];
    }
  }
}

function widen(d: Draft, first: number | null, last: number | null): void {
  if (first !== null && (d.firstSeen === null || first < d.firstSeen)) d.firstSeen = first;
  if (last !== null && (d.lastSeen === null || last > d.lastSeen)) d.lastSeen = last;
}

/** Keeps samples evenly spread over the whole input: when full, every other one goes and from then
 *  on only every (2 × stride)th is kept, so old and new samples stay equally dense. */
function addSample(d: Draft, time: number | null, value: number): void {
  if (d.samplesSeen++ % d.sampleStride !== 0) return;
  d.samples.push([time, value]);
  if (d.samples.length > MAX_SAMPLES) {
    d.samples = d.samples.filter((_, i) => i % 2 === 0);
    d.sampleStride *= 2;
  }
}

/** Folds one event in; returns true when the draft's severity rose. */
export function addEvent(d: Draft, e: DiagEvent, sampleFact?: string): boolean {
  d.count++;
  widen(d, e.time, e.time);
  mergeSubjects(d.subjects, e.subjects);
  mergeFacts(d.facts, e.facts);
  d.sources.add(e.source);
  d.eventsByCategory.set(e.category, (d.eventsByCategory.get(e.category) ?? 0) + 1);
  if (d.head.length < HEAD_EVENTS) d.head.push(e.evidence);
  else {
    d.tail.push(e.evidence);
    if (d.tail.length > TAIL_EVENTS) d.tail.shift();
  }
  if (e.crash && !d.crash) d.crash = { ...e.crash, cores: [...e.crash.cores] };
  else if (e.crash && d.crash && d.crash.cores.length < MAX_SUBJECTS) d.crash.cores.push(...e.crash.cores.filter((c) => !d.crash!.cores.includes(c)));
  if (sampleFact && typeof e.facts[sampleFact] === 'number') addSample(d, e.time, e.facts[sampleFact] as number);
  const rose = SEVERITY_ORDER[e.severity] > SEVERITY_ORDER[d.severity];
  if (rose) d.severity = e.severity;
  return rose;
}

/** Folds a whole draft into another: the same failure seen from another source. */
export function absorb(into: Draft, other: Draft): void {
  into.count = Math.max(into.count, other.count);
  widen(into, other.firstSeen, other.lastSeen);
  mergeSubjects(into.subjects, other.subjects);
  mergeFacts(into.facts, other.facts);
  other.sources.forEach((s) => into.sources.add(s));
  for (const n of other.eventsByCategory.values()) into.eventsByCategory.set(into.category, (into.eventsByCategory.get(into.category) ?? 0) + n);
  into.head.push(...other.head.slice(0, 2));
  into.joinedRules.push(other.rule, ...other.joinedRules);
  into.members.push(...other.members);
  if (other.origin.seq < into.origin.seq) into.origin = other.origin;
  if (!into.crash && other.crash) into.crash = other.crash;
  if (SEVERITY_ORDER[other.severity] > SEVERITY_ORDER[into.severity]) into.severity = other.severity;
}

/** A copy that building a report can change (joins, trends, units) while the original keeps
 *  gathering events: live output is built from copies, the final report from the originals. */
export function cloneDraft(d: Draft): Draft {
  const subjects = d.subjects;
  return {
    ...d,
    subjects: { pids: [...subjects.pids], processes: [...subjects.processes], workers: [...subjects.workers], units: [...subjects.units], hosts: [...subjects.hosts] },
    facts: { ...d.facts },
    head: [...d.head],
    tail: [...d.tail],
    sources: new Set(d.sources),
    eventsByCategory: new Map(d.eventsByCategory),
    crash: d.crash && { ...d.crash, cores: [...d.crash.cores] },
    joinedRules: [...d.joinedRules],
    members: [...d.members],
  };
}

export function evidenceOf(d: Draft): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const ev of [...d.head, ...d.tail].flat()) {
    const k = `${ev.source}:${ev.line}`;
    if (!seen.has(k)) { seen.add(k); out.push(ev); }
  }
  return out.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '') || a.source.localeCompare(b.source) || a.line - b.line);
}
