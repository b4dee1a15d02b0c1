// Groups events into drafts by rule and subject as they arrive, and says when an incident opens or
// grows more severe, which is what --stream prints.
import type { DiagEvent } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { addEvent, newDraft, subjectKey, type Draft } from './draft.js';

export interface AddResult {
  draft: Draft;
  opened: boolean;
  escalated: boolean;
}

export class Aggregator {
  readonly drafts = new Map<string, Draft>();
  /** Which unit each pid ran in, learned from events that name both (journald, a memcg path). */
  readonly unitsOfPid = new Map<number, Set<string>>();
  events = 0;

  constructor(private readonly rules: CompiledRuleSet) {}

  add(e: DiagEvent): AddResult {
    this.events++;
    for (const pid of e.subjects.pids) {
      for (const unit of e.subjects.units) {
        const units = this.unitsOfPid.get(pid) ?? new Set<string>();
        units.add(unit);
        this.unitsOfPid.set(pid, units);
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
      draft = newDraft(e, key);
      this.drafts.set(key, draft);
    }
    const escalated = addEvent(draft, e, trend?.value) && !opened;
    return { draft, opened, escalated };
  }
}
