// Groups events into drafts by rule and subject as they arrive. Live, the number of drafts is
// capped: the longest-quiet ones are retired into a per-category summary so memory stays flat
// over days of input.
import type { Category, DiagEvent, Severity } from '../types.js';
import { SEVERITY_ORDER } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { addEvent, newDraft, subjectKey, type Draft } from './draft.js';

export interface AddResult {
  draft: Draft;
  opened: boolean;
  escalated: boolean;
}

/** What retired drafts of one rule and category amounted to. */
export interface RetiredSummary {
  rule: string;
  category: Category;
  severity: Severity;
  drafts: number;
  events: number;
  firstSeen: number | null;
  lastSeen: number | null;
}

export interface AggregatorOptions {
  /** Retire the longest-quiet draft when there are more than this many (live input). */
  maxDrafts?: number;
  /** The same per rule: a million distinct pids of one rule stay a bounded report. */
  maxDraftsPerRule?: number;
}

/** pid → unit links kept at most: a day of a busy host runs millions of pids. */
const MAX_PID_LINKS = 20_000;
/** A process runs in one unit; a few allow for a pid reused after a reboot. */
const MAX_UNITS_PER_PID = 4;

export class Aggregator {
  readonly drafts = new Map<string, Draft>();
  /** Which unit each pid ran in, learned from events that name both (journald, a memcg path). */
  readonly unitsOfPid = new Map<number, Set<string>>();
  readonly retired = new Map<string, RetiredSummary>();
  events = 0;
  private opened = 0;
  /** Draft keys, least recently added to first (kept only when drafts are capped). */
  private readonly recency = new Set<string>();
  private readonly recencyByRule = new Map<string, Set<string>>();

  constructor(private readonly rules: CompiledRuleSet, private readonly opts: AggregatorOptions = {}) {}

  add(e: DiagEvent): AddResult {
    this.events++;
    // The service manager speaks of the units it runs under its own pid: systemd[1] is in none of them.
    if (!e.subjects.processes.includes('systemd') && !e.subjects.pids.includes(1)) {
      for (const pid of e.subjects.pids) {
        for (const unit of e.subjects.units) this.linkUnit(pid, unit);
      }
    }
    const trend = this.rules.byId.get(e.rule)?.rule.trend;
    // A trend is one process's memory over time: heartbeats of several pids interleaved would saw.
    // A crash read from a core groups by its signature: the same crash in N cores is one incident.
    const subject = e.crash ? `sig:${e.crash.signature}` : trend && e.subjects.pids.length ? `pid:${e.subjects.pids[0]}` : subjectKey(e);
    // One rule can name several categories (an exit status: 137 a kill, 139 a SIGSEGV): events of
    // different categories are different incidents even when the same supervisor logs them.
    const key = `${e.rule}|${e.category}|${subject}`;
    let draft = this.drafts.get(key);
    const opened = !draft;
    if (!draft) {
      draft = newDraft(e, key, this.opened++);
      this.drafts.set(key, draft);
    }
    const escalated = addEvent(draft, e, trend?.value) && !opened;
    if (this.opts.maxDrafts !== undefined) this.touch(this.recency, key, this.opts.maxDrafts);
    if (this.opts.maxDraftsPerRule !== undefined) {
      let mine = this.recencyByRule.get(e.rule);
      if (!mine) this.recencyByRule.set(e.rule, (mine = new Set()));
      this.touch(mine, key, this.opts.maxDraftsPerRule);
    }
    return { draft, opened, escalated };
  }

  private linkUnit(pid: number, unit: string): void {
    let units = this.unitsOfPid.get(pid);
    if (!units) {
      if (this.unitsOfPid.size >= MAX_PID_LINKS) this.unitsOfPid.delete(this.unitsOfPid.keys().next().value!);
      units = new Set<string>();
      this.unitsOfPid.set(pid, units);
    }
    if (units.size < MAX_UNITS_PER_PID) units.add(unit);
  }

  /** Moves the key to the recent end; retires the least recent beyond `max`. Sets keep insertion
   *  order, so the first key is the one left alone longest. */
  private touch(recency: Set<string>, key: string, max: number): void {
    recency.delete(key);
    recency.add(key);
    while (recency.size > max) {
      const oldest = recency.values().next().value!;
      recency.delete(oldest);
      const d = this.drafts.get(oldest);
      if (d) this.retire(d);
    }
  }

  private retire(d: Draft): void {
    this.drafts.delete(d.key);
    this.recency.delete(d.key);
    this.recencyByRule.get(d.rule)?.delete(d.key);
    const id = `${d.rule}|${d.category}`;
    const s = this.retired.get(id) ?? { rule: d.rule, category: d.category, severity: d.severity, drafts: 0, events: 0, firstSeen: null, lastSeen: null };
    s.drafts++;
    s.events += d.count;
    if (SEVERITY_ORDER[d.severity] > SEVERITY_ORDER[s.severity]) s.severity = d.severity;
    if (d.firstSeen !== null && (s.firstSeen === null || d.firstSeen < s.firstSeen)) s.firstSeen = d.firstSeen;
    if (d.lastSeen !== null && (s.lastSeen === null || d.lastSeen > s.lastSeen)) s.lastSeen = d.lastSeen;
    this.retired.set(id, s);
  }
}
