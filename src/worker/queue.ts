// The local task queue: a folder of task JSON files, or a JSON-lines file. A task is taken once:
// in a folder by rename(2) into claimed/PID/ (atomic, so of two workers one gets ENOENT); in a .jsonl
// file under an exclusive lock file, by moving the first line out into FILE.claimed (and FILE.inflight.PID
// until it is finished). PID is the claiming worker's: when it dies, recover() returns its tasks.
import { randomUUID } from 'node:crypto';
import {
  appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync,
  unlinkSync, writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';

export interface Task {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** how many times the task has been handed out, this time included; absent: the first */
  attempt?: number;
}

/** A claimed task and what to do with it once it has run. */
export interface Claim {
  task: Task;
  /** what identifies the task in its queue (its file name, or its line): claim()'s `skip` gets it */
  key: string;
  finish(outcome: 'done' | 'failed'): void;
  /** Puts the task back in the queue untouched (a worker that cannot run it). */
  release(): void;
}

/** Says which tasks (by Claim.key) this worker leaves to others. */
export type Skip = (key: string) => boolean;

const isJsonl = (queue: string) => queue.endsWith('.jsonl');
const STALE_LOCK_MS = 10_000;

export function newTask(type: string, payload: Record<string, unknown> = {}, id?: string): Task {
  return { id: id ?? `${type}-${randomUUID().slice(0, 8)}`, type, payload };
}

function parseTask(text: string): Task {
  const t = JSON.parse(text) as Partial<Task>;
  if (typeof t.type !== 'string') throw new Error('task has no type');
  const task: Task = { id: String(t.id ?? newTask(t.type).id), type: t.type, payload: t.payload ?? {} };
  if (typeof t.attempt === 'number' && t.attempt > 1) task.attempt = t.attempt;
  return task;
}

/** The task text handed out once more: its attempt counted up. */
function retried(text: string): { task: Task; text: string } {
  const task = parseTask(text);
  task.attempt = (task.attempt ?? 1) + 1;
  return { task, text: JSON.stringify(task) };
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

function claimFromFolder(queue: string, skip?: Skip): Claim | null {
  let names: string[];
  try {
    names = readdirSync(queue).filter((n) => n.endsWith('.json') && !n.startsWith('.') && !skip?.(n)).sort();
  } catch {
    return null;
  }
  const claimed = join(queue, 'claimed', String(process.pid));
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
      key: name,
      finish(outcome) {
        mkdirSync(join(queue, outcome), { recursive: true });
        renameSync(to, join(queue, outcome, basename(to)));
      },
      release: () => renameSync(to, join(queue, name)),
    };
  }
  return null;
}

const inflight = (queue: string, pid: number) => `${queue}.inflight.${pid}`;

// Drops one line from this worker's FILE.inflight.PID (only its owner writes it while it lives).
function landed(queue: string, line: string): void {
  const file = inflight(queue, process.pid);
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.indexOf(line);
    if (i >= 0) lines.splice(i, 1);
    if (lines.some((l) => l.trim())) writeFileSync(file, lines.join('\n'));
    else unlinkSync(file);
  } catch {
    /* nothing in flight */
  }
}

function claimFromJsonl(queue: string, skip?: Skip): Claim | null {
  const line = withLock(queue, () => {
    let text: string;
    try {
      text = readFileSync(queue, 'utf8');
    } catch {
      return null;
    }
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.trim() !== '' && !skip?.(l));
    if (i < 0) return null;
    const first = lines[i];
    const rest = [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
    // Record the claim before the task leaves the queue file: a crash in between repeats a task
    // rather than losing it.
    appendFileSync(`${queue}.claimed`, first + '\n');
    appendFileSync(inflight(queue, process.pid), first + '\n');
    writeFileSync(`${queue}.tmp`, rest);
    renameSync(`${queue}.tmp`, queue);
    return first;
  });
  if (line === null) return null;
  let task: Task;
  try {
    task = parseTask(line);
  } catch (err) {
    landed(queue, line); // a broken line is not in flight: FILE.claimed keeps it
    throw err;
  }
  return {
    task,
    key: line,
    finish(outcome) {
      appendFileSync(`${queue}.${outcome}`, line + '\n');
      landed(queue, line);
    },
    release() {
      withLock(queue, () => appendFileSync(queue, line + '\n'));
      landed(queue, line);
    },
  };
}

/** Takes the oldest task (passing over those `skip` names), or null when there is none. */
export function claim(queue: string, skip?: Skip): Claim | null {
  return isJsonl(queue) ? claimFromJsonl(queue, skip) : claimFromFolder(queue, skip);
}

/** Puts back the tasks a dead worker (pid) had claimed, each with its attempt counted up, at the head
 *  of the queue (a folder keeps their names, so they sort first again); returns them. */
export function recover(queue: string, pid: number): Task[] {
  const out: Task[] = [];
  if (isJsonl(queue)) {
    const file = inflight(queue, pid);
    let lines: string[];
    try {
      lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
    } catch {
      return out;
    }
    const back = lines.flatMap((l) => {
      try {
        return [retried(l)];
      } catch {
        return [];
      }
    });
    withLock(queue, () => {
      let rest = '';
      try {
        rest = readFileSync(queue, 'utf8');
      } catch {
        /* the queue file is gone: it holds just these now */
      }
      writeFileSync(`${queue}.tmp`, back.map((b) => b.text + '\n').join('') + rest);
      renameSync(`${queue}.tmp`, queue);
    });
    unlinkSync(file);
    return back.map((b) => b.task);
  }
  const dir = join(queue, 'claimed', String(pid));
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const from = join(dir, name);
    let back;
    try {
      back = retried(readFileSync(from, 'utf8'));
    } catch {
      continue; // unreadable: it stays in claimed/ for an operator, as it would have failed anyway
    }
    const tmp = join(queue, `.${name}.tmp`);
    writeFileSync(tmp, back.text);
    renameSync(tmp, join(queue, name));
    unlinkSync(from);
    out.push(back.task);
  }
  try {
    rmdirSync(dir);
  } catch {
    /* an unreadable task stayed */
  }
  return out;
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
