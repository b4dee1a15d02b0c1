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
  events = 0;

  constructor(private readonly rules: CompiledRuleSet) {}

  add(e: DiagEvent): AddResult {
    this.events++;
    const subject = subjectKey(e);
    const key = `${e.rule}|${subject}`;
    let draft = this.drafts.get(key);
    const opened = !draft;
    if (!draft) {
      draft = newDraft(e, key);
      this.drafts.set(key, draft);
    }
    const trend = this.rules.byId.get(e.rule)?.rule.trend;
    const escalated = addEvent(draft, e, trend?.value) && !opened;
    return { draft, opened, escalated };
  }
}
