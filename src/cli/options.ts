// Options shared by the commands: time window, colour, rules folder.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTimeBound } from '../records/time.js';
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
    if (t === null) throw new UsageError(`--${flag} ${JSON.stringify(v)}: expected a duration like 1h, 30m, 2d or an ISO time like 2026-11-20T10:00:00Z`);
    return t;
  };
  const window = { since: read('since', since), until: read('until', until) };
  if (window.since !== null && window.until !== null && window.since > window.until) {
    throw new UsageError(`--since ${since} is after --until ${until}`);
  }
  return window;
}

/** Colour follows the terminal; NO_COLOR turns it off and FORCE_COLOR on. */
export function useColor(stream: NodeJS.WriteStream, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY);
}

export function rulesDir(option: string | undefined): string {
  const dir = option ?? DEFAULT_RULES_DIR;
  if (!existsSync(dir)) throw new UsageError(`--rules ${dir}: no such file or folder`);
  return dir;
}
