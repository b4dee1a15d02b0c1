// A log named by its path, read as a stream of large chunks: a plain file, a pipe (a FIFO,
// /dev/fd/N) read once in order, and either of them compressed (gzip, zstd, xz, lz4).
import { createReadStream, openSync, readSync, closeSync, statSync, type Stats } from 'node:fs';
import type { SourceKind } from '../types.js';
import { decompressed } from './decompress.js';
import { isStream, readPipe } from './pipe.js';
import { CHUNK_BYTES, InputError, type OpenContext, type Source } from './source.js';
import { statQuiet } from './stat.js';
import { textOnly } from './text-only.js';

const SNIFF_BYTES = 8192;

/** The first bytes of a regular file (never call it on a pipe: they would be lost to the reader). */
export function sniff(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  return `cannot read (${code ?? (err as Error).message})`;
}

/** What the path is, or an InputError naming it and the problem. */
function checkPath(path: string): Stats {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new InputError(`${path}: ${why(err)}`);
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a folder`);
  if (st.isSocket()) throw new InputError(`${path}: is a socket, not a file`);
  if (st.isBlockDevice()) throw new InputError(`${path}: is a block device, not a log`);
  return st;
}

function readFile(path: string): AsyncIterable<Buffer> {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new InputError(`${path}: ${why(err)}`);
  }
  return createReadStream('', { fd, highWaterMark: CHUNK_BYTES });
}

export interface FileOptions {
  /** Found in a folder rather than named: a binary file or a missing unpacker is a note, not an
   *  input error. */
  found?: boolean;
}

async function* readLog(path: string, ctx: OpenContext, opts: FileOptions): AsyncGenerator<Buffer> {
  const st = checkPath(path);
  const raw = isStream(st) ? readPipe(path, ctx.signal) : readFile(path);
  const note = (m: string) => ctx.note?.(m);
  const text = decompressed(raw, { name: path, missing: (m) => ctx.note?.(m, opts.found ? undefined : 'input-error') });
  yield* textOnly(text, { name: path, note, named: !opts.found });
}

export function fileSource(path: string, kind: SourceKind = 'file', extra: Partial<Source> = {}, opts: FileOptions = {}): Source {
  const st = statQuiet(path);
  const pipe = st !== undefined && isStream(st);
  return {
    kind,
    name: path,
    ...extra,
    // A pipe has no size, and cannot be read twice.
    ...(pipe ? { pipe: true } : { size: () => statQuiet(path)?.size }),
    open: (ctx: OpenContext = {}) => readLog(path, ctx, opts),
  };
}
