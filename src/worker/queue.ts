// The local task queue: a folder of task JSON files, or a JSON-lines file. A task is taken once:
// in a folder by rename(2) into claimed/ (atomic, so of two workers one gets ENOENT); in a .jsonl
// file under an exclusive lock file, by moving the first line out into FILE.claimed.
import { randomUUID } from 'node:crypto';
import {
  appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync,
  unlinkSync, writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';

export interface Task {
  id: string;
  type: string;
  payload: Record<string, unknown>;
}

/** A claimed task and what to do with it once it has run. */
export interface Claim {
  task: Task;
  finish(outcome: 'done' | 'failed'): void;
}

const isJsonl = (queue: string) => queue.endsWith('.jsonl');
const STALE_LOCK_MS = 10_000;

export function newTask(type: string, payload: Record<string, unknown> = {}, id?: string): Task {
  return { id: id ?? `${type}-${randomUUID().slice(0, 8)}`, type, payload };
}

function parseTask(text: string): Task {
  const t = JSON.parse(text) as Partial<Task>;
  if (typeof t.type !== 'string') throw new Error('task has no type');
  return { id: String(t.id ?? newTask(t.type).id), type: t.type, payload: t.payload ?? {} };
}

// An exclusive lock file; a lock left behind by a dead process is broken after STALE_LOCK_MS.
function withLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
      } catch {
        /* gone meanwhile */
      }
      // Holders keep the lock for microseconds; a second of waiting means something is wrong.
      if (i > 200) throw new Error(`queue lock ${lock} held too long`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    return fn();
  } finally {
    unlinkSync(lock);
  }
}

/** Adds a task; the folder form writes a temporary name first so no reader sees half a file. */
export function enqueue(queue: string, task: Task): void {
  if (isJsonl(queue)) {
    withLock(queue, () => appendFileSync(queue, JSON.stringify(task) + '\n'));
    return;
  }
  mkdirSync(queue, { recursive: true });
  const name = `${Date.now()}-${process.hrtime.bigint()}-${task.id}.json`;
  const tmp = join(queue, `.${name}.tmp`);
  writeFileSync(tmp, JSON.stringify(task));
  renameSync(tmp, join(queue, name));
}

function claimFromFolder(queue: string): Claim | null {
  let names: string[];
  try {
    names = readdirSync(queue).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch {
    return null;
  }
  const claimed = join(queue, 'claimed');
  mkdirSync(claimed, { recursive: true });
  for (const name of names) {
    const to = join(claimed, name);
    try {
      renameSync(join(queue, name), to);
    } catch {
      continue; // another worker took it
    }
    let task: Task;
    try {
      task = parseTask(readFileSync(to, 'utf8'));
    } catch (err) {
      // A broken task file goes to failed/ so it is neither retried forever nor lost.
      mkdirSync(join(queue, 'failed'), { recursive: true });
      renameSync(to, join(queue, 'failed', name));
      throw new Error(`${name}: ${(err as Error).message}`);
    }
    return {
      task,
      finish(outcome) {
        mkdirSync(join(queue, outcome), { recursive: true });
        renameSync(to, join(queue, outcome, basename(to)));
      },
    };
  }
  return null;
}

function claimFromJsonl(queue: string): Claim | null {
  const line = withLock(queue, () => {
    let text: string;
    try {
      text = readFileSync(queue, 'utf8');
    } catch {
      return null;
    }
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.trim() !== '');
    if (i < 0) return null;
    const first = lines[i];
    const rest = lines.slice(i + 1).join('\n');
    // Record the claim before the task leaves the queue file: a crash in between repeats a task
    // rather than losing it.
    appendFileSync(`${queue}.claimed`, first + '\n');
    writeFileSync(`${queue}.tmp`, rest);
    renameSync(`${queue}.tmp`, queue);
    return first;
  });
  if (line === null) return null;
  const task = parseTask(line);
  return {
    task,
    finish(outcome) {
      appendFileSync(`${queue}.${outcome}`, line + '\n');
    },
  };
}

/** Takes the oldest task, or null when the queue is empty. */
export function claim(queue: string): Claim | null {
  return isJsonl(queue) ? claimFromJsonl(queue) : claimFromFolder(queue);
}

/** Tasks waiting (not claimed). */
export function pending(queue: string): number {
  try {
    if (isJsonl(queue)) return readFileSync(queue, 'utf8').split('\n').filter((l) => l.trim()).length;
    return readdirSync(queue).filter((n) => n.endsWith('.json') && !n.startsWith('.')).length;
  } catch {
    return 0;
  }
}
