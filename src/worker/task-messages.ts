// What a task child may tell its worker over the fork IPC channel. The worker writes these into
// worker.log, so a task's own account (its error, a GC pause it measured) reaches the operator.
import type { Level } from './log.js';
import type { NativeCrash } from './native.js';

/** The task failed with this error (the child then exits 1). */
export interface TaskError {
  kind: 'task-error';
  message: string;
}

/** A line for worker.log; `pid` names the process the line is about (default: the worker). */
export interface TaskLogLine {
  kind: 'log';
  level: Level;
  msg: string;
  pid?: number;
}

/** What the task produced; the worker keeps it by task id (runner.ts, its result cache). */
export interface TaskResult {
  kind: 'task-result';
  value: unknown;
  /** a file the task wrote its output to: the worker reads it in as the value, then removes it */
  file?: string;
}

/** The child is ready for the drain's SIGTERM (the reply to WorkerMessage 'drain'). */
export interface DrainAck {
  kind: 'drain-ack';
}

export type TaskMessage = TaskError | TaskLogLine | TaskResult | DrainAck | NativeCrash;

/** What the worker tells a task child: it is draining, and SIGTERM follows the child's DrainAck. */
export interface WorkerMessage {
  kind: 'drain';
}

/** Sends a message to the worker and waits until it is handed over (no-op outside a fork). */
export function tell(m: TaskMessage): Promise<void> {
  return new Promise((r) => (process.send ? process.send(m, () => r()) : r()));
}
