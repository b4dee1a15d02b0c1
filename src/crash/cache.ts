// One JSON file per analysed core, so a second run over the same cores costs a stat and a read
// instead of a gdb run each. The key covers everything the answer depends on: the core (real path,
// size, mtime), the executable gdb read (path, size, mtime: installing or rebuilding it changes
// the answer), and the engine's version. Writes are atomic; a broken cache is a miss, never an error.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CoreAnalysis } from './core-analysis.js';

/** Bump when the analysis changes shape or meaning, so old entries stop matching. */
export const ENGINE_VERSION = 1;

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'clw-diag', 'cores');
}

async function identity(path: string | null): Promise<string> {
  if (!path) return '-';
  const st = await stat(path).catch(() => null);
  return st ? `${path}\0${st.size}\0${st.mtimeMs}\0${st.ino}` : `${path}\0absent`;
}

/** `exe` is the binary gdb reads; `asked` what the user passed (a wrapper changes the notes, not gdb). */
export async function cacheKey(realCore: string, size: number, mtimeMs: number, exe: string | null, asked: string | null): Promise<string> {
  const parts = [ENGINE_VERSION, realCore, size, mtimeMs, await identity(exe), asked];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

interface Entry {
  key: string;
  analysis: CoreAnalysis;
}

export async function readCache(dir: string, key: string): Promise<CoreAnalysis | null> {
  try {
    const entry = JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as Entry;
    return entry.key === key && entry.analysis && typeof entry.analysis.core === 'string' ? entry.analysis : null;
  } catch {
    return null;
  }
}

export async function writeCache(dir: string, key: string, analysis: CoreAnalysis): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify({ key, analysis } satisfies Entry), { mode: 0o600 });
    await rename(tmp, file);
  } catch {
    // A read-only or full cache folder only costs speed.
  }
}
