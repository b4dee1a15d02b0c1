// `--journal [UNIT|FILE|DIR|DIR:UNIT]`: journald through `journalctl -o json`, streamed: the whole
// journal, one unit (globs allowed: clw-worker@*.service), a .journal file, a folder of them, a
// file or folder narrowed to a unit (`/var/log/journal/remote:clw-worker@*.service`), or a
// `journalctl -o json` export read as a file. --since/--until go to journalctl, so the window is
// cut on journald's own timestamps before a byte is read.
import { accessSync, closeSync, constants, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { commandOutput } from './command.js';
import { fileSource } from './file.js';
import { InputError, type OpenContext, type Source } from './source.js';
import { entryExists, statQuiet } from './stat.js';

export interface JournalOptions {
  since?: number | null;
  until?: number | null;
  follow?: boolean;
}

export type JournalTarget =
  | { kind: 'journalctl'; name: string; file?: string; directory?: string; unit?: string }
  | { kind: 'export'; file: string }
  | { kind: 'missing'; path: string };

/** Where journald keeps the system journal: persistent, then volatile. */
export const JOURNAL_DIRS = ['/var/log/journal', '/run/log/journal'];

/** The first bytes of every journal file. */
const JOURNAL_MAGIC = 'LPKSHHRH';
const JOURNAL_FILE = /\.journal~?$/;
/** Names only a file has: a unit name never holds a slash, and these suffixes are not unit types. */
const FILE_LIKE = /\/|\.(journal~?|json|jsonl|ndjson|export|log|txt)$/;

function head(path: string, bytes = 64): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isJournalFile(path: string): boolean {
  return JOURNAL_FILE.test(path) || head(path, JOURNAL_MAGIC.length).toString('latin1') === JOURNAL_MAGIC;
}

/** A path that exists as a folder or a journal file, as journalctl's --directory= or --file=. */
function asJournalPath(path: string): { directory: string } | { file: string } | null {
  const st = statQuiet(path);
  if (st?.isDirectory()) return { directory: path };
  if (st?.isFile() && isJournalFile(path)) return { file: path };
  return null;
}

/** Reads what the user gave --journal. A path that exists wins; then `PATH:UNIT`; then a unit. */
export function journalTarget(target: string | undefined): JournalTarget {
  if (!target) return { kind: 'journalctl', name: 'journal' };
  // A link loop is there too: the reader names it.
  if (statQuiet(target) || entryExists(target)) {
    const path = asJournalPath(target);
    return path ? { kind: 'journalctl', name: target, ...path } : { kind: 'export', file: target };
  }
  for (let i = target.indexOf(':'); i > 0; i = target.indexOf(':', i + 1)) {
    const unit = target.slice(i + 1);
    const path = unit && !unit.includes('/') ? asJournalPath(target.slice(0, i)) : null;
    if (path) return { kind: 'journalctl', name: target, unit, ...path };
  }
  if (FILE_LIKE.test(target)) return { kind: 'missing', path: target };
  return { kind: 'journalctl', name: `journal:${target}`, unit: target };
}

/** journalctl's arguments for a selection and a window (whole seconds, widened to cover it). */
export function journalctlArgs(t: Extract<JournalTarget, { kind: 'journalctl' }>, opts: JournalOptions = {}): string[] {
  const args = ['-o', 'json', '--no-pager'];
  if (t.file) args.push(`--file=${t.file}`);
  if (t.directory) args.push(`--directory=${t.directory}`);
  if (t.unit) args.push(`--unit=${t.unit}`);
  if (opts.since != null) args.push(`--since=@${Math.floor(opts.since / 1000)}`);
  if (opts.until != null) args.push(`--until=@${Math.ceil(opts.until / 1000)}`);
  if (opts.follow) args.push('--follow');
  return args;
}

/** A machine id (128 bits in hex, bare or as a UUID): the only subfolders journalctl reads. */
const MACHINE_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Journal files in a folder and its machine-id subfolders, as journalctl --directory reads them. */
export function journalFiles(dir: string, depth = 1): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isFile() && JOURNAL_FILE.test(e.name)) return [p];
    return e.isDirectory() && depth > 0 && MACHINE_ID.test(e.name) ? journalFiles(p, depth - 1) : [];
  });
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why there is nothing to read, before journalctl is asked: no journal files, or none readable. */
export function journalProblem(t: Extract<JournalTarget, { kind: 'journalctl' }>, dirs = JOURNAL_DIRS): string | null {
  if (t.file) return null;
  const where = t.directory ? [t.directory] : dirs;
  const files = where.flatMap((d) => journalFiles(d));
  if (!files.length) {
    return t.directory
      ? `${t.directory}: no journal files (*.journal) in this folder; the journal was not read`
      : `${t.name}: no journal on this machine (no journal files in ${dirs.join(' or ')}: journald is not running here, or keeps no log with Storage=none); give --journal a .journal file, a folder of them, or a \`journalctl -o json\` export`;
  }
  if (!files.some(readable)) {
    return `${t.name}: the journal files in ${where.join(' and ')} are not readable by this user; run as root or join the systemd-journal group (usermod -aG systemd-journal USER)`;
  }
  return null;
}

function missingNote(t: Extract<JournalTarget, { kind: 'journalctl' }>): string {
  const what = t.file ?? t.directory;
  return what
    ? `journalctl: not installed (it comes with systemd), so ${what} was not read; install systemd, or on a machine that has it run \`journalctl ${t.file ? '--file' : '--directory'}=${what} -o json > journal.json\` and pass --journal journal.json`
    : 'journalctl: not installed (it comes with systemd), so the journal was not read; where journald runs, save it with `journalctl -o json > journal.json` and pass --journal journal.json';
}

/** journalctl's own wording, where it says less than we can. */
function explain(t: Extract<JournalTarget, { kind: 'journalctl' }>, note: string): string {
  if (t.unit && /Failed to add filter for units: No data available/.test(note)) return `${t.name}: no unit matching ${t.unit} in the journal`;
  return note;
}

async function* viaJournalctl(t: Extract<JournalTarget, { kind: 'journalctl' }>, args: string[], ctx: OpenContext): AsyncGenerator<Buffer> {
  const problem = journalProblem(t);
  if (problem) {
    ctx.note?.(problem);
    return;
  }
  const note = ctx.note && ((n: string) => ctx.note?.(explain(t, n)));
  yield* commandOutput('journalctl', args, { ...ctx, note }, { missing: missingNote(t) });
}

/** `journalctl -o export` output is not lines of JSON: say how to turn it into a journal file. */
function exportFormatNote(file: string): string | null {
  const first = head(file, 256).toString('latin1');
  if (!/^(?:__CURSOR|__REALTIME_TIMESTAMP|_?[A-Z][A-Z0-9_]*)=/.test(first)) return null;
  return `${file}: journal export format (journalctl -o export), not JSON lines; turn it into a journal file with \`/lib/systemd/systemd-journal-remote --output=${file}.journal ${file}\` and pass --journal ${file}.journal`;
}

export function journalSource(target: string | undefined, opts: JournalOptions = {}): Source {
  const t = journalTarget(target);
  if (t.kind === 'missing') {
    return {
      kind: 'journal', name: t.path,
      open: () => { throw new InputError(`--journal ${t.path}: no such file or folder`); },
    };
  }
  if (t.kind === 'export') {
    const src = fileSource(t.file, 'journal');
    return {
      ...src,
      open(ctx: OpenContext = {}) {
        // A pipe is not sniffed: the bytes read would be lost to the reader.
        const problem = src.pipe ? null : exportFormatNote(t.file);
        if (problem) throw new InputError(problem);
        return src.open(ctx);
      },
    };
  }
  const args = journalctlArgs(t, opts);
  return {
    kind: 'journal',
    name: t.name,
    live: opts.follow,
    open: (ctx: OpenContext = {}) => viaJournalctl(t, args, ctx),
  };
}
