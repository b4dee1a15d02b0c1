// Checks a rule set beyond its schema: regexes that can backtrack catastrophically, weak
// prefilter literals, regexes no example exercises, titles naming facts the rule never captures.
import { parseEnvelope } from '../records/envelope.js';
import { backtrackingRisks } from './backtracking.js';
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

export function lintRule(r: CompiledRule, exercised: (re: RegExp, text: string) => boolean): string[] {
  const problems: string[] = [];
  const regexes = [...r.rule.match, ...r.rule.exclude, ...r.extract.map((e) => e.re.source)];
  const side = (s?: { continue: RegExp; end?: RegExp; start?: RegExp }) => (s ? [s.continue, s.end, s.start].filter(Boolean).map((x) => x!.source) : []);
  regexes.push(...side(r.before), ...side(r.after));
  for (const src of regexes) {
    for (const risk of backtrackingRisks(src)) problems.push(`/${src}/ can backtrack catastrophically: ${risk}`);
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

export function lintRules(set: CompiledRuleSet): LintProblem[] {
  const exercised = (re: RegExp, raw: string) => re.test(parseEnvelope(raw, 'example', 1).text);
  return set.rules.flatMap((r) => [...lintRule(r, exercised), ...shortPieces(r)].map((problem) => ({ rule: r.rule.id, file: r.file, problem })));
}
