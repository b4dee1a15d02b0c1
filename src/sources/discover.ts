// Expands the paths a user names into sources: a file is a source; a folder gives its logs,
// dmesg captures and journal exports (recursively, a few levels deep).
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SourceKind } from '../types.js';
import { fileSource, isGzip, looksBinary, sniff } from './file.js';
import { isCoreName } from './cores.js';
import { journalSource } from './journal.js';
import { InputError, type Source } from './source.js';

const MAX_DEPTH = 4;
/** Not logs: configs, docs, code, expected reports, and what other issues read (cores). */
const SKIP = /\.(ya?ml|toml|md|c|h|cc|so|o|ts|js|mjs|py|go|sh|html|xml|png|svg|tar|zip|zst|lz4|xz|pid|lock)$|^(core(\..*)?|.*\.core|clw-core\..*)$|^expected/;

/** dmesg captures are named so; their lines carry no syslog host. */
export function kindFor(path: string): SourceKind {
  const name = basename(path);
  if (/^(dmesg|kern)/.test(name)) return 'dmesg';
  if (/journal/.test(name) && /\.(json|jsonl|export)$/.test(name)) return 'journal';
  return 'file';
}

function sourceFor(path: string): Source {
  // A binary journal file is read through journalctl.
  if (/\.journal~?$/.test(path)) return journalSource(path);
  const kind = kindFor(path);
  return fileSource(path, kind, kind === 'dmesg' && basename(path).startsWith('dmesg') ? { kernelOnly: true } : {});
}

/** In a folder, an executable or an image beside the logs is passed over; named on its own it is an
 *  input error (checkLogFile says so). */
function binaryInFolder(path: string): boolean {
  try {
    const head = sniff(path);
    return !isGzip(head) && looksBinary(head);
  } catch {
    return false;
  }
}

function walk(dir: string, depth: number, out: string[], cores: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError(`${dir}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH && e.name !== 'node_modules') walk(p, depth + 1, out, cores);
    } else if (e.isFile() && isCoreName(e.name)) {
      cores.push(p);
    } else if (e.isFile() && !SKIP.test(e.name) && (/\.journal~?$/.test(e.name) || !binaryInFolder(p))) {
      out.push(p);
    }
  }
}

export interface Discovered {
  sources: Source[];
  /** Core dumps found in the folders: gdb reads them, not the line scanner. */
  cores: string[];
  errors: string[];
}

export function discover(paths: string[]): Discovered {
  const sources: Source[] = [];
  const cores: string[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) {
      errors.push(`${p}: no such file or folder`);
      continue;
    }
    if (!st.isDirectory()) {
      if (isCoreName(basename(p))) cores.push(p);
      else sources.push(sourceFor(p));
      continue;
    }
    const files: string[] = [];
    const coresBefore = cores.length;
    try {
      walk(p, 0, files, cores);
    } catch (err) {
      errors.push((err as Error).message);
      continue;
    }
    // This folder's own finds: cores of an earlier path do not make an empty folder count.
    if (!files.length && cores.length === coresBefore) errors.push(`${p}: the folder holds no log files`);
    sources.push(...files.map(sourceFor));
  }
  return { sources, cores, errors };
}
