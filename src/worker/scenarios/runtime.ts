// Failures of the JavaScript runtime: a task outgrows its V8 heap, GC pauses stall a task, and the
// worker's own memory grows task after task.
import type { Scenario } from './types.js';

const RENDERS = 16;

export const RUNTIME_SCENARIOS: Record<string, Scenario> = {
  // Two million rows do not fit a 48 MiB old space: V8 prints its last GCs and
  // "FATAL ERROR: ... JavaScript heap out of memory" to stderr.log and aborts (exit 134).
  'heap-oom': {
    what: 'a heap task loads 2 million rows into a 48 MiB V8 heap (task.heap_mb); V8 aborts with "JavaScript heap out of memory"',
    task: { heap_mb: 48 },
    tasks: [{ type: 'heap', payload: { rows: 2_000_000 }, id: 'load-rows' }],
    until: /task 'load-rows' failed/,
  },
  // Two million live objects (about 300 MiB) in a 512 MiB heap, slices of them replaced: the
  // collector runs often over a heap it cannot shrink, and its pauses grow with the live set. The task
  // child measures them with perf_hooks. The timeout and the grace period leave the task room to end
  // on its own after SIGTERM even on a loaded machine.
  'gc-pause': {
    what: 'a churn task keeps 2 million small objects live in a 512 MiB heap and replaces them; GC pauses pass gc_pause_warn_ms = 50',
    worker: { grace_period_sec: 30 },
    task: { heap_mb: 512, max_memory_gb: 2, gc_pause_warn_ms: 50, timeout_sec: 30 },
    tasks: [{ type: 'churn', payload: { objects: 2_000_000, ms: 3000 }, id: 'reindex-catalog' }],
    until: /clw-gc-pause: GC pause/,
  },
  // Each render sends 16 MiB back and the worker caches every result: heartbeats every 0.5 s show
  // its RSS climbing towards the 24 GiB limit (max_memory_gb x concurrency).
  'memory-leak': {
    what: `${RENDERS} render tasks each return 16 MiB that the worker caches for good; heartbeat RSS climbs task after task`,
    worker: { heartbeat_sec: 0.5 },
    task: { max_memory_gb: 24 },
    tasks: Array.from({ length: RENDERS }, (_, i) => ({ type: 'render', payload: { mib: 16, ms: 150 }, id: `render-${i + 1}` })),
    until: new RegExp(`task 'render-${RENDERS}' completed`),
  },
};
