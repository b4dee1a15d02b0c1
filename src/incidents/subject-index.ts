// Drafts by the pids, units and workers they name: a join or a cause needs one in common
// (`sameSubject`), so looking only at the drafts that share one keeps joins and ranking linear in
// the number of drafts instead of quadratic. A busy host's journal names thousands of units.
import type { Subjects } from '../types.js';

export function subjectTokens(s: Subjects): string[] {
  return [...s.pids.map((p) => `p${p}`), ...s.units.map((u) => `u${u}`), ...s.workers.map((w) => `w${w}`)];
}

export class SubjectIndex<T extends { subjects: Subjects }> {
  private readonly byToken = new Map<string, Set<T>>();
  private readonly tokensOf = new Map<T, Set<string>>();
  private readonly order = new Map<T, number>();
  private next = 0;

  constructor(items: Iterable<T> = []) {
    for (const item of items) this.add(item);
  }

  add(item: T): void {
    this.order.set(item, this.next++);
    this.tokensOf.set(item, new Set());
    this.update(item);
  }

  /** Takes in subjects the item gained (a draft that absorbed another). */
  update(item: T): void {
    const mine = this.tokensOf.get(item);
    if (!mine) return;
    for (const t of subjectTokens(item.subjects)) {
      if (mine.has(t)) continue;
      mine.add(t);
      let set = this.byToken.get(t);
      if (!set) this.byToken.set(t, (set = new Set()));
      set.add(item);
    }
  }

  remove(item: T): void {
    for (const t of this.tokensOf.get(item) ?? []) this.byToken.get(t)?.delete(item);
    this.tokensOf.delete(item);
    this.order.delete(item);
  }

  /** The items that share a pid, unit or worker with `s`, in the order they were added. */
  sharing(s: Subjects): T[] {
    const found = new Set<T>();
    for (const t of subjectTokens(s)) for (const item of this.byToken.get(t) ?? []) found.add(item);
    return [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }
}
