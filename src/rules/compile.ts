// Compiles loaded rules: their regexes, required literals, block specs and fact converters,
// and one prefilter regex over every literal that any rule requires.
import { normalSpec } from './facts.js';
import { requiredLiterals } from './literals.js';
import { LiteralSearch, type Literal } from './prefilter.js';
import type { Rule } from './schema.js';
import { defaultThresholds, type Thresholds } from './thresholds.js';

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
  /** For each prefilter literal, the rules (in priority order) a line holding it may match. */
  rulesOfLiteral: CompiledRule[][];
  /** What the prefilter searches, to build the same search elsewhere (a worker thread). */
  searchLiterals: Literal[];
  literals: string[];
  /** The thresholds rules compare their facts with: the defaults, or as a user set them. */
  thresholds: Thresholds;
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

/** A piece of a required literal is required too. The prefilter searches the literals with their
 *  edges trimmed of spaces and quotes (common bytes), dropping any that contains another (the other
 *  finds its line already). Full length keeps them selective: a 12-character piece such as
 *  `clw-dispatch` would stop on every healthy dispatcher line. */
export function prefilterLiterals(rules: CompiledRule[]): { text: string; ignoreCase: boolean }[] {
  const pieces = new Map<string, boolean>();
  for (const r of rules) {
    for (const lit of r.literals) {
      const trimmed = lit.replace(/^[\s'"]+|[\s'"]+$/g, '');
      const piece = trimmed.length >= 5 || trimmed.length >= lit.length ? trimmed : lit;
      const key = r.ignoreCase ? piece.toLowerCase() : piece;
      pieces.set(key, (pieces.get(key) ?? false) || r.ignoreCase);
    }
  }
  const all = [...pieces].map(([text, ignoreCase]) => ({ text, ignoreCase }));
  return all.filter((l) => !all.some((o) => covers(o, l)));
}

/** `piece` occurs in every text that contains `lit`. */
function covers(piece: { text: string; ignoreCase: boolean }, lit: { text: string; ignoreCase: boolean }): boolean {
  if (piece === lit) return false;
  return piece.ignoreCase ? lit.text.toLowerCase().includes(piece.text) : !lit.ignoreCase && lit.text.includes(piece.text);
}

/** Specific rules are tried before generic ones, whatever their priorities. */
export function layerRank(r: CompiledRule): number {
  return r.rule.layer === 'generic' ? 1 : 0;
}

export function buildRuleSet(rules: CompiledRule[]): CompiledRuleSet {
  // Most specific first: the matcher takes the first rule that matches a line.
  const ordered = [...rules].sort((a, b) => layerRank(a) - layerRank(b) || b.rule.priority - a.rule.priority
    || b.rule.match.join('').length - a.rule.match.join('').length);
  const search: { text: string; ignoreCase: boolean }[] = [];
  const rulesOfLiteral: CompiledRule[][] = [];
  for (const piece of prefilterLiterals(rules)) {
    const needing = ordered.filter((r) => r.literals.some((l) => covers(piece, { text: l, ignoreCase: r.ignoreCase }) || (l === piece.text)));
    // journalctl -o json escapes quotes and backslashes inside MESSAGE.
    for (const text of new Set([piece.text, JSON.stringify(piece.text).slice(1, -1)])) {
      search.push({ ...piece, text });
      rulesOfLiteral.push(needing);
    }
  }
  return {
    rules: ordered,
    byId: new Map(rules.map((r) => [r.rule.id, r])),
    prefilter: new LiteralSearch(search),
    rulesOfLiteral,
    searchLiterals: search,
    literals: [...new Set(rules.flatMap((r) => r.literals))],
    thresholds: defaultThresholds(),
  };
}
