// `--follow FILE`: keeps reading a file as it grows, with `tail -F` semantics: a rename rotation
// (the old file read to its end, then the new one), a copytruncate (read again from 0), a file that
// appears later or is deleted and made again. chokidar says promptly that something happened; a slow
// poll catches what inotify misses. What to read is decided from stat and the descriptor held, never
// from the events, so a missed or doubled event costs latency, never a line.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { watch } from 'chokidar';
import { findCopy, holds, newerSiblings, type Generation } from './rotated-copy.js';
import { CHUNK_BYTES, type NoteKind, type OpenContext, type Source } from './source.js';

/** The safety net: how often to look when no event came. */
const POLL_MS = 1000;
/** After a rotation, how long the old file must stay quiet before an empty new file takes over. */
const ROTATE_GRACE_MS = 1000;
/** Bytes before the read position read again each time: a copytruncate that has already grown past
 * the position shows up as different bytes there. */
const CHECK_BYTES = 128;

/** Generations of content remembered, so that a copy of one is not read again. */
const PAST = 16;

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

/** One file held open: how far it was read, and what its content was seen to be. */
class Track {
  pos = 0;
  /** The last bytes read (up to CHECK_BYTES), which must still be found just before `pos`. */
  seen: Buffer = EMPTY;
  /** Its first bytes (up to CHECK_BYTES), as read or, while it waits its turn, as last looked at. */
  head: Buffer = EMPTY;
  /** While it waited its turn: the first bytes of content it lost to a copytruncate, oldest first. */
  readonly emptied: Buffer[] = [];
  constructor(readonly fh: FileHandle, readonly ino: number, readonly dev: number) {}
  is(ino: number, dev: number): boolean { return this.ino === ino && this.dev === dev; }
  generation(): Generation { return { head: this.head, pos: this.pos, seen: this.seen }; }
  restart(): void { [this.pos, this.seen, this.head] = [0, EMPTY, EMPTY]; }
}

/** One followed path: the file being read, the files that took its name since, what was read. */
class Tail {
  private cur: Track | null = null;
  /** Files found at the path after `cur`, opened at once (so a rotation cannot take them away) and
   * read in turn. */
  private readonly next: Track[] = [];
  /** Content read lately, so a copy of it that turns up under another name is not read again. */
  private readonly past: Generation[] = [];
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

  /** Reads all that is new, across a rotation; returns whether any bytes came. `last`: the final
   * look after an abort, which reads every file waiting its turn without waiting for the writer. */
  async *catchUp(last = false): AsyncGenerator<Buffer, boolean> {
    let got = this.cur ? yield* this.drain() : false;
    await this.look();
    while (last && this.cur && this.next.length) got = (yield* this.switchFile()) || got;
    if (!this.next.length) {
      this.rotatedAt = 0;
      return got; // the same file, or renamed away and not made again yet: the writer may still append to it
    }
    if (this.cur) {
      // Rotated. A writer appends to the old file until it reopens the path, so the old one is kept
      // until the new one has bytes (the writer has moved) or the old one has been quiet a while.
      const now = Date.now();
      if (got || !this.rotatedAt) this.rotatedAt = now;
      if (this.next.length === 1 && !this.next[0]!.head.length && now - this.rotatedAt < ROTATE_GRACE_MS) return got;
      return (yield* this.switchFile()) || got;
    }
    this.cur = this.next.shift()!;
    got = (yield* this.begin()) || got;
    return (yield* this.drain()) || got;
  }

  /** The old file read to its end, then the next one from its start. */
  private async *switchFile(): AsyncGenerator<Buffer, boolean> {
    const old = this.cur!;
    let got = yield* this.drain();
    if (!this.endsWithNewline) yield NEWLINE; // not glued to the new file's first line
    this.endsWithNewline = true;
    this.remember(old.generation());
    const left = (await old.fh.stat()).mtimeMs;
    this.note(`${this.path}: rotated; reading the new file`);
    this.cur = this.next.shift()!;
    this.rotatedAt = 0;
    // Rotated files written since the writer left the old one: a file that took the path and was
    // rotated away before it was seen, or copied and emptied before its turn came.
    got = (yield* this.begin(left, old)) || got;
    await old.fh.close();
    return (yield* this.drain()) || got;
  }

  /** Looks at the path: a new file there is opened and queued; queued files are looked into. */
  private async look(): Promise<void> {
    const st = await stat(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.noteOnce(`${this.path}: ${err.code ?? err.message}; still trying`);
      return null;
    });
    if (!st && !this.cur && !this.next.length && !this.waitingNoted) {
      this.note(`${this.path}: not there yet; waiting for it to appear`);
      this.waitingNoted = true;
    }
    if (st && !this.cur?.is(st.ino, st.dev) && !this.next.some((t) => t.is(st.ino, st.dev))) await this.openPath();
    for (const t of this.next) await this.peek(t);
  }

  /** Keeps a waiting file's first bytes; when they changed, it was emptied (copied and truncated)
   * before its turn came, and the copy holds what it had. */
  private async peek(t: Track): Promise<void> {
    const { bytesRead } = await t.fh.read(this.buf, 0, CHECK_BYTES, 0);
    const now = this.buf.subarray(0, bytesRead);
    if (t.head.length && !(bytesRead >= t.head.length && now.subarray(0, t.head.length).equals(t.head))) t.emptied.push(t.head);
    t.head = Buffer.from(now);
  }

  /** Before reading a file from its start: the copies of what it held before it was emptied, then
   * past what was already read of it under another name. */
  private async *begin(since?: number, old?: Track): AsyncGenerator<Buffer, boolean> {
    const t = this.cur!;
    let got = yield* this.settle(t);
    if (since !== undefined) got = (yield* this.readMissed(since, old)) || got;
    got = (yield* this.settle(t)) || got;
    const gen = await this.readBefore(t.fh);
    if (gen) [t.pos, t.seen, t.head] = [gen.pos, gen.seen, gen.head];
    return got;
  }

  /** A file about to be read from its start: while its first bytes change under us (emptied again
   * and again by copytruncates), the copies of what it held are read first. */
  private async *settle(t: Track): AsyncGenerator<Buffer, boolean> {
    let got = false;
    for (let round = 0; round < 64; round++) {
      await this.peek(t);
      const emptied = t.emptied.splice(0);
      if (!emptied.length) break;
      for (const head of emptied) got = (yield* this.readCopy({ head, pos: 0, seen: EMPTY })) || got;
    }
    return got;
  }

  /** The content read lately that this file starts with, read furthest; null: none. */
  private async readBefore(fh: FileHandle): Promise<Generation | null> {
    const size = (await fh.stat()).size;
    let best: Generation | null = null;
    for (const gen of this.past) if ((!best || gen.pos > best.pos) && (await holds(fh, size, gen))) best = gen;
    return best;
  }

  private holding(ino: number, dev: number, old?: Track): boolean {
    return !!this.cur?.is(ino, dev) || !!old?.is(ino, dev) || this.next.some((t) => t.is(ino, dev));
  }

  /** Reads `cur` from its position to its end (on an abort: to its end as it is now). */
  private async *drain(): AsyncGenerator<Buffer, boolean> {
    const t = this.cur!;
    let end = Infinity;
    let got = false;
    while (t.pos < end) {
      // Once aborted, a writer that outpaces us must not keep us from ending.
      if (end === Infinity && this.signal?.aborted) end = (await t.fh.stat()).size;
      const back = t.seen.length;
      const from = t.pos - back;
      const { bytesRead } = await t.fh.read(this.buf, 0, this.buf.length, from);
      // From its start, what it was last seen to start with (looked at before reading) must be there.
      const headGone = from === 0 && !this.buf.subarray(0, bytesRead).subarray(0, t.head.length).equals(t.head);
      if (bytesRead < back || !this.buf.subarray(0, back).equals(t.seen) || headGone) {
        // Same file, but what we read is gone: copied away and truncated. What the copy has beyond
        // our position was never read; everything now in the file is new. What it starts with now
        // is noted first: a copy of that made while we read the others is then told apart.
        this.note(`${this.path}: truncated; reading again from its start`);
        const gen = t.generation();
        t.restart();
        await this.peek(t);
        got = (yield* this.readCopy(gen)) || got;
        got = (yield* this.settle(t)) || got;
        if (!this.endsWithNewline) yield NEWLINE;
        this.endsWithNewline = true;
        const before = await this.readBefore(t.fh);
        if (before) [t.pos, t.seen, t.head] = [before.pos, before.seen, before.head];
        this.inHole = !before;
        end = Infinity; // on an abort, measured again on the new content
        continue;
      }
      if (bytesRead === back) break;
      if (from === 0) t.head = Buffer.from(this.buf.subarray(0, Math.min(CHECK_BYTES, bytesRead)));
      let start = back;
      t.seen = Buffer.from(this.buf.subarray(Math.max(0, bytesRead - CHECK_BYTES), bytesRead));
      t.pos += bytesRead - back;
      const full = bytesRead === this.buf.length;
      if (this.inHole) {
        while (start < bytesRead && this.buf[start] === 0) start++;
        if (start === bytesRead) continue;
        this.inHole = false;
      }
      const fresh = Buffer.from(this.buf.subarray(start, bytesRead));
      this.endsWithNewline = fresh[fresh.length - 1] === 10;
      got = true;
      yield fresh;
      // Behind the writer: a file that takes the path meanwhile is opened and looked into now, so
      // a copytruncate of it before its turn is noticed.
      if (full) await this.look();
    }
    return got;
  }

  /** Reads the newest copy of `gen`'s content from `gen.pos` to its end, then the rotated files
   * written after that copy (more rotations before this one was noticed). */
  private async *readCopy(gen: Generation): AsyncGenerator<Buffer, boolean> {
    const copy = await findCopy(this.path, gen, (ino, dev) => this.holding(ino, dev));
    if (!copy) {
      this.remember(gen);
      return false;
    }
    let got = false;
    if (copy.size >= gen.pos) got = yield* this.readRest(copy.name, copy.fh, gen);
    else {
      // Read past it already: it only dates the rotation, for the ones after it.
      await copy.fh.close();
      this.remember(gen);
    }
    return (yield* this.readMissed(copy.mtimeMs, undefined, copy)) || got;
  }

  /** Reads the rotated files written at or after `since`, oldest first, each past what was read of
   * it already. */
  private async *readMissed(since: number, old?: Track, copy?: { ino: number; dev: number }): AsyncGenerator<Buffer, boolean> {
    let got = false;
    // Until a look finds nothing new: a file being renamed while the folder is listed can be
    // missing from that listing.
    for (let round = 0; round < 8; round++) {
      let again = false;
      for (const sib of await newerSiblings(this.path, since, (ino, dev) => this.holding(ino, dev, old), copy)) {
        const fh = await open(sib.name, 'r').catch(() => null);
        if (!fh) continue;
        const st = await fh.stat();
        if (!(st.ino === sib.ino && st.dev === sib.dev)) {
          // Another rotation shifted the names meanwhile: look again (what was read is skipped).
          await fh.close();
          again = true;
          break;
        }
        if (yield* this.readRest(sib.name, fh, { head: EMPTY, pos: 0, seen: EMPTY })) got = again = true;
      }
      if (!again) break;
    }
    return got;
  }

  /** Reads a rotated file, closing it, from `gen.pos` to its end; what was read is remembered. */
  private async *readRest(name: string, fh: FileHandle, from: Generation): AsyncGenerator<Buffer, boolean> {
    // Past what was read of it already, under this name or another.
    const before = await this.readBefore(fh);
    const gen = before && before.pos > from.pos ? before : from;
    let { head, pos, seen } = gen;
    try {
      for (;;) {
        const { bytesRead } = await fh.read(this.buf, 0, CHUNK_BYTES, pos);
        if (!bytesRead) break;
        const fresh = Buffer.from(this.buf.subarray(0, bytesRead));
        // Copies: a view would keep the whole chunk alive as long as it is remembered.
        if (pos === 0) head = Buffer.from(fresh.subarray(0, CHECK_BYTES));
        pos += bytesRead;
        seen = Buffer.from(fresh.subarray(Math.max(0, bytesRead - CHECK_BYTES)));
        this.endsWithNewline = fresh[bytesRead - 1] === 10;
        yield fresh;
      }
    } finally {
      await fh.close();
    }
    this.remember({ head, pos, seen });
    if (pos > gen.pos) this.note(`${name}: read ${pos - gen.pos} bytes of ${this.path} there, written before a rotation took them away`);
    if (!this.endsWithNewline) yield NEWLINE; // not glued to what comes next
    this.endsWithNewline = true;
    return pos > gen.pos;
  }

  private remember(gen: Generation): void {
    if (!gen.head.length) return;
    // One entry per content (as far as read), so the list covers PAST rotations, not PAST reads.
    const same = this.past.findIndex((p) => p.head.equals(gen.head));
    if (same >= 0) {
      if (this.past[same]!.pos > gen.pos) return;
      this.past.splice(same, 1);
    }
    this.past.unshift(gen);
    this.past.length = Math.min(this.past.length, PAST);
  }

  private async openPath(): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // ENOENT: gone again between stat and open; the next look finds it or waits.
      if (e.code !== 'ENOENT') this.noteOnce(`${this.path}: ${e.code === 'EACCES' ? 'permission denied' : e.message}; still trying`, 'input-error');
      return;
    }
    // The identity of what was opened, not of what stat saw a moment before.
    const st = await fh.stat();
    if (this.cur?.is(st.ino, st.dev) || this.next.some((t) => t.is(st.ino, st.dev))) {
      await fh.close();
      return;
    }
    this.next.push(new Track(fh, st.ino, st.dev));
    if (this.waitingNoted) this.note(`${this.path}: appeared; following it`);
    this.waitingNoted = false;
  }

  noteOnce(message: string, kind?: NoteKind): void {
    if (!this.problemsNoted.has(message)) this.note(message, kind);
    this.problemsNoted.add(message);
  }

  async close(): Promise<void> {
    for (const t of [this.cur, ...this.next.splice(0)]) await t?.fh.close();
    this.cur = null;
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
      const got = yield* tail.catchUp(last);
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
