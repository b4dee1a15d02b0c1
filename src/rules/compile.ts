// Compiles loaded rules: their regexes, required literals, block specs and fact converters,
// and one prefilter regex over every literal that any rule requires.
import { normalSpec } from './facts.js';
import { requiredLiterals } from './literals.js';
import { LiteralSearch } from './prefilter.js';
import type { Rule } from './schema.js';

export interface CompiledSide {
  sameProcess: boolean;
  continue: RegExp;
  end?: RegExp;
  start?: RegExp;
  max: number;
}

export interface CompiledRule {
  rule: Rule;
  family: string;
  file: string;
  regexes: RegExp[];
  excludes: RegExp[];
  literals: string[];
  ignoreCase: boolean;
  before?: CompiledSide;
  after?: CompiledSide;
  extract: { re: RegExp; last: boolean }[];
  factSpecs: Map<string, ReturnType<typeof normalSpec>>;
  /** Groups that only say the unit of another group's number: not facts of their own. */
  unitGroups: Set<string>;
}

export interface CompiledRuleSet {
  rules: CompiledRule[];
  byId: Map<string, CompiledRule>;
  /** Finds candidate lines in chunks of bytes. */
  prefilter: LiteralSearch;
  literals: string[];
}

export interface LoadedRule {
  rule: Rule;
  family: string;
  file: string;
}

function side(spec: { sameProcess: boolean; continue: string; end?: string; start?: string; max: number } | undefined, flags: string): CompiledSide | undefined {
  if (!spec) return undefined;
  return {
    sameProcess: spec.sameProcess,
    continue: new RegExp(spec.continue, flags),
    end: spec.end ? new RegExp(spec.end, flags) : undefined,
    start: spec.start ? new RegExp(spec.start, flags) : undefined,
    max: spec.max,
  };
}

/** Throws with a message naming the problem when the rule cannot be compiled. */
export function compileRule(loaded: LoadedRule): CompiledRule {
  const { rule } = loaded;
  const flags = rule.flags.replace(/[gy]/g, '');
  const literals = new Set<string>();
  const regexes = rule.match.map((src) => {
    const re = new RegExp(src, flags);
    const lits = requiredLiterals(src, flags);
    if (!lits || Math.min(...lits.literals.map((l) => l.length)) < 3) {
      throw new Error(`match /${src}/ has no literal text of 3 or more characters that every match must contain, so the prefilter cannot find it`);
    }
    lits.literals.forEach((l) => literals.add(l));
    return re;
  });
  const factSpecs = new Map(Object.entries(rule.facts).map(([k, v]) => [k, normalSpec(v)]));
  const unitGroups = new Set([...factSpecs.values()].map((f) => f.unitGroup).filter((g): g is string => Boolean(g)));
  return {
    rule, family: loaded.family, file: loaded.file, regexes,
    excludes: rule.exclude.map((src) => new RegExp(src, flags)),
    literals: [...literals],
    ignoreCase: flags.includes('i'),
    before: side(rule.block?.before, flags),
    after: side(rule.block?.after, flags),
    extract: (rule.block?.extract ?? []).map((e) => typeof e === 'string'
      ? { re: new RegExp(e, flags), last: false }
      : { re: new RegExp(e.pattern, flags), last: e.last }),
    factSpecs,
    unitGroups,
  };
}

const PREFILTER_MAX = 12;

/** A shorter piece of a required literal is required too. The prefilter searches pieces: edges
 *  without spaces and quotes (common bytes make V8's scan slow), at most 12 characters, and none
 *  that contains another (the other already finds its line). */
export function prefilterLiterals(rules: CompiledRule[]): { text: string; ignoreCase: boolean }[] {
  const pieces = new Map<string, boolean>();
  for (const r of rules) {
    for (const lit of r.literals) {
      const trimmed = lit.replace(/^[\s'"]+|[\s'"]+$/g, '');
      const piece = (trimmed.length >= 5 || trimmed.length >= lit.length ? trimmed : lit).slice(0, PREFILTER_MAX);
      const key = r.ignoreCase ? piece.toLowerCase() : piece;
      pieces.set(key, (pieces.get(key) ?? false) || r.ignoreCase);
    }
  }
  const all = [...pieces].map(([text, ignoreCase]) => ({ text, ignoreCase }));
  const covers = (o: { text: string; ignoreCase: boolean }, l: { text: string; ignoreCase: boolean }) =>
    o !== l && (o.ignoreCase ? l.text.toLowerCase().includes(o.text) : !l.ignoreCase && l.text.includes(o.text));
  return all.filter((l) => !all.some((o) => covers(o, l)));
}

export function buildRuleSet(rules: CompiledRule[]): CompiledRuleSet {
  const search = new Map<string, { text: string; ignoreCase: boolean }>();
  for (const lit of prefilterLiterals(rules)) {
    // journalctl -o json escapes quotes and backslashes inside MESSAGE.
    for (const text of new Set([lit.text, JSON.stringify(lit.text).slice(1, -1)])) search.set(`${lit.ignoreCase}:${text}`, { ...lit, text });
  }
  // Most specific first: the matcher takes the first rule that matches a line.
  const ordered = [...rules].sort((a, b) => b.rule.priority - a.rule.priority
    || b.rule.match.join('').length - a.rule.match.join('').length);
  return {
    rules: ordered,
    byId: new Map(rules.map((r) => [r.rule.id, r])),
    prefilter: new LiteralSearch([...search.values()]),
    literals: [...new Set(rules.flatMap((r) => r.literals))],
  };
}
