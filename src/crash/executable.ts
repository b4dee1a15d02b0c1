// Which binary gdb should read a core with. The core names it (the mapping that holds the entry
// point, AT_EXECFN, the recorded command line), and its first page carries the build-id, so a file
// on disk can be checked against the one that actually ran. `--exe` may name a wrapper script or a
// launcher instead; those are seen through to the real binary, and a mismatch is said, not hidden.
import { constants } from 'node:fs';
import { access, open, realpath } from 'node:fs/promises';
import { basename, delimiter, dirname, isAbsolute, resolve } from 'node:path';
import { buildIdOf, fileReader, type Reader } from './elf.js';
import type { CoreFacts } from './core-notes.js';

export interface ExeChoice {
  /** The binary to give gdb, or null to let gdb read the core alone. */
  path: string | null;
  /** The executable as the core names it (absolute), whether or not it is here. */
  claimed: string | null;
  notes: string[];
}

/** What `fn` reads from the file, or null when the file cannot be opened or read. */
async function readingFile<T>(path: string, fn: (read: Reader) => Promise<T>): Promise<T | null> {
  try {
    const fh = await open(path, 'r');
    try {
      return await fn(fileReader(fh));
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

const head = (path: string, n: number): Promise<Buffer | null> => readingFile(path, (read) => read(0, n));

export const fileBuildId = (path: string): Promise<string | null> => readingFile(path, buildIdOf);

const isElf = (b: Buffer) => b.length >= 4 && b.readUInt32BE(0) === 0x7f454c46;
const exists = (p: string) => access(p, constants.R_OK).then(() => true, () => false);
const short = (id: string | null) => (id ? id.slice(0, 12) : 'none');

/** The executable the core names: the entry point's mapping, else AT_EXECFN or argv[0] when absolute. */
export function claimedExecutable(facts: CoreFacts, generatedBy: string | null = null): { path: string | null; deleted: boolean } {
  let p = facts.exePath;
  const deleted = p?.endsWith(' (deleted)') ?? false;
  if (p && deleted) p = p.slice(0, -' (deleted)'.length);
  const argv0 = (facts.psargs ?? generatedBy ?? '').split(' ')[0];
  p ??= [facts.execfn, argv0].find((x) => x && isAbsolute(x)) ?? null;
  return { path: p, deleted };
}

/** Programs a wrapper script may run: its interpreter (through env) and the targets of `exec`. */
async function wrapperTargets(script: string, text: string): Promise<string[]> {
  const words: string[] = [];
  const shebang = /^#!\s{0,8}(\S{1,4096})(?:[ \t]{1,8}(\S{1,4096}))?/.exec(text);
  if (shebang) words.push(basename(shebang[1]) === 'env' && shebang[2] ? shebang[2] : shebang[1]);
  for (const m of text.slice(0, 65536).matchAll(/(?:^|[\s;&|(])exec[ \t]{1,8}(?:-\S{1,32}[ \t]{1,8}){0,4}["']?([^\s"';|&()]{1,4096})/gm)) {
    words.push(m[1]);
    if (words.length >= 16) break;
  }
  const out: string[] = [];
  for (const w of words) {
    const dirs = w.includes('/') ? [dirname(script)] : (process.env.PATH ?? '').split(delimiter).filter(Boolean);
    for (const d of dirs) {
      const p = w.includes('/') && isAbsolute(w) ? w : resolve(d, w);
      if (await exists(p)) {
        out.push(await realpath(p).catch(() => p));
        break;
      }
    }
  }
  return out;
}

export async function chooseExecutable(facts: CoreFacts, userExe?: string, generatedBy: string | null = null): Promise<ExeChoice> {
  const { path: claimed, deleted } = claimedExecutable(facts, generatedBy);
  const coreId = facts.exeBuildId;
  const notes: string[] = [];
  const matches = async (p: string) => {
    const id = coreId ? await fileBuildId(p) : null;
    return { ok: id === null ? null : id === coreId, id };
  };
  if (userExe) {
    const h = await head(userExe, 256);
    if (!h) {
      notes.push(`--exe ${userExe}: no such readable file; using the executable the core names instead`);
    } else if (h.subarray(0, 2).toString() === '#!') {
      const text = (await head(userExe, 65536))?.toString('utf8') ?? '';
      const candidates = [...(claimed && (await exists(claimed)) ? [claimed] : []), ...(await wrapperTargets(userExe, text))];
      let pick: string | null = null;
      for (const c of candidates) {
        if ((await matches(c)).ok === true) { pick = c; break; }
      }
      pick ??= candidates.find((c) => claimed && (c === claimed || basename(c) === basename(claimed))) ?? null;
      if (pick) {
        notes.push(`--exe ${userExe} is a wrapper script; the process that dumped was ${pick} (named by the core), so gdb reads that`);
        return { path: pick, claimed, notes };
      }
      notes.push(`--exe ${userExe} is a wrapper script, and the binary it starts${claimed ? ` (${claimed}, named by the core)` : ''} is not on this machine: pass that binary with --exe`);
      return { path: null, claimed, notes };
    } else if (!isElf(h)) {
      notes.push(`--exe ${userExe} is neither an ELF executable nor a script; using the executable the core names instead`);
    } else {
      const m = await matches(userExe);
      if (m.ok !== false) return { path: userExe, claimed, notes };
      if (claimed && claimed !== userExe && (await matches(claimed)).ok === true) {
        notes.push(`--exe ${userExe} is not the binary that dumped (build-id ${short(m.id)}, the core's ${short(coreId)}): a launcher or another build; gdb reads ${claimed}, named by the core, which matches`);
        return { path: claimed, claimed, notes };
      }
      notes.push(`--exe ${userExe} is not the binary that dumped this core (build-id ${short(m.id)}, the core's ${short(coreId)}): frames may name the wrong functions; pass the build that crashed`);
      return { path: userExe, claimed, notes };
    }
  }
  if (!claimed) {
    notes.push('the core does not name its executable (no file mappings, no absolute AT_EXECFN): pass it with --exe; frames have no function names without it');
    return { path: null, claimed, notes };
  }
  if (!(await exists(claimed))) {
    notes.push(`the executable ${claimed} is not on this machine${deleted ? ' (it was deleted while the process ran)' : ''}, so frames in it have no function names: copy the same build here and pass it with --exe`);
    return { path: null, claimed, notes };
  }
  const m = await matches(claimed);
  if (m.ok === false) {
    notes.push(`${claimed} is not the binary that dumped this core (build-id ${short(m.id)}, the core's ${short(coreId)}: rebuilt or upgraded since${deleted ? '; the one that ran was deleted' : ''}): frames may name the wrong functions; pass the build that crashed with --exe`);
  }
  return { path: claimed, claimed, notes };
}
