// How many of the run's tasks have left the queue, read from queue.ts's folders (done/, failed/)
// or a JSON-lines queue's FILE.done and FILE.failed. A task is counted once, by its file name or id,
// so a task that ran again after a worker death is not counted twice.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface QueueState {
  completed: number;
  failed: number;
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
}

function idsIn(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim()).map((l) => {
    try {
      return String((JSON.parse(l) as { id?: unknown }).id ?? l);
    } catch {
      return l;
    }
  });
}

export function queueState(queue: string): QueueState {
  const jsonl = queue.endsWith('.jsonl');
  const done = new Set(jsonl ? idsIn(`${queue}.done`) : namesIn(join(queue, 'done')));
  const failed = new Set((jsonl ? idsIn(`${queue}.failed`) : namesIn(join(queue, 'failed'))).filter((k) => !done.has(k)));
  return { completed: done.size, failed: failed.size };
}
