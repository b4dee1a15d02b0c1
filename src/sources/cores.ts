// Finds core dumps: core, core.PID, *.core, clw-core.PID and systemd-coredump's
// core.COMM.UID.BOOTID.PID.TS[.zst|.lz4|.xz], by name, newer than --since. Compressed cores are
// unpacked with the system tool into a folder private to the run (coreFolder): a fixed shared
// folder in /tmp could be made beforehand by another user, with a symlink where a core will go.
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { entryExists, statQuiet } from './stat.js';

export const DEFAULT_CORE_DIRS = ['/tmp', '/var/lib/systemd/coredump', '.'];

const CORE_NAME = /^(?:core(?:\.\d+)?|.+\.core|clw-core\.\d+|core\.[^/]+\.\d+\.[0-9a-f]{32}\.\d+\.\d+(?:\.(?:zst|lz4|xz))?)$/;
const UNPACK: Record<string, [string, string[]]> = { zst: ['zstd', ['-dcq']], lz4: ['lz4', ['-dcq']], xz: ['xz', ['-dcq']] };

export function isCoreName(name: string): boolean {
  return CORE_NAME.test(name);
}

export interface FoundCores {
  cores: string[];
  /** A folder the user named that is not there. */
  errors: string[];
}

/** Core files in `dir` (not recursive: cores sit where they were dumped) newer than `since`; only
 *  regular files, so a FIFO named like a core is never opened. */
export function coresIn(dir: string, since: number | null): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter(isCoreName).map((n) => join(dir, n)).filter((p) => {
    const st = statQuiet(p);
    return st?.isFile() && (since === null || st.mtimeMs >= since);
  }).sort();
}

export function findCores(dirs: string[], since: number | null): FoundCores {
  const out: FoundCores = { cores: [], errors: [] };
  for (const dir of dirs) {
    const st = statQuiet(dir);
    if (!st) out.errors.push(`--cores ${dir}: ${entryExists(dir) ? 'a symbolic link that leads nowhere (or round in a loop)' : 'no such folder'}`);
    else if (st.isFile()) out.cores.push(dir);
    else if (st.isDirectory()) out.cores.push(...coresIn(dir, since));
    // A FIFO or a device is never opened: gdb would wait on it for ever.
    else out.errors.push(`--cores ${dir}: not a core file or a folder`);
  }
  out.cores = [...new Set(out.cores)];
  return out;
}

export function isCompressedCore(path: string): boolean {
  return /\.(zst|lz4|xz)$/.test(path);
}

/** A new folder for unpacked cores, mode 0700, for one run; the caller removes it. */
export function coreFolder(): string {
  return mkdtempSync(join(tmpdir(), 'clw-diag-cores-'));
}

/** The core itself, or its copy unpacked into `dir` (from coreFolder); a note when it cannot be
 *  unpacked. */
export async function unpackCore(path: string, dir: string, notes: string[]): Promise<string | null> {
  const ext = /\.(zst|lz4|xz)$/.exec(path)?.[1];
  if (!ext) return path;
  const [tool, args] = UNPACK[ext];
  // Numbered: two folders may hold cores of the same name.
  const out = join(dir, `${readdirSync(dir).length}.${basename(path).slice(0, -ext.length - 1)}`);
  const r = await execa(tool, [...args, path], { reject: false, encoding: 'buffer', stdout: { file: out } });
  if (r.failed) {
    notes.push(`${path}: cannot unpack (${(r as { code?: string }).code === 'ENOENT' ? `${tool} is not installed; apt-get install ${tool === 'zstd' ? 'zstd' : tool === 'lz4' ? 'lz4' : 'xz-utils'}` : `${tool} failed`})`);
    return null;
  }
  return out;
}
