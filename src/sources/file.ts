// A log file on disk, plain or gzip, read as a stream of large chunks.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { SourceKind } from '../types.js';
import { CHUNK_BYTES, InputError, type Source } from './source.js';

const SNIFF_BYTES = 8192;

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

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** NUL bytes do not occur in text logs; a file with them is a core, an archive or an image. */
export function looksBinary(head: Buffer): boolean {
  return head.includes(0);
}

/** Checks the file can be read as a log; throws InputError naming the file and the problem. */
export function checkLogFile(path: string): { gzip: boolean; size: number } {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a folder`);
  let head: Buffer;
  try {
    head = sniff(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? (err as Error).message})`}`);
  }
  const gzip = isGzip(head);
  if (!gzip && looksBinary(head)) throw new InputError(`${path}: binary file, not a log; skipped`);
  return { gzip, size: st.size };
}

export function fileSource(path: string, kind: SourceKind = 'file', extra: Partial<Source> = {}): Source {
  return {
    kind,
    name: path,
    ...extra,
    size: () => statSync(path, { throwIfNoEntry: false })?.size,
    open(): AsyncIterable<Buffer> {
      const { gzip } = checkLogFile(path);
      const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
      return gzip ? stream.pipe(createGunzip({ chunkSize: 1 << 20 })) : stream;
    },
  };
}
