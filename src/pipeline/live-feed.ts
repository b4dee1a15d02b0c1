// When live updates are built: soon after a line that may change what was said (coalescing the
// lines that arrive together), and once a second for bursts and trends. A build costs time in
// proportion to the open incidents, so builds are spaced by at least twice the last one's cost.
import type { DiagEvent } from '../types.js';
import type { Draft } from '../incidents/draft.js';
import { LiveTracker, type LiveUpdate } from '../incidents/live.js';
import type { BuiltReport } from '../incidents/report.js';
import type { CompiledRuleSet } from '../rules/compile.js';

const MIN_GAP_MS = 2;
const TICK_MS = 1000;

export interface LiveFeedOptions {
  rules: CompiledRuleSet;
  build: () => BuiltReport;
  onUpdate: (u: LiveUpdate) => void;
  quietMs?: number;
}

export class LiveFeed {
  private readonly tracker: LiveTracker;
  private timer: NodeJS.Timeout | null = null;
  private readonly tick: NodeJS.Timeout;
  private nextAllowed = 0;

  constructor(private readonly opts: LiveFeedOptions) {
    this.tracker = new LiveTracker({ rules: opts.rules, quietMs: opts.quietMs });
    this.tick = setInterval(() => { if (this.tracker.due) this.flush(true); }, TICK_MS);
    this.tick.unref();
  }

  get incidents(): number {
    return this.tracker.incidents;
  }

  event(draft: Draft, e: DiagEvent, changed: boolean): void {
    if (this.tracker.noteEvent(draft, e, changed) !== 'now' || this.timer) return;
    const wait = Math.max(0, this.nextAllowed - performance.now());
    // setTimeout(0) still lets the rest of the chunk be matched first: its lines join one build.
    this.timer = setTimeout(() => { this.timer = null; this.flush(false); }, wait);
  }

  /** Says what is still unsaid; at the end of input, before the report. */
  close(): void {
    clearInterval(this.tick);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.tracker.due) this.flush(false);
  }

  private flush(summaries: boolean): void {
    const started = performance.now();
    const updates = this.tracker.flush(this.opts.build(), summaries);
    const cost = performance.now() - started;
    this.nextAllowed = performance.now() + Math.max(MIN_GAP_MS, 2 * cost);
    for (const u of updates) this.opts.onUpdate(u);
  }
}
