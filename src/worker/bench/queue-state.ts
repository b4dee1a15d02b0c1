// How many of the run's tasks have left the queue (queue.ts's done and failed). A task is counted
// once, by its file name or id, so a task that ran again after a worker death is not counted twice.
import { ended } from '../queue.js';

export interface QueueState {
  completed: number;
  failed: number;
}

export function queueState(queue: string): QueueState {
  const done = new Set(ended(queue, 'done'));
  const failed = new Set(ended(queue, 'failed').filter((k) => !done.has(k)));
  return { completed: done.size, failed: failed.size };
}
