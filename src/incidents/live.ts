// Live output: what --stream and --follow print while the input is still open. Every update is
// read off a provisional report, built the way the final one is (joins, trends, ranking, titles
// with their facts), and compared with what was said before: an incident keeps the id it was
// announced with, and the final report uses the same id.
import type { DiagEvent, Evidence, Incident } from '../types.js';
import { SEVERITY_ORDER } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { fillTemplate } from '../rules/template.js';
import type { Draft } from './draft.js';
import { addTo } from './group.js';
import type { BuiltReport } from './report.js';

export type LiveEvent = 'opened' | 'updated' | 'escalated';

export interface LiveUpdate {
  event: LiveEvent;
  /** The incident as the report would say it now. */
  incident: Incident;
  /** What changed, in words ("new pid 4303", "now a consequence of ..."). */
  changes: string[];
  /** The line that set this update off, and its title when it names its own subject. */
  occurrence: { title: string; evidence: Evidence[] } | null;
  /** Lines folded into the incident since its last update (a burst, summarised). */
  repeats: number;
}

export interface LiveOptions {
  rules: CompiledRuleSet;
  /** A gap this long between an incident's lines makes the next one a new occurrence. */
  quietMs?: number;
  /** Occurrence updates per incident per second; more are summarised. */
  burst?: number;
  /** Wall clock, for the burst limit and summaries. */
  clock?: () => number;
}

/** Subjects remembered per incident: beyond this a new pid still prints, an old one may too. */
const MAX_TOKENS = 4096;
/** Occurrences waiting for a build; more than this in one go are counted, not shown. */
const MAX_PENDING = 2048;

interface Pending {
  draft: Draft;
  event: DiagEvent;
  /** The incident had been quiet for quietMs before this line. */
  afterQuiet: boolean;
}

interface Said {
  incident: Incident;
  members: Set<string>;
  /** Sources it was seen in: another one joining is said at once. */
  sources: Set<string>;
  tokens: Set<string>;
  lastEventAt: number;
  /** Wall times of the occurrence updates printed in the last second. */
  printed: number[];
  repeats: number;
  joinedBy: Set<string>;
  lastSummary: number;
}

/** The things an event is about: a new one of these is a new occurrence. */
function tokensOf(e: Pick<DiagEvent, 'subjects' | 'crash' | 'facts'>): string[] {
  const s = e.subjects;
  const out = [...s.pids.map((p) => `pid ${p}`), ...s.units.map((u) => `unit ${u}`), ...s.workers.map((w) => `worker ${w}`)];
  for (const core of e.crash?.cores ?? []) out.push(`core ${core}`);
  if (typeof e.facts.corePath === 'string') out.push(`core ${e.facts.corePath}`);
  return out;
}

function incidentTokens(inc: Incident): Set<string> {
  return new Set(tokensOf({ subjects: inc.subjects, crash: inc.crash ?? undefined, facts: inc.facts }));
}

function addTokens(set: Set<string>, tokens: string[]): void {
  for (const t of tokens) if (set.size < MAX_TOKENS) set.add(t);
}

interface Seen {
  members: Set<string>;
  sources: Set<string>;
}

/** "new pid 4303", or "new pids 4303, 4404, 4505 and 12 more" for a backlog read in one go. */
function describeNew(tokens: string[]): string[] {
  const byKind = new Map<string, string[]>();
  for (const t of tokens) {
    const [kind, ...rest] = t.split(' ');
    addTo(byKind, kind, rest.join(' '));
  }
  return [...byKind].map(([kind, values]) => values.length === 1 ? `new ${kind} ${values[0]}`
    : `new ${kind}s ${values.slice(0, 3).join(', ')}${values.length > 3 ? ` and ${values.length - 3} more` : ''}`);
}

const short = (id: string) => `#${id.slice(0, 6)}`;

export class LiveTracker {
  private readonly said = new Map<string, Said>();
  /** Which incident each draft (by key) was part of at the last build. */
  private incidentOf = new Map<string, string>();
  /** Drafts built and in no incident yet (a trend not yet steady, evidence only). */
  private unannounced = new Set<string>();
  private pending: Pending[] = [];
  private tickWork = false;
  private readonly quietMs: number;
  private readonly burst: number;
  private readonly clock: () => number;

  constructor(private readonly opts: LiveOptions) {
    this.quietMs = opts.quietMs ?? 30_000;
    this.burst = opts.burst ?? 5;
    this.clock = opts.clock ?? Date.now;
  }

  /** Takes one event as the aggregator folded it into `draft`. Returns 'now' when it may change
   *  what was said (a new incident, subject or severity): build and print soon; 'later' when it
   *  only adds to a count that the once-a-second summary reports. */
  noteEvent(draft: Draft, e: DiagEvent, changed: boolean): 'now' | 'later' {
    const id = this.incidentOf.get(draft.key);
    const said = id ? this.said.get(id) : undefined;
    if (!changed && !id && this.unannounced.has(draft.key)) {
      this.tickWork = true; // a trend's sample, an evidence-only line: may open something at the tick
      return 'later';
    }
    let afterQuiet = false;
    if (said) {
      const at = e.time ?? this.clock();
      afterQuiet = at - said.lastEventAt >= this.quietMs;
      said.lastEventAt = Math.max(said.lastEventAt, at);
      if (!changed && !afterQuiet && tokensOf(e).every((t) => said.tokens.has(t))) {
        said.repeats++;
        this.tickWork = true;
        return 'later';
      }
    }
    if (this.pending.length >= MAX_PENDING) {
      if (said) said.repeats++;
      this.tickWork = true;
      return 'later';
    }
    this.pending.push({ draft, event: e, afterQuiet });
    return 'now';
  }

  /** Incidents announced and still in the provisional report. */
  get incidents(): number {
    return this.said.size;
  }

  /** Whether the once-a-second tick has anything to build. */
  get due(): boolean {
    return this.tickWork || this.pending.length > 0;
  }

  /** Builds the provisional report and says what changed. `summaries`: also report bursts (at
   *  most once a second per incident). */
  flush(built: BuiltReport, summaries: boolean): LiveUpdate[] {
    const now = this.clock();
    const { report, draftOf } = built;
    const memberOf = new Map<string, string>();
    for (const [id, d] of draftOf) for (const key of d.members) memberOf.set(key, id);
    const byIncident = new Map<string, Pending[]>();
    for (const p of this.pending) {
      const id = memberOf.get(p.draft.key);
      if (id) addTo(byIncident, id, p);
    }
    const updates: LiveUpdate[] = [];
    this.tickWork = false;
    const gone = new Map([...this.said].filter(([id]) => !draftOf.has(id)));
    for (const inc of report.incidents) {
      const draft = draftOf.get(inc.id)!;
      const seen = { members: new Set(draft.members), sources: new Set(draft.sources) };
      const update = this.said.has(inc.id)
        ? this.compare(inc, seen, byIncident.get(inc.id) ?? [], gone, now, summaries)
        : this.open(inc, seen, byIncident.get(inc.id) ?? []);
      if (update) updates.push(update);
    }
    for (const id of gone.keys()) this.said.delete(id);
    this.incidentOf = memberOf;
    for (const p of this.pending) if (!memberOf.has(p.draft.key)) this.unannounced.add(p.draft.key);
    for (const key of memberOf.keys()) this.unannounced.delete(key);
    // Retired drafts never come back; a cap keeps the set from growing over days.
    if (this.unannounced.size > 100_000) this.unannounced.clear();
    this.pending = [];
    return updates;
  }

  private open(inc: Incident, { members, sources }: Seen, pending: Pending[]): LiveUpdate {
    const tokens = new Set<string>();
    addTokens(tokens, [...incidentTokens(inc)]);
    const lastEventAt = Math.max(...pending.map((p) => p.event.time ?? this.clock()), inc.lastSeen ? Date.parse(inc.lastSeen) : 0);
    this.said.set(inc.id, { incident: inc, members, sources, tokens, lastEventAt, printed: [this.clock()], repeats: 0, joinedBy: new Set(), lastSummary: this.clock() });
    const changes = inc.causedBy ? [`a consequence of ${short(inc.causedBy)} ${this.said.get(inc.causedBy)?.incident.title ?? ''}`.trim()] : [];
    return { event: 'opened', incident: inc, changes, occurrence: this.occurrence(inc, pending), repeats: 0 };
  }

  private compare(inc: Incident, { members, sources }: Seen, pending: Pending[], gone: Map<string, Said>, now: number, summaries: boolean): LiveUpdate | null {
    const said = this.said.get(inc.id)!;
    const before = said.incident;
    const prompt: string[] = [];
    if (SEVERITY_ORDER[inc.severity] > SEVERITY_ORDER[before.severity]) prompt.push(`${before.severity} → ${inc.severity}`);
    if (inc.rule !== before.rule || inc.category !== before.category) prompt.push(`now named by ${inc.rule} (${inc.category})`);
    if (inc.causedBy !== before.causedBy) {
      prompt.push(inc.causedBy ? `now a consequence of ${short(inc.causedBy)} ${this.titleOf(inc.causedBy)}` : 'no longer a consequence: a root cause of its own');
    }
    const had = new Set(before.consequences.map((c) => c.id));
    for (const c of inc.consequences) if (!had.has(c.id)) prompt.push(`led to ${short(c.id)} ${c.title}`);
    for (const [id, old] of gone) {
      if ([...old.members].some((k) => members.has(k))) {
        prompt.push(`merged with ${short(id)} ${old.incident.title}`);
        gone.delete(id);
      }
    }
    const joining = [...members].filter((k) => !said.members.has(k)).map((k) => k.split('|')[0]);
    // Another source joining (the worker's exit 137 under the kernel's kill) is said at once; more
    // lines of the same source, in the next summary.
    for (const src of sources) if (!said.sources.has(src)) prompt.push(`seen in ${src} too${joining.length ? ` (${[...new Set(joining)].join(', ')})` : ''}`);
    if (![...sources].some((src) => !said.sources.has(src))) for (const rule of joining) if (rule !== inc.rule) said.joinedBy.add(rule);
    said.sources = sources;
    // New pids, units, cores, or a return after quiet: an occurrence, within the burst limit.
    const occurrences = pending.filter((p) => p.afterQuiet || tokensOf(p.event).some((t) => !said.tokens.has(t)));
    for (const p of pending) addTokens(said.tokens, tokensOf(p.event));
    said.printed = said.printed.filter((t) => now - t < 1000);
    const shown = said.printed.length < this.burst ? occurrences : [];
    said.repeats += pending.length - shown.length;
    said.incident = inc;
    said.members = members;
    const known = incidentTokens(before);
    const newSubjects = [...new Set(shown.flatMap((p) => tokensOf(p.event)))].filter((t) => !known.has(t));
    if (prompt.length || shown.length) {
      said.printed.push(now);
      const repeats = said.repeats;
      said.repeats = 0;
      const changes = [...describeNew(newSubjects), ...prompt, ...[...said.joinedBy].map((r) => `seen by ${r} too`)];
      said.joinedBy.clear();
      if (!changes.length && shown.length) changes.push('again after a quiet spell');
      return { event: prompt.length && SEVERITY_ORDER[inc.severity] > SEVERITY_ORDER[before.severity] ? 'escalated' : 'updated', incident: inc, changes, occurrence: this.occurrence(inc, shown.length ? shown : pending), repeats };
    }
    const trend = Boolean(this.opts.rules.byId.get(inc.rule)?.rule.trend);
    if (trend || (!said.repeats && !said.joinedBy.size)) return null;
    // Said within the last second: the next tick says it.
    if (!summaries || now - said.lastSummary < 1000) {
      this.tickWork = true;
      return null;
    }
    said.lastSummary = now;
    const update: LiveUpdate = {
      event: 'updated', incident: inc, occurrence: null, repeats: said.repeats,
      changes: [...(said.repeats ? [`+${said.repeats} line${said.repeats === 1 ? '' : 's'}`] : []), ...[...said.joinedBy].map((r) => `seen by ${r} too`)],
    };
    said.repeats = 0;
    said.joinedBy.clear();
    return update;
  }

  private titleOf(id: string): string {
    return this.said.get(id)?.incident.title ?? '';
  }

  /** The newest line that set the update off, preferring one of the rule that names the incident:
   *  its own title ("... (pid 4303) crashed") names the new subject where the incident's names the
   *  first. */
  private occurrence(inc: Incident, pending: Pending[]): LiveUpdate['occurrence'] {
    const last = [...pending].reverse().find((p) => p.event.rule === inc.rule) ?? pending[pending.length - 1];
    const evidence = last ? last.event.evidence : inc.evidence.slice(-1);
    const rule = last && last.event.rule === inc.rule ? this.opts.rules.byId.get(inc.rule)?.rule : undefined;
    const title = rule && last.event.subjects.pids.length <= 1 ? fillTemplate(rule.title, { ...inc.facts, ...last.event.facts }) : inc.title;
    return { title: /<[A-Za-z]\w*>/.test(title) ? inc.title : title, evidence };
  }
}
