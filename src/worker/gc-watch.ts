// Measures the task child's garbage-collection pauses with perf_hooks and reports each one over
// task.gc_pause_warn_ms to the worker, which writes it in worker.log as the clw-gc-pause line:
// while V8 collects, every callback of the task stands still.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { tell } from './task-messages.js';

/** Set by the runner for each task child: task.gc_pause_warn_ms. */
export const GC_PAUSE_WARN_ENV = 'CLW_GC_PAUSE_WARN_MS';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

function kindOf(e: PerformanceEntry): string {
  const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  return (kind !== undefined && KINDS[kind]) || 'unknown';
}

/** Starts watching; returns the threshold in ms, or null when none is set (nothing is watched). */
export function watchGcPauses(): number | null {
  const threshold = Number(process.env[GC_PAUSE_WARN_ENV]);
  if (!(threshold > 0)) return null;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const ms = Math.round(e.duration);
      if (ms <= threshold) continue;
      const msg = `clw-gc-pause: GC pause ${ms}ms (threshold ${threshold}ms, kind ${kindOf(e)})`;
      void tell({ kind: 'log', level: 'WARN', msg, pid: process.pid });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return threshold;
}
