// Options shared by the commands: time window, colour, rules folder.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTimeBound, timeBoundProblem } from '../records/time.js';
import type { TimeWindow } from '../types.js';
import { UsageError } from './errors.js';

/** rules/ ships beside dist/ in the package; the build parses it into dist/rules-cache.json. */
export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));
/** The shipped regexes recheck found linear (scripts/check-regexes.js): site rules using them are not checked again. */
export const DEFAULT_LINEAR_REGEXES = fileURLToPath(new URL('../../rules/linear-regexes.json', import.meta.url));
export const DEFAULT_RULES_CACHE = fileURLToPath(new URL('../rules-cache.json', import.meta.url));

/** The cache serves the bundled rules only; another folder is parsed as it is. */
export function rulesCacheFor(dir: string): string | undefined {
  return dir === DEFAULT_RULES_DIR ? DEFAULT_RULES_CACHE : undefined;
}

/** "Now" for the analysis: CLW_DIAG_NOW (an ISO time) analyses saved captures as of when they were
 *  taken: the year of syslog stamps, which have none, and relative --since values follow it. */
export function analysisNow(env = process.env): number {
  const v = env.CLW_DIAG_NOW;
  if (!v) return Date.now();
  const t = parseTimeBound(v);
  if (t === null || !/^\d{4}-/.test(v)) throw new UsageError(`CLW_DIAG_NOW=${JSON.stringify(v)}: expected an ISO time like 2026-11-20T10:00:00Z`);
  return t;
}

export function parseWindow(since: string | undefined, until: string | undefined, now = Date.now()): TimeWindow {
  const read = (flag: string, v: string | undefined): number | null => {
    if (v === undefined || v === '') return null;
    const t = parseTimeBound(v, now);
    const problem = t === null ? timeBoundProblem(v, now) : null;
    if (problem) throw new UsageError(`--${flag} ${JSON.stringify(v)}: ${problem}`);
    if (t === null) throw new UsageError(`--${flag} ${JSON.stringify(v)}: expected a duration like 1h, 30m, 2d or an ISO time like 2026-11-20T10:00:00Z`);
    return t;
  };
  const window = { since: read('since', since), until: read('until', until) };
  if (window.since !== null && window.until !== null && window.since > window.until) {
    throw new UsageError(`--since ${since} is after --until ${until}`);
  }
  return window;
}

export const GDB_TIMEOUT_MAX_S = 3600;

/** --gdb-timeout: seconds, 1 to an hour. Taken as text, so the error quotes what was typed; a
 *  timer past 2^31 ms would fire at once, and a negative or NaN one would read as a broken core. */
export function parseGdbTimeout(option: string | string[] | undefined): number {
  if (option === undefined) return 30;
  const v = Array.isArray(option) ? option[option.length - 1] : option;
  const s = v.trim() === '' ? NaN : Number(v);
  if (!(s >= 1 && s <= GDB_TIMEOUT_MAX_S)) throw new UsageError(`--gdb-timeout ${JSON.stringify(v)}: expected a number of seconds from 1 to ${GDB_TIMEOUT_MAX_S}`);
  return s;
}

/** Colour follows the terminal; NO_COLOR turns it off and FORCE_COLOR on. */
export function useColor(stream: NodeJS.WriteStream, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY);
}

/** --rules: a folder holding at least one .yaml file, or one rule file. Anything else (a device,
 *  an empty folder) would load no rules and report "No incidents": a mistake, said as one. */
export function rulesDir(option: string | undefined): string {
  const dir = option ?? DEFAULT_RULES_DIR;
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`--rules ${dir}: no such file or folder`);
  if (st.isFile()) return dir;
  if (!st.isDirectory()) throw new UsageError(`--rules ${dir}: not a folder or a rule file`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new UsageError(`--rules ${dir}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!names.some((n) => /\.ya?ml$/.test(n))) throw new UsageError(`--rules ${dir}: no rules in the folder (no .yaml files)`);
  return dir;
}
