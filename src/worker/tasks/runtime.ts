// Task types that stress the JavaScript runtime itself: the V8 heap, its garbage collector, and
// what the worker keeps of a task's result. Each runs in a forked task child (task-child.ts).
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tell } from '../task-messages.js';
import { count, sleep } from './payload.js';

const MiB = 1024 * 1024;

// Lets timers, IPC and the GC observer run between batches of work.
const yieldNow = () => new Promise((r) => setImmediate(r));

interface Row {
  seq: number;
  label: string;
  tags: number[];
}

const row = (seq: number, salt: number): Row => ({ seq, label: `row-${seq}-${salt}`, tags: [seq, salt] });

export const RUNTIME_TASK_TYPES: Record<string, (payload: Record<string, unknown>) => Promise<void>> = {
  // Loads `rows` records whole into the heap before using them, like a query result read at once:
  // with more rows than task.heap_mb holds, V8 itself aborts with "JavaScript heap out of memory".
  async heap(p) {
    const rows = count(p.rows, 1_000_000);
    const kept: Row[] = [];
    for (let i = 0; i < rows; i++) {
      kept.push(row(i, rows));
      if (i % 50_000 === 49_999) await yieldNow();
    }
    if (kept.length !== rows) throw new Error('rows lost');
  },
  // Keeps `objects` small objects live and replaces slices of them for `ms`: the replaced ones die
  // in the old generation, so major collections keep running over a large live heap.
  async churn(p) {
    const objects = Math.max(1, count(p.objects, 500_000));
    const live: Row[] = new Array<Row>(objects);
    for (let i = 0; i < objects; i++) {
      live[i] = row(i, 0);
      if (i % 100_000 === 99_999) await yieldNow();
    }
    const until = Date.now() + count(p.ms, 2000);
    for (let round = 1; Date.now() < until; round++) {
      // A stride coprime to most sizes spreads the replacements over the whole table.
      for (let k = 0; k < 50_000; k++) {
        const i = (round * 50_000 + k) * 7919 % objects;
        live[i] = row(i, round);
      }
      await yieldNow();
    }
    if (live.length !== objects) throw new Error('objects lost');
  },
  // Renders an image of `mib` MiB after `ms` of work into a file, 1 MiB at a time, and hands the file
  // to the worker as the task's result (random bytes stand in for the pixels, so no two results are
  // alike). Written in pieces, so the child stays small and the worker's growth is what shows.
  async render(p) {
    await sleep(count(p.ms, 100));
    const file = join(tmpdir(), `clw-render-${process.pid}.bin`);
    const fd = openSync(file, 'w');
    try {
      for (let i = 0; i < count(p.mib, 1); i++) writeSync(fd, randomBytes(MiB));
    } finally {
      closeSync(fd);
    }
    await tell({ kind: 'task-result', value: null, file });
  },
};
