// After a copytruncate, what the follower had not read yet is only in the copy the rotation made
// (PATH.1, PATH-20261203, ...). A copy is known by its content, not its name: the same first bytes
// as the file had when it was read, and the same bytes just before the offset it was read to.
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const EMPTY = Buffer.alloc(0);

/** What was read of one file's content: its first bytes, how far, and the bytes just before that. */
export interface Generation {
  head: Buffer;
  pos: number;
  seen: Buffer;
}

/** The newest siblings looked at: a rotation's copy is the newest one; more cover the rotations
 * that came after it (and shifted the numbers) while the follower was busy. */
const CANDIDATES = 32;

/** Whether the file holds `gen`'s content up to `gen.pos` (it may hold more). */
export async function holds(fh: FileHandle, size: number, gen: Generation): Promise<boolean> {
  if (!gen.head.length || size < gen.pos || size < gen.head.length) return false;
  const at = async (offset: number, want: Buffer) => {
    const buf = Buffer.alloc(want.length);
    const { bytesRead } = await fh.read(buf, 0, want.length, offset);
    return bytesRead === want.length && buf.equals(want);
  };
  return (await at(0, gen.head)) && (await at(gen.pos - gen.seen.length, gen.seen));
}

/** Compressed rotations are not read: their bytes are not lines. */
const COMPRESSED = /\.(gz|xz|zst|bz2|lz4|zip|Z)$/;

export interface Sibling { name: string; mtimeMs: number; size: number; ino: number; dev: number }

/** The plain files named like a rotation of `path` (PATH.1, PATH-20261203, PATH_old). */
async function siblings(path: string): Promise<Sibling[]> {
  const dir = dirname(path);
  const base = basename(path);
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.length > base.length && n.startsWith(base) && '.-_'.includes(n[base.length]!) && !COMPRESSED.test(n));
  const found = await Promise.all(names.map(async (n) => ({ name: join(dir, n), st: await stat(join(dir, n)).catch(() => null) })));
  return found.filter((f) => f.st?.isFile()).map(({ name, st }) => ({ name, mtimeMs: st!.mtimeMs, size: st!.size, ino: st!.ino, dev: st!.dev }));
}

/** Oldest first: by the time of their last write, and within one clock tick (copies made in a
 * burst) by their numbers, PATH.2 before PATH.1. */
function oldestFirst(a: Sibling, b: Sibling): number {
  if (a.mtimeMs !== b.mtimeMs) return a.mtimeMs - b.mtimeMs;
  const [na, nb] = [/\.(\d+)$/.exec(a.name)?.[1], /\.(\d+)$/.exec(b.name)?.[1]];
  return na && nb ? Number(nb) - Number(na) : a.name < b.name ? -1 : 1;
}

/** Siblings of `path` written to at or after `since` (and after the file `after`), oldest first,
 * but for those `skip` rejects: generations of the path that went by between two looks (a second
 * rotation before the first was noticed). */
export async function newerSiblings(path: string, since: number, skip: (ino: number, dev: number) => boolean, after?: { ino: number; dev: number }): Promise<Sibling[]> {
  const sorted = (await siblings(path)).filter((f) => f.mtimeMs >= since).sort(oldestFirst);
  const at = sorted.findIndex((f) => f.ino === after?.ino && f.dev === after.dev);
  return sorted
    .slice(at + 1)
    .filter((f) => !skip(f.ino, f.dev))
    .slice(0, CANDIDATES);
}

/** The newest sibling of `path` holding `gen` (not one `skip` rejects: the files already held),
 * opened; null when there is none. A copy shorter than `gen.pos` with the same first bytes was made
 * before the follower's last read (it read on until the truncation): it holds nothing unread, and
 * comes back with `size` below `gen.pos`. */
export async function findCopy(path: string, gen: Generation, skip: (ino: number, dev: number) => boolean): Promise<Copy | null> {
  if (!gen.head.length) return null; // nothing read, nothing to recognise it by
  // A name being shifted (PATH.1 -> PATH.2) while the folder is listed can be missing from the
  // listing: looked for again a moment later before giving up.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 20));
    const copy = await lookForCopy(path, gen, skip);
    if (copy) return copy;
  }
  return null;
}

interface Copy { name: string; fh: FileHandle; size: number; mtimeMs: number; ino: number; dev: number }

async function lookForCopy(path: string, gen: Generation, skip: (ino: number, dev: number) => boolean): Promise<Copy | null> {
  const newest = (await siblings(path))
    .filter((f) => !skip(f.ino, f.dev) && f.size >= gen.head.length)
    .sort((a, b) => oldestFirst(b, a))
    .slice(0, CANDIDATES);
  for (const { name } of newest) {
    const fh = await open(name, 'r').catch(() => null);
    if (!fh) continue;
    const st = await fh.stat();
    const read = st.size < gen.pos ? { head: gen.head, pos: st.size, seen: EMPTY } : gen;
    if (!skip(st.ino, st.dev) && (await holds(fh, st.size, read))) return { name, fh, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev };
    await fh.close();
  }
  return null;
}
