// Finds core dumps: core, core.PID, *.core, clw-core.PID and systemd-coredump's
// core.COMM.UID.BOOTID.PID.TS[.zst|.lz4|.xz], by name, newer than --since. Compressed cores are
// unpacked with the system tool into a fixed temporary place, keeping the original's mtime, so the
// per-core cache still recognises them on the next run.
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';

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

/** Core files in `dir` (not recursive: cores sit where they were dumped) newer than `since`. */
export function coresIn(dir: string, since: number | null): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter(isCoreName).map((n) => join(dir, n)).filter((p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    return st?.isFile() && (since === null || st.mtimeMs >= since);
  }).sort();
}

export function findCores(dirs: string[], since: number | null): FoundCores {
  const out: FoundCores = { cores: [], errors: [] };
  for (const dir of dirs) {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st) out.errors.push(`--cores ${dir}: no such folder`);
    else if (st.isFile()) out.cores.push(dir);
    else if (!st.isDirectory()) out.errors.push(`--cores ${dir}: not a folder or a core file`);
    else out.cores.push(...coresIn(dir, since));
  }
  out.cores = [...new Set(out.cores)];
  return out;
}

/** The core itself, or its unpacked copy; a note when the tool to unpack it is missing. */
export async function unpackCore(path: string, notes: string[]): Promise<string | null> {
  const ext = /\.(zst|lz4|xz)$/.exec(path)?.[1];
  if (!ext) return path;
  const [tool, args] = UNPACK[ext];
  const dir = join(tmpdir(), 'clw-diag-cores');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, basename(path).slice(0, -ext.length - 1));
  const src = statSync(path);
  const done = existsSync(out) && statSync(out).mtimeMs === src.mtimeMs;
  if (!done) {
    const r = await execa(tool, [...args, path], { reject: false, encoding: 'buffer', stdout: { file: out } });
    if (r.failed) {
      notes.push(`${path}: cannot unpack (${(r as { code?: string }).code === 'ENOENT' ? `${tool} is not installed; apt-get install ${tool === 'zstd' ? 'zstd' : tool === 'lz4' ? 'lz4' : 'xz-utils'}` : `${tool} failed`})`);
      return null;
    }
    utimesSync(out, src.atime, src.mtime);
  }
  return out;
}
