// Runs every rule's examples through the real matcher with the whole rule set loaded, so an
// example passes only if this rule, and not a more specific one, claims the line.
import type { DiagEvent, FactValue } from '../types.js';
import type { CompiledRule, CompiledRuleSet } from './compile.js';
import { Matcher } from './matcher.js';
import type { RuleExample } from './schema.js';

export interface ExampleResult {
  rule: string;
  file: string;
  kind: 'match' | 'nomatch';
  text: string;
  ok: boolean;
  problem?: string;
}

export function eventsFor(set: CompiledRuleSet, lines: string[]): DiagEvent[] {
  return scanExample(set, lines).events;
}

function scanExample(set: CompiledRuleSet, lines: string[]): { events: DiagEvent[]; context: Record<string, FactValue> } {
  const events: DiagEvent[] = [];
  const m = new Matcher(set, { source: 'example', sourceKind: 'file', onEvent: (e) => events.push(e) });
  m.feed(Buffer.from(lines.join('\n') + '\n'));
  m.finish();
  return { events, context: m.context };
}

/** A context rule's example passes when it sets the facts it names, and no event comes of it. */
function testContext(set: CompiledRuleSet, rule: CompiledRule, lines: string[], expected: Record<string, FactValue>): string | null {
  const { events, context } = scanExample(set, lines);
  if (events.some((e) => e.rule === rule.rule.id)) return 'a context rule made an event';
  for (const [k, v] of Object.entries(expected)) if (context[k] !== v) return `context ${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(context[k])}`;
  return Object.keys(context).length ? null : 'set no context';
}

function linesOf(ex: RuleExample): string[] {
  if (typeof ex === 'string') return [ex];
  return ex.lines ?? (ex.line !== undefined ? [ex.line] : []);
}

function factProblem(expected: Record<string, FactValue>, event: DiagEvent): string | null {
  for (const [k, v] of Object.entries(expected)) {
    if (event.facts[k] !== v) return `fact ${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(event.facts[k])}`;
  }
  return null;
}

export function testRule(set: CompiledRuleSet, rule: CompiledRule): ExampleResult[] {
  const id = rule.rule.id;
  const results: ExampleResult[] = [];
  for (const ex of rule.rule.examples.match) {
    const lines = linesOf(ex);
    const text = lines.join('\n');
    const base = { rule: id, file: rule.file, kind: 'match' as const, text };
    if (!lines.length) { results.push({ ...base, ok: false, problem: 'example has no line' }); continue; }
    if (rule.rule.context) {
      const problem = testContext(set, rule, lines, typeof ex === 'string' ? {} : ex.facts ?? {});
      results.push(problem ? { ...base, ok: false, problem } : { ...base, ok: true });
      continue;
    }
    const events = eventsFor(set, lines);
    const mine = events.filter((e) => e.rule === id);
    if (!mine.length) {
      const other = events.map((e) => e.rule).join(', ');
      results.push({ ...base, ok: false, problem: other ? `claimed by ${other} instead` : 'no rule matched' });
      continue;
    }
    if (lines.length > 1 && mine.length > 1) {
      results.push({ ...base, ok: false, problem: `${mine.length} events; a block should be one` });
      continue;
    }
    const problem = typeof ex === 'string' || !ex.facts ? null : factProblem(ex.facts, mine[0]);
    results.push(problem ? { ...base, ok: false, problem } : { ...base, ok: true });
  }
  for (const text of rule.rule.examples.nomatch) {
    const seen = scanExample(set, [text]);
    const hit = rule.rule.context ? Object.keys(seen.context).length > 0 : seen.events.some((e) => e.rule === id);
    results.push({ rule: id, file: rule.file, kind: 'nomatch', text, ok: !hit, problem: hit ? 'matched, but must not' : undefined });
  }
  return results;
}

export function testRules(set: CompiledRuleSet): ExampleResult[] {
  return set.rules.flatMap((r) => testRule(set, r));
}
