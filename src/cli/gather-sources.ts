// Turns the command line's inputs into sources: paths, worker logs, dmesg, the journal, standard
// input; --follow makes the files live.
import { existsSync } from 'node:fs';
import type { TimeWindow } from '../types.js';
import { dmesgSource } from '../sources/dmesg.js';
import { DEFAULT_CORE_DIRS, findCores } from '../sources/cores.js';
import { discover, kindFor } from '../sources/discover.js';
import { followSource } from '../sources/follow.js';
import { journalSource } from '../sources/journal.js';
import type { Source } from '../sources/source.js';
import { stdinSource } from '../sources/stdin.js';
import { workerLogSources } from '../sources/worker-logs.js';
import { UsageError } from './errors.js';
import { STDIN_PATH } from './stdin-arg.js';

const COMPRESSED = /\.(gz|zst|xz|lz4)$/;

export interface InputArgs {
  paths: string[];
  workerLogs?: string[];
  /** '' reads the live ring buffer; a path reads a capture. */
  dmesg?: string;
  /** '' reads the whole journal; a unit, a .journal file, a folder or a JSON export otherwise. */
  journal?: string;
  stream?: boolean;
  follow?: boolean;
  /** '' looks in the default places (/tmp, /var/lib/systemd/coredump, ./); a folder or a core otherwise. */
  cores?: string;
  /** Core files named directly (`clw-diag core FILE`). */
  coreFiles?: string[];
}

export interface Gathered {
  sources: Source[];
  cores: string[];
  errors: string[];
  notes: string[];
}

/** With --follow: a file grows; a pipe cannot be reopened, so it is read live, as standard input
 *  is; a compressed rotation does not grow and is read once. */
function followed(s: Source): Source {
  if (s.live) return s;
  if (s.pipe) return { ...s, live: true };
  return COMPRESSED.test(s.name) ? s : followSource(s.name, s.kind);
}

export function gatherSources(args: InputArgs, window: TimeWindow, stdin: NodeJS.ReadableStream, signal: AbortSignal): Gathered {
  const out: Gathered = { sources: [], cores: [...(args.coreFiles ?? [])], errors: [], notes: [] };
  const paths = args.paths.filter((p) => p !== STDIN_PATH);
  if (paths.length) {
    // With --follow a path not there yet is waited for (tail -F); without it, it is an error.
    const later = args.follow ? paths.filter((p) => !existsSync(p)) : [];
    const found = discover(paths.filter((p) => !later.includes(p)));
    out.sources.push(...(args.follow ? found.sources.map(followed) : found.sources));
    out.sources.push(...later.map((p) => followSource(p, kindFor(p))));
    out.cores.push(...found.cores);
    out.errors.push(...found.errors);
    out.notes.push(...found.notes);
  }
  if (args.workerLogs) {
    const logs = workerLogSources(args.workerLogs, window.since, args.follow);
    out.sources.push(...logs.sources);
    out.errors.push(...logs.errors);
    out.notes.push(...logs.notes);
  }
  if (args.dmesg !== undefined) out.sources.push(dmesgSource(args.dmesg || undefined, args.follow));
  if (args.journal !== undefined) out.sources.push(journalSource(args.journal || undefined, { ...window, follow: args.follow }));
  if (args.cores !== undefined) {
    // The default places may well not all exist; a folder the user named must.
    const found = findCores(args.cores ? [args.cores] : DEFAULT_CORE_DIRS.filter((d) => existsSync(d)), window.since);
    out.cores.push(...found.cores.filter((c) => !out.cores.includes(c)));
    out.errors.push(...found.errors);
    if (!found.cores.length && !found.errors.length) out.notes.push(`--cores: no core dumps in ${args.cores || DEFAULT_CORE_DIRS.join(', ')}${window.since !== null ? ' in the window' : ''}`);
  }
  if (args.stream || args.paths.includes(STDIN_PATH)) out.sources.push(stdinSource(stdin, signal));
  if (!out.sources.length && !out.cores.length && !out.errors.length && args.cores === undefined) {
    throw new UsageError('nothing to analyse: name files or folders, use --worker-logs, --dmesg, --journal or --cores, or pipe logs in with --stream');
  }
  return out;
}
