// What every source gives the pipeline: a kind, a name, and its bytes as an async stream.
import type { SourceKind } from '../types.js';

export interface Source {
  kind: SourceKind;
  name: string;
  /** The bytes, in chunks of any size; the pipeline aligns them on lines. */
  open(): AsyncIterable<Buffer>;
  /** dmesg captures carry no syslog host. */
  kernelOnly?: boolean;
  /** Epoch ms of boot, for monotonic kernel stamps. */
  bootTime?: number | null;
  /** Bytes on disk, when the source is a plain file. */
  size?(): number | undefined;
}

/** A user-facing input problem: the message names the input and what is wrong, in one line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const CHUNK_BYTES = 1 << 20;
