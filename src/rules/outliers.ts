// Holds back events whose fact falls under the rule's threshold, and gives back at the end those
// that stand far above the source's own typical value (a 600 ms pause in a log of 20 ms pauses).
import type { DiagEvent } from '../types.js';
import type { CompiledRule } from './compile.js';
import type { Thresholds } from './thresholds.js';

/** Fewer values than this say nothing about what is typical. */
const MIN_SAMPLES = 8;
const SAMPLE_CAP = 1024;
const WITHHELD_CAP = 5;

interface RuleValues {
  /** Every stride-th value: a bounded, deterministic sample of the series. */
  values: number[];
  stride: number;
  seen: number;
  /** The largest events held back, largest first. */
  withheld: { value: number; event: DiagEvent }[];
}

export class OutlierTracker {
  private readonly byRule = new Map<string, RuleValues>();

  constructor(private readonly thresholds: Thresholds) {}

  /** True when the event passes its rule's threshold (or has none); false when it is held back. */
  admit(rule: CompiledRule, event: DiagEvent): boolean {
    const spec = rule.rule.threshold;
    const value = spec ? event.facts[spec.fact] : undefined;
    const threshold = spec ? this.thresholds.get(spec.name) : undefined;
    if (!spec || !threshold || typeof value !== 'number') return true;
    const series = this.series(rule.rule.id);
    if (series.seen++ % series.stride === 0) {
      series.values.push(value);
      if (series.values.length >= SAMPLE_CAP) {
        series.values = series.values.filter((_, i) => i % 2 === 0);
        series.stride *= 2;
      }
    }
    if (value >= threshold.value) {
      event.facts.threshold = threshold.value;
      return true;
    }
    if (threshold.outlier_factor && (series.withheld.length < WITHHELD_CAP || value > series.withheld[series.withheld.length - 1].value)) {
      series.withheld.push({ value, event });
      series.withheld.sort((a, b) => b.value - a.value);
      series.withheld.length = Math.min(series.withheld.length, WITHHELD_CAP);
    }
    return false;
  }

  /** The held-back events that are outliers against their series' median, as warnings. */
  outliers(rules: Map<string, CompiledRule>): DiagEvent[] {
    const out: DiagEvent[] = [];
    for (const [id, series] of this.byRule) {
      const spec = rules.get(id)?.rule.threshold;
      const threshold = spec && this.thresholds.get(spec.name);
      if (!threshold?.outlier_factor || series.seen < MIN_SAMPLES) continue;
      const sorted = [...series.values].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      if (!(median > 0)) continue;
      for (const { value, event } of series.withheld) {
        if (value < threshold.outlier_factor * median || value < (threshold.outlier_min ?? 0)) continue;
        const times = Math.round((value / median) * 10) / 10;
        Object.assign(event.facts, { typicalValue: median, outlierX: times, threshold: threshold.value });
        out.push({ ...event, severity: 'warning' });
      }
    }
    return out;
  }

  private series(id: string): RuleValues {
    let s = this.byRule.get(id);
    if (!s) this.byRule.set(id, (s = { values: [], stride: 1, seen: 0, withheld: [] }));
    return s;
  }
}
