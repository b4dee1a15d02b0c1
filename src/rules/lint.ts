// Checks a rule set beyond its schema: regexes that recheck finds super-linear, weak
// prefilter literals, regexes no example exercises, titles naming facts the rule never captures.
import { parseEnvelope } from '../records/envelope.js';
import { checkRegex, isSlow, regexKey, ruleRegexes, type RegexVerdict } from './redos.js';
import { prefilterLiterals, type CompiledRule, type CompiledRuleSet } from './compile.js';
import { templateFacts } from './template.js';

export interface LintProblem {
  rule: string;
  file: string;
  problem: string;
}

const ALWAYS_KNOWN = new Set(['pid', 'process', 'unit', 'host', 'signal']);

function capturedFacts(r: CompiledRule): Set<string> {
  const names = new Set<string>([...Object.keys(r.rule.set), ...ALWAYS_KNOWN]);
  const sources = [...r.rule.match, ...r.extract.map((e) => e.re.source)];
  for (const src of sources) for (const m of src.matchAll(/\(\?<([A-Za-z_]\w*)>/g)) names.add(m[1]);
  for (const [name, spec] of r.factSpecs) if (spec.as) names.add(spec.as); else names.add(name);
  if (r.rule.trend) ['growthBytesPerHour', 'startBytes', 'lastBytes', 'growthPct', 'hoursToLimit', 'minutesToLimit', 'observedHours'].forEach((n) => names.add(n));
  return names;
}

/** How slow a regex can get: recheck by default (see redos.ts). */
export type RegexChecker = (source: string, flags: string) => RegexVerdict;

export function lintRule(r: CompiledRule, exercised: (re: RegExp, text: string) => boolean, check: RegexChecker = checkRegex): string[] {
  const problems: string[] = [];
  for (const { where, source } of ruleRegexes(r.rule)) {
    const v = check(source, r.rule.flags);
    if (isSlow(v)) problems.push(`${where} /${source}/ can backtrack catastrophically: ${v.complexity} time (${v.summary})${v.attack ? ` on ${v.attack}` : ''}`);
  }
  const examples = r.rule.examples.match.flatMap((ex) => (typeof ex === 'string' ? [ex] : ex.lines ?? (ex.line ? [ex.line] : [])));
  r.regexes.forEach((re, i) => {
    if (!examples.some((t) => exercised(re, t))) problems.push(`match[${i}] /${re.source}/ is not exercised by any example`);
  });
  const known = capturedFacts(r);
  for (const name of templateFacts(r.rule.title)) {
    if (!known.has(name) && !new RegExp(`\\{${name}(\\||\\?)`).test(r.rule.title)) problems.push(`title uses {${name}}, which the rule never captures; give it a fallback ({${name}|…})`);
  }
  return problems;
}

/** The prefilter skips at most (shortest piece - 2) bytes a step: a short piece slows every scan. */
const MIN_PIECE = 5;

function shortPieces(r: CompiledRule): string[] {
  return prefilterLiterals([r]).filter((p) => Buffer.byteLength(p.text) < MIN_PIECE)
    .map((p) => `the prefilter would search for ${JSON.stringify(p.text)}, shorter than ${MIN_PIECE} bytes, which slows every scan: make the regex require longer literal text`);
}

/** `check` sees each distinct regex once. `linear`: regexes recheck already found linear (the
 *  committed list, keyed by exact source and flags, so an edited regex is checked again). */
export function lintRules(set: CompiledRuleSet, check: RegexChecker = checkRegex, linear: Set<string> = new Set()): LintProblem[] {
  const exercised = (re: RegExp, raw: string) => re.test(parseEnvelope(raw, 'example', 1).text);
  const seen = new Map<string, RegexVerdict>();
  const once: RegexChecker = (source, flags) => {
    const key = regexKey(source, flags);
    if (linear.has(key)) return { complexity: 'linear', summary: 'linear (checked before)' };
    if (!seen.has(key)) seen.set(key, check(source, flags));
    return seen.get(key)!;
  };
  return set.rules.flatMap((r) => [...lintRule(r, exercised, once), ...shortPieces(r)].map((problem) => ({ rule: r.rule.id, file: r.file, problem })));
}
