// What every source gives the pipeline: a kind, a name, and its bytes as an async stream.
import type { SourceKind } from '../types.js';

export interface OpenContext {
  /** Aborted on Ctrl-C or SIGTERM: a live source ends its stream cleanly. */
  signal?: AbortSignal;
  /** Something the user should know (a rotation, a missing journal); `kind` marks an input the
   *  user named that cannot be read, which makes the run exit 2. */
  note?: (message: string, kind?: NoteKind) => void;
}

/** 'input-error': an input the user named cannot be read (exit 2); otherwise a plain note. */
export type NoteKind = 'input-error';

export interface Source {
  kind: SourceKind;
  name: string;
  /** The bytes, in chunks of any size; the pipeline aligns them on lines. */
  open(ctx?: OpenContext): AsyncIterable<Buffer>;
  /** dmesg captures carry no syslog host. */
  kernelOnly?: boolean;
  /** Epoch ms of boot, for monotonic kernel stamps. */
  bootTime?: number | null;
  /** Bytes on disk, when the source is a plain file. */
  size?(): number | undefined;
  /** A pipe (a FIFO, /dev/fd/N): read once, in order; it cannot be reopened or followed. */
  pipe?: boolean;
  /** Keeps producing until aborted (stdin, --follow, a live journal): events are handed over at once. */
  live?: boolean;
}

/** A user-facing input problem: the message names the input and what is wrong, in one line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const CHUNK_BYTES = 1 << 20;
