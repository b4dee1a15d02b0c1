// `--follow FILE`: keeps reading a file as it grows, with `tail -F` semantics: a rename rotation
// (the old file read to its end, then the new one), a copytruncate (read again from 0), a file that
// appears later or is deleted and made again. chokidar says promptly that something happened; a slow
// poll catches what inotify misses. What to read is decided from stat and the descriptor held, never
// from the events, so a missed or doubled event costs latency, never a line.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { watch } from 'chokidar';
import { CHUNK_BYTES, type NoteKind, type OpenContext, type Source } from './source.js';

/** The safety net: how often to look when no event came. */
const POLL_MS = 1000;
/** After a rotation, how long the old file must stay quiet before an empty new file takes over. */
const ROTATE_GRACE_MS = 1000;
/** Bytes before the read position read again each time: a copytruncate that has already grown past
 * the position shows up as different bytes there. */
const CHECK_BYTES = 128;

const NEWLINE = Buffer.from('\n');
const EMPTY = Buffer.alloc(0);

/** Wakes the loop on an event, the poll or an abort; an event that comes while reading is kept. */
class Wakeup {
  private pending = false;
  private release: (() => void) | null = null;
  readonly notify = () => { this.pending = true; this.release?.(); };
  wait(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(() => this.release?.(), ms);
      this.release = () => { clearTimeout(timer); this.release = null; this.pending = false; done(); };
      if (this.pending) this.release();
    });
  }
}

/** Calls `onChange` on any change to the path's name or its file. */
function watchFor(path: string, onChange: () => void, onError: (code: string) => void): () => Promise<void> {
  const file = resolve(path);
  const dir = dirname(file);
  const name = basename(file);
  // The folder, not the file: a watch on the file follows its inode away on a rename and never sees
  // a new file of that name appear.
  const watcher = watch(dir, { depth: 0, ignoreInitial: true, atomic: false, persistent: false, ignored: (p) => p !== dir && p !== file });
  // chokidar's own `change` is throttled to one per 50 ms and skipped when mtime did not move (a
  // truncation, two writes in one clock tick); `raw` is every inotify event, unfiltered.
  watcher.on('raw', (_event, evPath) => { if (!evPath || basename(evPath) === name) onChange(); });
  watcher.on('all', onChange);
  // Whatever was written between the first read and the watch taking hold.
  watcher.on('ready', onChange);
  // Out of inotify watches, say: the poll goes on, slower.
  watcher.on('error', (err) => onError((err as NodeJS.ErrnoException).code ?? String(err)));
  return () => watcher.close();
}

/** One followed path: the descriptor held, how far it was read, and what was seen last. */
class Tail {
  private fh: FileHandle | null = null;
  private ino = -1;
  private dev = -1;
  private pos = 0;
  /** The last bytes read (up to CHECK_BYTES), which must still be found just before `pos`. */
  private seen = EMPTY;
  private endsWithNewline = true;
  /** After a truncation: a writer without O_APPEND goes on at its old offset, leaving a hole of NULs
   * before it, which is skipped rather than handed on as one long line. */
  private inHole = false;
  /** When the path was first seen naming another file while the old one still gave bytes; 0: not. */
  private rotatedAt = 0;
  private waitingNoted = false;
  private readonly problemsNoted = new Set<string>();
  private readonly buf = Buffer.allocUnsafe(CHECK_BYTES + CHUNK_BYTES);

  constructor(private readonly path: string, private readonly note: (m: string, kind?: NoteKind) => void, private readonly signal?: AbortSignal) {}

  /** Reads all that is new, across a rotation; returns whether any bytes came. */
  async *catchUp(): AsyncGenerator<Buffer, boolean> {
    let got = this.fh ? yield* this.drain() : false;
    const st = await stat(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.noteOnce(`${this.path}: ${err.code ?? err.message}; still trying`);
      return null;
    });
    if (!st) {
      if (!this.fh && !this.waitingNoted) this.note(`${this.path}: not there yet; waiting for it to appear`);
      this.waitingNoted ||= !this.fh;
      return got; // renamed away and not made again yet: the writer may still append to the old file
    }
    if (this.fh && st.ino === this.ino && st.dev === this.dev) {
      this.rotatedAt = 0;
      return got;
    }
    if (this.fh) {
      // Rotated. A writer appends to the old file until it reopens the path, so the old one is kept
      // until the new one has bytes (the writer has moved) or the old one has been quiet a while.
      const now = Date.now();
      if (got || !this.rotatedAt) this.rotatedAt = now;
      if (st.size === 0 && now - this.rotatedAt < ROTATE_GRACE_MS) return got;
      got = (yield* this.drain()) || got;
      if (!this.endsWithNewline) yield NEWLINE; // not glued to the new file's first line
      await this.close();
      this.note(`${this.path}: rotated; reading the new file`);
    }
    if (!(await this.openPath())) return got;
    return (yield* this.drain()) || got;
  }

  /** Reads the held descriptor from its position to its end (on an abort: to its end as it is now). */
  private async *drain(): AsyncGenerator<Buffer, boolean> {
    const fh = this.fh!;
    let end = Infinity;
    let got = false;
    while (this.pos < end) {
      // Once aborted, a writer that outpaces us must not keep us from ending.
      if (end === Infinity && this.signal?.aborted) end = (await fh.stat()).size;
      const back = this.seen.length;
      const { bytesRead } = await fh.read(this.buf, 0, this.buf.length, this.pos - back);
      if (bytesRead < back || !this.buf.subarray(0, back).equals(this.seen)) {
        // Same file, but what we read is gone: copied away and truncated. Everything in it is new.
        this.note(`${this.path}: truncated; reading again from its start`);
        if (!this.endsWithNewline) yield NEWLINE;
        this.restart();
        this.inHole = true;
        end = Infinity; // on an abort, measured again on the new content
        continue;
      }
      if (bytesRead === back) break;
      let start = back;
      this.seen = Buffer.from(this.buf.subarray(Math.max(0, bytesRead - CHECK_BYTES), bytesRead));
      this.pos += bytesRead - back;
      if (this.inHole) {
        while (start < bytesRead && this.buf[start] === 0) start++;
        if (start === bytesRead) continue;
        this.inHole = false;
      }
      const fresh = Buffer.from(this.buf.subarray(start, bytesRead));
      this.endsWithNewline = fresh[fresh.length - 1] === 10;
      got = true;
      yield fresh;
    }
    return got;
  }

  private async openPath(): Promise<boolean> {
    try {
      this.fh = await open(this.path, 'r');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // ENOENT: gone again between stat and open; the next look finds it or waits.
      if (e.code !== 'ENOENT') this.noteOnce(`${this.path}: ${e.code === 'EACCES' ? 'permission denied' : e.message}; still trying`, 'input-error');
      return false;
    }
    // The identity of what was opened, not of what stat saw a moment before.
    const st = await this.fh.stat();
    this.ino = st.ino;
    this.dev = st.dev;
    this.rotatedAt = 0;
    this.restart();
    if (this.waitingNoted) this.note(`${this.path}: appeared; following it`);
    this.waitingNoted = false;
    return true;
  }

  private restart(): void {
    [this.pos, this.seen, this.endsWithNewline, this.inHole] = [0, EMPTY, true, false];
  }

  noteOnce(message: string, kind?: NoteKind): void {
    if (!this.problemsNoted.has(message)) this.note(message, kind);
    this.problemsNoted.add(message);
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}

async function* follow(path: string, ctx: OpenContext): AsyncGenerator<Buffer> {
  const { signal } = ctx;
  const wake = new Wakeup();
  const tail = new Tail(path, ctx.note ?? (() => {}), signal);
  const stopWatching = watchFor(path, wake.notify, (code) => tail.noteOnce(`${path}: cannot watch for changes (${code}); looking every ${POLL_MS / 1000} s instead`));
  signal?.addEventListener('abort', wake.notify, { once: true });
  try {
    for (;;) {
      // One more look after an abort: what was written before Ctrl-C belongs in the report.
      const last = signal?.aborted ?? false;
      const got = yield* tail.catchUp();
      if (last) return;
      if (!got) await wake.wait(POLL_MS);
    }
  } finally {
    signal?.removeEventListener('abort', wake.notify);
    await tail.close();
    await stopWatching();
  }
}

export function followSource(path: string, kind: Source['kind'] = 'file'): Source {
  return { kind, name: path, live: true, open: (ctx = {}) => follow(path, ctx) };
}
