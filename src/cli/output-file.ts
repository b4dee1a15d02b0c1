// --output: checked before the analysis starts (a long run must not end in "cannot write"), then
// written so that nothing but the report's own file changes. A regular file (or a new one) is
// written to a temporary file in its own folder and renamed into place, so a reader never sees half
// a report; it keeps the old file's mode and owner. A device, a FIFO or a socket is written
// directly: renaming over /dev/null (we may be root) would leave a regular file in its place. A
// symlink is followed to the file it names, which is written; the link stays. /dev/stdout and
// /dev/fd/N name our own descriptors, which are written to as they are.
import {
  accessSync, closeSync, constants, fchmodSync, fchownSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, rmSync,
  statSync, writeFileSync, type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

export function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'ENXIO') return 'nothing is reading it (a socket, or a FIFO without a reader)';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'EPIPE') return 'the reader has gone';
  if (code === 'EIO') return 'input/output error';
  return (err as Error).message;
}

/** How the report reaches `path`. */
type Plan =
  /** One of our own descriptors (/dev/stdout, /dev/fd/3): written to as it is. */
  | { how: 'fd'; fd: number }
  /** Written in place: `file` is opened with `flags` and written. */
  | { how: 'direct'; file: string; flags: string }
  /** A temporary file beside `file` renamed over it; `old` is the regular file it replaces. */
  | { how: 'replace'; file: string; old: Stats | null };

const MAX_LINKS = 40;

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function inProc(p: string): boolean {
  try {
    return /^\/proc(\/|$)/.test(realpathSync(dirname(p)));
  } catch {
    return false;
  }
}

/** Follows symlinks one at a time (not realpath: a dangling link still names where to write). */
function plan(path: string): Plan {
  let p = resolve(path);
  for (let hops = 0; ; hops++) {
    // /proc/self/fd/N is not a link to follow by hand (its target may be `pipe:[123]` or a socket,
    // which cannot be opened): our own descriptor is written to as it is, anything else in /proc
    // opened as it is, appending, so what a shell redirection set up is kept.
    if (inProc(p)) {
      const fd = /^\/proc\/(?:self|thread-self|(\d+))\/fd\/(\d+)$/.exec(realpathSync(dirname(p)) + '/' + basename(p));
      if (fd && (!fd[1] || Number(fd[1]) === process.pid)) {
        if (!lstatOrNull(p)) throw new UsageError(`--output ${path}: file descriptor ${fd[2]} is not open`);
        return { how: 'fd', fd: Number(fd[2]) };
      }
      return { how: 'direct', file: p, flags: 'a' };
    }
    const st = lstatOrNull(p);
    if (!st) return { how: 'replace', file: p, old: null };
    if (st.isDirectory()) throw new UsageError(`--output ${path}: is a folder`);
    if (st.isFile()) {
      // A file with several names is one file: replacing one name would split it from the others.
      return st.nlink > 1 ? { how: 'direct', file: p, flags: 'w' } : { how: 'replace', file: p, old: st };
    }
    if (!st.isSymbolicLink()) return { how: 'direct', file: p, flags: 'w' };
    if (hops === MAX_LINKS) throw new UsageError(`--output ${path}: ${why({ code: 'ELOOP' })}`);
    p = resolve(dirname(p), readlinkSync(p));
  }
}

/** Throws a UsageError naming --output when the report could not be written there. */
export function checkOutput(path: string): void {
  let how: Plan;
  try {
    how = plan(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--output ${path}: ${why(err)}`);
  }
  if (how.how === 'fd') return;
  if (how.how === 'direct') {
    try {
      accessSync(how.file, constants.W_OK);
    } catch (err) {
      throw new UsageError(`--output ${path}: cannot write ${how.file}: ${why(err)}`);
    }
    return;
  }
  const dir = dirname(how.file);
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    throw new UsageError(`--output ${path}: ${dir}: ${why(err)}`);
  }
  if (!st.isDirectory()) throw new UsageError(`--output ${path}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`--output ${path}: cannot write in ${dir}: ${why(err)}`);
  }
}

function writeDirect(file: string, flags: string, text: string): void {
  const fd = openSync(file, flags, 0o666);
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Returns false when the old file's owner cannot be kept (we are not root): the caller then
 *  writes in place rather than hand the report to a new owner. */
function replace(file: string, old: Stats | null, text: string): boolean {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', old ? old.mode & 0o7777 : 0o666);
    try {
      if (old) {
        // The umask narrowed the mode above; the old file's mode is what the user chose.
        fchmodSync(fd, old.mode & 0o7777);
        const st = lstatSync(tmp);
        if (st.uid !== old.uid || st.gid !== old.gid) {
          try {
            fchownSync(fd, old.uid, old.gid);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
            return false;
          }
        }
      }
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Where /dev/stdout and /dev/stderr go: the streams the rest of the output uses, so the report
 *  keeps its place after what was written there before it. */
export interface StdStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Writes the report to --output; a UsageError naming it when that fails (a full disk, say). */
export function writeOutput(path: string, text: string, std: StdStreams): void {
  try {
    const how = plan(path);
    if (how.how === 'fd') {
      if (how.fd === 1) std.stdout.write(text);
      else if (how.fd === 2) std.stderr.write(text);
      else writeFileSync(how.fd, text);
    } else if (how.how === 'direct') writeDirect(how.file, how.flags, text);
    else if (!replace(how.file, how.old, text)) writeDirect(how.file, 'w', text);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--output ${path}: cannot write the report: ${why(err)}`);
  }
}
