// Whether a regex can take more than linear time on a hostile line (ReDoS), by recheck's analysis
// (automata theory, fuzzing where that does not apply). recheck is loaded only when a regex needs
// checking: bundled regexes are checked ahead of time (scripts/check-regexes.js writes
// rules/linear-regexes.json), so a run without site rules never starts it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Rule } from './schema.js';

export type Complexity = 'linear' | 'polynomial' | 'exponential' | 'unknown';

export interface RegexVerdict {
  complexity: Complexity;
  /** recheck's summary ("2nd degree polynomial") or, when unknown, why. */
  summary: string;
  /** A JS expression building a line that makes the regex slow, when recheck found one. */
  attack?: string;
  /** The attack line itself. */
  attackString?: string;
}

interface Diagnostics {
  status: 'safe' | 'vulnerable' | 'unknown';
  complexity?: { type: string; summary: string };
  attack?: { pattern: string; string: string };
  error?: { kind: string; message?: string };
}

type CheckSync = (source: string, flags: string, params?: Record<string, unknown>) => Diagnostics;
let checkSync: CheckSync | null = null;

/** recheck's own limit is 10 s; a busy machine needs more before "unknown". */
const CHECK_TIMEOUT_MS = 30_000;

/** Checks one regex (blocks while recheck works: tens of milliseconds to seconds). */
export function checkRegex(source: string, flags: string): RegexVerdict {
  checkSync ??= (createRequire(import.meta.url)('recheck') as { checkSync: CheckSync }).checkSync;
  const d = checkSync(source, flags.replace(/[^ims]/g, ''), { timeout: CHECK_TIMEOUT_MS });
  if (d.status === 'unknown') return { complexity: 'unknown', summary: d.error?.message ?? d.error?.kind ?? 'not analysed' };
  const type = d.complexity?.type ?? 'safe';
  const complexity: Complexity = type === 'polynomial' || type === 'exponential' ? type : 'linear';
  return { complexity, summary: d.complexity?.summary ?? type, attack: d.attack?.pattern, attackString: d.attack?.string };
}

export function isSlow(v: RegexVerdict): boolean {
  return v.complexity === 'polynomial' || v.complexity === 'exponential';
}

export interface RuleRegex {
  /** Where the rule holds it: match[0], exclude[1], block.after.continue, extract[2]. */
  where: string;
  source: string;
}

/** Every regex a rule holds (see schema.ts). */
export function ruleRegexes(rule: Rule): RuleRegex[] {
  const out: RuleRegex[] = [];
  rule.match.forEach((source, i) => out.push({ where: `match[${i}]`, source }));
  rule.exclude.forEach((source, i) => out.push({ where: `exclude[${i}]`, source }));
  for (const side of ['before', 'after'] as const) {
    const s = rule.block?.[side];
    if (!s) continue;
    for (const key of ['continue', 'end', 'start'] as const) {
      const source = s[key];
      if (source) out.push({ where: `block.${side}.${key}`, source });
    }
  }
  (rule.block?.extract ?? []).forEach((e, i) => out.push({ where: `extract[${i}]`, source: typeof e === 'string' ? e : e.pattern }));
  return out;
}

/** The key of a regex in the list of checked ones: the flags that change matching, then the source. */
export function regexKey(source: string, flags: string): string {
  return `${[...flags.replace(/[^ims]/g, '')].sort().join('')}/${source}`;
}

/** Regexes recheck found linear, as written by scripts/check-regexes.js; empty when unreadable. */
export function readLinearRegexes(file: string): Set<string> {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { linear?: unknown };
    return new Set(Array.isArray(doc.linear) ? doc.linear.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

/** The first regex of the rule that recheck finds slow, as a problem line; null when none is.
 *  Regexes in `known` (checked linear ahead of time) are not checked again. */
export function slowRegexProblem(rule: Rule, known: Set<string>): string | null {
  for (const { where, source } of ruleRegexes(rule)) {
    if (known.has(regexKey(source, rule.flags))) continue;
    const v = checkRegex(source, rule.flags);
    if (isSlow(v)) return `${where} /${source}/ can take ${v.complexity} time on a hostile line (${v.summary}${v.attack ? `, e.g. ${v.attack}` : ''}): rewrite it so no part can match the same text in more than one way`;
    known.add(regexKey(source, rule.flags));
  }
  return null;
}
