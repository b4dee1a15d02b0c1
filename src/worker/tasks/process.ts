// Task types that fail as processes do: blocked in a syscall for good, deaf to SIGTERM, out of file
// descriptors. Each runs in a forked task child (task-child.ts); the failure is the real one.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tell } from '../task-messages.js';
import { count, sleep } from './payload.js';


/** A line for worker.log under this task child's pid. */
const say = (level: 'INFO' | 'WARN', msg: string) => tell({ kind: 'log', level, msg, pid: process.pid });

/** This process's RLIMIT_NOFILE soft limit, from /proc/self/limits ("Max open files  64  64  files"). */
function nofileLimit(): string {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return line?.slice('Max open files'.length).trim().split(/\s+/)[0] ?? 'unknown';
}

export const PROCESS_TASK_TYPES: Record<string, (payload: Record<string, unknown>) => Promise<void>> = {
  // Reads a feed from a named pipe that no one ever writes to. It opens the FIFO read-write (so the
  // open itself does not wait for a writer), which means it holds the write end itself: no EOF can
  // ever come, and the synchronous read() blocks the main thread in the kernel until a signal.
  async 'read-fifo'() {
    const dir = mkdtempSync(join(tmpdir(), 'clw-feed-'));
    const fifo = join(dir, 'feed');
    let fd: number;
    try {
      execFileSync('mkfifo', [fifo]);
      fd = openSync(fifo, 'r+');
    } finally {
      // The open descriptor keeps the pipe; the name is not needed any more.
      rmSync(dir, { recursive: true, force: true });
    }
    await say('INFO', `reading feed from a named pipe (fd ${fd})`);
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, null);
    closeSync(fd);
    if (n === 0) throw new Error('feed closed before any data');
  },

  // Reconciles a ledger in `batches` batches of `ms` each. Its SIGTERM listener was meant only to log
  // the signal, but any listener replaces Node's default action (exit): the task runs on through
  // the worker's drain until the grace period's SIGKILL.
  async 'ignore-sigterm'(p) {
    const batches = Math.max(1, count(p.batches, 600));
    const ms = count(p.ms, 100);
    process.on('SIGTERM', () => void say('WARN', 'SIGTERM received; finishing the ledger batch first'));
    for (let i = 1; i <= batches; i++) {
      const until = Date.now() + Math.min(ms, 10);
      let x = i;
      while (Date.now() < until) x = (x * 31 + 7) % 1_000_003;
      await sleep(ms);
      if (i === 1 || i % 10 === 0) await say('INFO', `ledger batch ${i}/${batches} committed (checksum ${x})`);
    }
  },

  // Makes a thumbnail of each of up to `files` inputs, opening every input and never closing it. Under
  // task.max_open_files that ends in EMFILE; the error carries the limit and the descriptors open then.
  async 'leak-fds'(p) {
    const files = Math.max(1, count(p.files, 100_000));
    const limit = nofileLimit(); // read now: at the limit, reading it would need a descriptor too
    const dir = mkdtempSync(join(tmpdir(), 'clw-thumbs-'));
    const leaked: number[] = [];
    try {
      for (let i = 1; i <= files; i++) {
        const input = join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
        writeFileSync(input, 'jpeg');
        leaked.push(openSync(input, 'r')); // the leak: read for the thumbnail, never closed
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EMFILE') throw err;
      // Every slot is taken, so one leaked descriptor is closed to list /proc/self/fd; the listing's
      // own descriptor takes its slot, so the count is the one at the failure.
      const last = leaked.pop();
      if (last !== undefined) closeSync(last);
      const open = readdirSync('/proc/self/fd').length;
      throw new Error(`${(err as Error).message} (RLIMIT_NOFILE=${limit}, open=${open})`);
    } finally {
      for (const fd of leaked) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
