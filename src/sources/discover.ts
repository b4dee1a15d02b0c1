// Expands the paths a user names into sources: a file is a source; a folder gives its logs,
// dmesg captures and journal exports (recursively, a few levels deep). What a folder holds that is
// not read (binaries, pipes, devices, a subfolder that cannot be listed) is named in a note, so a
// report never looks healthy for want of reading.
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import type { SourceKind } from '../types.js';
import { compression } from './decompress.js';
import { fileSource, sniff } from './file.js';
import { isCoreName } from './cores.js';
import { journalSource } from './journal.js';
import { isStream } from './pipe.js';
import { type Source } from './source.js';
import { looksBinary } from './text-only.js';

const MAX_DEPTH = 4;
/** Not logs: configs, docs, code, expected reports, archives, and what other issues read (cores). */
const SKIP = /\.(ya?ml|toml|md|c|h|cc|so|o|ts|js|mjs|py|go|sh|html|xml|png|svg|tar|tar\.\w+|tgz|zip|pid|lock)$|^(core(\..*)?|.*\.core|clw-core\..*)$|^expected/;
/** Names listed in one note before "and N more". */
const LIST_MAX = 5;

/** dmesg captures are named so; their lines carry no syslog host. */
export function kindFor(path: string): SourceKind {
  const name = basename(path);
  if (/^(dmesg|kern)/.test(name)) return 'dmesg';
  if (/journal/.test(name) && /\.(json|jsonl|export)(\.(gz|zst|xz|lz4))?$/.test(name)) return 'journal';
  return 'file';
}

function sourceFor(path: string, found = false): Source {
  // A binary journal file is read through journalctl.
  if (/\.journal~?$/.test(path)) return journalSource(path);
  const kind = kindFor(path);
  return fileSource(path, kind, kind === 'dmesg' && basename(path).startsWith('dmesg') ? { kernelOnly: true } : {}, { found });
}

/** In a folder, an executable or an image beside the logs is passed over (with a note); named on
 *  its own it is an input error. Compressed files and NUL padding are left to the reader. */
function binaryInFolder(path: string): boolean {
  try {
    const head = sniff(path);
    return !compression(head) && looksBinary(head);
  } catch {
    return false;
  }
}

function special(st: Stats | Dirent): string | null {
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return null;
}

/** What one named folder gave, and what it held that was not read. */
interface Walk {
  files: { path: string; real: string; link: boolean }[];
  cores: string[];
  binary: string[];
  special: string[];
  notes: string[];
}

function walk(dir: string, depth: number, w: Walk): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    // The named folder itself: the caller says so; a subfolder: skipped, the rest is read.
    if (depth === 0) throw err;
    w.notes.push(`${dir}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); skipped, the rest was read`);
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH && e.name !== 'node_modules') walk(p, depth + 1, w);
      continue;
    }
    let st: Stats | Dirent = e;
    if (e.isSymbolicLink()) {
      // Links to files are followed (a `current.log` pointing at today's log); links to folders
      // are not, so a link back up cannot loop.
      try {
        st = statSync(p);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        w.notes.push(`${p}: ${code === 'ELOOP' ? 'symbolic link loop' : code === 'ENOENT' ? 'broken symbolic link' : `cannot follow the link (${code})`}; skipped`);
        continue;
      }
      if (st.isDirectory()) continue;
    }
    const odd = special(st);
    if (odd) w.special.push(`${p} (${odd})`);
    else if (!st.isFile()) continue;
    else if (isCoreName(e.name)) w.cores.push(p);
    else if (SKIP.test(e.name)) continue;
    else if (!/\.journal~?$/.test(e.name) && binaryInFolder(p)) w.binary.push(p);
    else w.files.push({ path: p, real: realpath(p), link: e.isSymbolicLink() });
  }
}

function realpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function list(names: string[]): string {
  const shown = names.slice(0, LIST_MAX).join(', ');
  return names.length > LIST_MAX ? `${shown} and ${names.length - LIST_MAX} more` : shown;
}

export interface Discovered {
  sources: Source[];
  /** Core dumps found in the folders: gdb reads them, not the line scanner. */
  cores: string[];
  /** Inputs the user named that cannot be read: the run exits 2. */
  errors: string[];
  /** What a folder held that was not read, and why. */
  notes: string[];
}

function statError(p: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return `${p}: symbolic link loop`;
  if (code === 'EACCES') return `${p}: permission denied`;
  return `${p}: cannot read (${code ?? (err as Error).message})`;
}

export function discover(paths: string[]): Discovered {
  const out: Discovered = { sources: [], cores: [], errors: [], notes: [] };
  // Each file is read once, however many links and names lead to it.
  const seen = new Set<string>();
  for (const p of paths) {
    let st;
    try {
      st = statSync(p, { throwIfNoEntry: false });
    } catch (err) {
      out.errors.push(statError(p, err));
      continue;
    }
    if (!st) {
      out.errors.push(lstatSync(p, { throwIfNoEntry: false }) ? `${p}: broken symbolic link` : `${p}: no such file or folder`);
      continue;
    }
    if (!st.isDirectory()) {
      // A pipe is read as a log, never opened as a core (gdb would wait on it).
      if (isCoreName(basename(p)) && st.isFile()) out.cores.push(p);
      else out.sources.push(sourceFor(p));
      seen.add(realpath(p));
      continue;
    }
    const w: Walk = { files: [], cores: [], binary: [], special: [], notes: [] };
    try {
      walk(p, 0, w);
    } catch (err) {
      out.errors.push(`${p}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    // A file and a link to it: the file's own name is kept.
    const files = [...w.files.filter((f) => !f.link), ...w.files.filter((f) => f.link)].filter((f) => !seen.has(f.real) && seen.add(f.real));
    const order = new Map(w.files.map((f, i) => [f, i]));
    files.sort((a, b) => order.get(a)! - order.get(b)!);
    out.notes.push(...w.notes);
    if (w.binary.length) out.notes.push(`${p}: ${w.binary.length} binary file${w.binary.length === 1 ? '' : 's'} skipped, not logs: ${list(w.binary)}`);
    if (w.special.length) out.notes.push(`${p}: ${w.special.length} pipe${w.special.length === 1 ? '' : 's'} or device${w.special.length === 1 ? '' : 's'} skipped (a folder is searched for files only; name a pipe to read it): ${list(w.special)}`);
    out.cores.push(...w.cores);
    // This folder's own finds: cores of an earlier path do not make an empty folder count.
    if (!files.length && !w.cores.length) out.errors.push(`${p}: the folder holds no log files`);
    out.sources.push(...files.map((f) => sourceFor(f.path, true)));
  }
  return out;
}
