// The entry of a forked task child: runs one built-in task type and exits 0 on success.
// Each task gets its own process so a runaway task (memory, CPU, a hang) can be killed alone.
import type { Task } from './queue.js';
import { onParentDeath } from './parent.js';
import { TASK_TYPES } from './task-types.js';
import { tell, type WorkerMessage } from './task-messages.js';
import { watchGcPauses } from './gc-watch.js';

async function main(): Promise<void> {
  // The worker died (SIGKILL, a crash): a task nobody waits for must not run on as an orphan.
  onParentDeath(() => {
    process.stderr.write(`task child ${process.pid}: worker gone, exiting\n`);
    process.exit(1);
  });
  // The worker drains (runner.ts): its SIGTERM follows our reply. The task in hand is let finish
  // (one task per child, so finishing is stopping); a task that must stop sooner listens for SIGTERM.
  process.on('message', (m: WorkerMessage) => {
    if (m?.kind !== 'drain') return;
    process.on('SIGTERM', () => {});
    void tell({ kind: 'drain-ack' });
  });
  const task = JSON.parse(process.argv[2] ?? '{}') as Task;
  // Every task's GC pauses over task.gc_pause_warn_ms reach worker.log, whatever the task does.
  watchGcPauses();
  const handler = TASK_TYPES[task.type];
  if (!handler) {
    process.stderr.write(`unknown task type '${task.type}'\n`);
    process.exit(2);
  }
  try {
    await handler(task.payload ?? {});
    process.exit(0);
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`task '${task.id}' threw: ${message}\n`);
    // The worker logs the reason in worker.log: stderr alone may go nowhere an operator looks.
    await tell({ kind: 'task-error', message });
    process.exit(1);
  }
}

void main();
