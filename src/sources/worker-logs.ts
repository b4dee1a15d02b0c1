// `--worker-logs`: the named worker logs, or the default places OpenClaw writes them, with their
// rotated siblings (worker.log.1, worker.log.2.gz, ...) as far back as --since reaches.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileSource } from './file.js';
import { followSource } from './follow.js';
import type { Source } from './source.js';
import { statQuiet } from './stat.js';

export const DEFAULT_WORKER_LOGS = ['/var/log/clw/worker.log', '/var/log/claw/worker.log'];

export interface WorkerLogs {
  sources: Source[];
  errors: string[];
  notes: string[];
}

/** worker.log.1, worker.log.2.gz (or .zst, .xz, .lz4), ... newest first; regular files only (a
 *  FIFO of that name would never end). */
export function rotatedSiblings(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(\\.(?:gz|zst|xz|lz4))?$`);
  return names
    .map((n) => ({ n, m: pattern.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null && isFile(join(dir, x.n)))
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => join(dir, x.n));
}

/** The siblings whose last write is inside the window: each holds lines at or after `since`. */
export function siblingsSince(path: string, since: number | null): { read: string[]; skipped: number } {
  const all = rotatedSiblings(path);
  if (since === null) return { read: [], skipped: all.length };
  const read: string[] = [];
  for (const p of all) {
    const mtime = statQuiet(p)?.mtimeMs ?? 0;
    if (mtime < since) break;
    read.push(p);
  }
  return { read: read.reverse(), skipped: all.length - read.length };
}

function isFile(p: string): boolean {
  return statQuiet(p)?.isFile() ?? false;
}

/** A folder stands for the logs in it (*.log; their rotated siblings come with them). */
function expandFolders(paths: string[], out: WorkerLogs): string[] {
  return paths.flatMap((p) => {
    if (!statQuiet(p)?.isDirectory()) return [p];
    let names: string[];
    try {
      names = readdirSync(p);
    } catch (err) {
      out.errors.push(`--worker-logs ${p}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return [];
    }
    const named = names.filter((n) => n.endsWith('.log')).sort().map((n) => join(p, n));
    // A FIFO named *.log in the folder would hold the run for ever: named, not opened.
    const logs = named.filter(isFile);
    const odd = named.filter((n) => !logs.includes(n) && !statQuiet(n)?.isDirectory());
    if (odd.length) out.notes.push(`--worker-logs ${p}: not regular files, skipped: ${odd.join(', ')}`);
    if (!logs.length) out.errors.push(`--worker-logs ${p}: no *.log files in this folder`);
    return logs;
  });
}

export function workerLogSources(paths: string[], since: number | null, follow = false): WorkerLogs {
  const out: WorkerLogs = { sources: [], errors: [], notes: [] };
  const logs = paths.length ? expandFolders(paths, out) : DEFAULT_WORKER_LOGS.filter((p) => existsSync(p));
  if (!logs.length) {
    if (out.errors.length) return out;
    out.errors.push(`--worker-logs: no worker log at ${DEFAULT_WORKER_LOGS.join(' or ')}; name one with --worker-logs PATH`);
    return out;
  }
  for (const log of logs) {
    const { read, skipped } = siblingsSince(log, since);
    // Oldest first, so each line's inherited time and each trend run forward.
    out.sources.push(...read.map((p) => fileSource(p, 'worker-log')));
    out.sources.push(follow ? followSource(log, 'worker-log') : fileSource(log, 'worker-log'));
    if (skipped && since === null) out.notes.push(`${log}: ${skipped} rotated sibling${skipped === 1 ? '' : 's'} not read; --since reaches back into them`);
  }
  return out;
}
