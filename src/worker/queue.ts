// The local task queue: a folder of task JSON files, or a JSON-lines file. A task is taken once:
// in a folder by rename(2) into claimed/PID/ (atomic, so of two workers one gets ENOENT); in a .jsonl
// file under an exclusive lock file, by moving the first line out into FILE.claimed (and FILE.inflight.PID
// until it is finished). PID is the claiming worker's: when it dies, recover() returns its tasks.
import { randomUUID } from 'node:crypto';
import {
  appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync,
  unlinkSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

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

/** The task files of a queue folder (or of its done/, failed/, claimed/PID/), oldest first; [] when it is not there. */
function taskFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** The lines of a JSON-lines file that hold something; [] when it is not there. */
function taskLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  } catch {
    return [];
  }
}

/** Replaces a file's content through a temporary name, so no reader ever sees half of it. */
function replaceFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

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
  replaceFile(join(queue, `${Date.now()}-${process.hrtime.bigint()}-${task.id}.json`), JSON.stringify(task));
}

function claimFromFolder(queue: string, skip?: Skip): Claim | null {
  const names = taskFiles(queue).filter((n) => !skip?.(n));
  if (!names.length) return null;
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
    replaceFile(queue, rest);
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
    const lines = taskLines(file);
    if (!lines.length) return out;
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
      replaceFile(queue, back.map((b) => b.text + '\n').join('') + rest);
    });
    unlinkSync(file);
    return back.map((b) => b.task);
  }
  const dir = join(queue, 'claimed', String(pid));
  for (const name of taskFiles(dir)) {
    const from = join(dir, name);
    let back;
    try {
      back = retried(readFileSync(from, 'utf8'));
    } catch {
      continue; // unreadable: it stays in claimed/ for an operator, as it would have failed anyway
    }
    replaceFile(join(queue, name), back.text);
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
  return (isJsonl(queue) ? taskLines(queue) : taskFiles(queue)).length;
}

/** What identifies each task that ended so (its file name, or its id in a .jsonl queue). */
export function ended(queue: string, outcome: 'done' | 'failed'): string[] {
  if (!isJsonl(queue)) return taskFiles(join(queue, outcome));
  return taskLines(`${queue}.${outcome}`).map((l) => {
    try {
      return String((JSON.parse(l) as { id?: unknown }).id ?? l);
    } catch {
      return l;
    }
  });
}
