// A pipe named as a path: a FIFO (mkfifo) or /dev/fd/N (`clw-diag <(journalctl -o json)`). It is
// read once, in order, like standard input: no seeking, no size, and no second open to sniff it
// (that would swallow the bytes it read).
import { createReadStream, open, statSync, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { CHUNK_BYTES } from './source.js';
import { readUntilAborted } from './stdin.js';

const openAsync = promisify(open);

/** A FIFO or a character device (a terminal behind /dev/stdin): bytes that arrive, not a file. */
export function isStream(st: Stats): boolean {
  return st.isFIFO() || st.isCharacterDevice();
}

/** The pipe's bytes as they come. Opening a FIFO waits for its writer, as `cat` does. */
export async function* readPipe(path: string, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const fd = await openAsync(path, 'r');
  // A FIFO goes through the event loop (a socket), so an abort ends it even while it waits for
  // data; a file read would hold a thread until the writer spoke.
  const fifo = statSync(path).isFIFO();
  const stream = fifo ? new Socket({ fd, readable: true, writable: false }) : createReadStream('', { fd, highWaterMark: CHUNK_BYTES });
  try {
    yield* readUntilAborted(stream, signal);
  } finally {
    stream.destroy();
  }
}
