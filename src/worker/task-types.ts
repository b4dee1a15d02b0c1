import { runNative } from './native.js';
import { PLUGIN_TASK_TYPES } from './tasks/plugins.js';
import { RUNTIME_TASK_TYPES } from './tasks/runtime.js';
import { num, sleep } from './tasks/payload.js';
import { PROCESS_TASK_TYPES } from './tasks/process.js';

// The built-in task types. Each runs inside a forked task child (task-child.ts), never in the worker.
const MiB = 1024 * 1024;

export const TASK_TYPES: Record<string, (payload: Record<string, unknown>) => Promise<void>> = {
  async ok() {},
  async sleep(p) {
    await sleep(num(p.ms, 100));
  },
  // Allocates in 1 MiB steps and writes every page, so RSS really grows (an untouched allocation
  // stays virtual), then holds the memory for `ms` so a watchdog has time to see it.
  async alloc(p) {
    const keep: Buffer[] = [];
    const mib = Math.ceil(num(p.mib, 16));
    for (let i = 0; i < mib; i++) {
      const b = Buffer.allocUnsafe(MiB);
      b.fill(i & 0xff);
      keep.push(b);
      if (i % 8 === 7) await sleep(1);
    }
    await sleep(num(p.ms, 1000));
    if (keep.length !== mib) throw new Error('allocation lost');
  },
  // Keeps a CPU busy for `ms` without yielding: a task a timer inside the task could not stop.
  async busy(p) {
    const until = Date.now() + num(p.ms, 100);
    let x = 0;
    while (Date.now() < until) x = (x * 31 + 7) % 1_000_003;
    if (x < 0) throw new Error('unreachable');
  },
  // A native handler in C (native/handlers.ts): 'segv' dereferences NULL, 'abort' fails an assertion.
  async native(p) {
    await runNative(typeof p.handler === 'string' ? p.handler : 'ok');
  },
  ...RUNTIME_TASK_TYPES,
  ...PROCESS_TASK_TYPES,
  ...PLUGIN_TASK_TYPES,
};
