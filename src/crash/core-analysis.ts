// The contract between the crash engine (gdb, backtraces, signatures) and the rest of clw-diag.
import type { CrashInfo, Frame } from '../types.js';

export interface CoreAnalysis {
  /** The core file read. */
  core: string;
  /** The crashed process as the core records it. */
  pid: number | null;
  /** Its command name (comm), as the kernel put it in the core. */
  process: string | null;
  /** When it dumped: the core file's mtime, epoch ms. */
  time: number;
  /**
   * The crash, or null when nothing in the core names a signal (not a core, garbage: see notes).
   * Without gdb (or when gdb gives up) it is still filled from the core's own notes: signal, fault
   * address, executable, threads, and the pc as one `??` frame, with a note saying what is missing.
   */
  crash: CrashInfo | null;
  /** What kind of crash it is, where it can be told. */
  kind: 'null-dereference' | 'stack-overflow' | 'assertion' | 'abort' | 'segfault' | 'signal' | null;
  /** Problems a user should know about: no gdb, a truncated core, a missing or different executable. */
  notes: string[];
  /** the core could not be read at all (missing, no permission): an input error, not a finding */
  unreadable?: boolean;
  /** Extension: the first frame that is not crash machinery (raise, abort, libc): the function to fix. */
  topFrame?: Frame | null;
  /** Extension: the normalised frame names `crash.signature` hashes, innermost first. */
  signatureFrames?: string[];
  /** Extension: true when this came from the per-core cache rather than a gdb run. */
  cached?: boolean;
}

export interface CoreOptions {
  /** The executable, when the user names it (`--exe`); otherwise read from the core. */
  exe?: string;
  /** gdb's time limit per core. */
  timeoutMs?: number;
  /** Where results are cached per core (path, size, mtime); null turns the cache off. */
  cacheDir?: string | null;
  /** Extension: the gdb to run (default `gdb` on PATH). */
  gdb?: string;
}
