// Builds small rule sets in tests without YAML files.
import { buildRuleSet, compileRule, type CompiledRuleSet } from '../../src/rules/compile.js';
import { RuleSchema } from '../../src/rules/schema.js';
import { Matcher } from '../../src/rules/matcher.js';
import { alignLines } from '../../src/sources/lines.js';
import type { DiagEvent, TimeWindow } from '../../src/types.js';

export function ruleSet(...rules: Record<string, unknown>[]): CompiledRuleSet {
  return buildRuleSet(rules.map((r) => compileRule({
    rule: RuleSchema.parse({
      title: r.id, category: 'crash.segv', severity: 'error', fix: { title: 'fix', steps: ['do'] },
      examples: { match: ['x'], nomatch: ['y'] }, ...r,
    }),
    family: 'test', file: 'test.yaml',
  })));
}

/** Runs text through the matcher in chunks of `chunkBytes` (aligned on lines as the pipeline does). */
export async function scanText(set: CompiledRuleSet, text: string | Buffer, chunkBytes = 1 << 20, window?: TimeWindow): Promise<{ events: DiagEvent[]; notes: string[]; lines: number }> {
  const events: DiagEvent[] = [];
  const notes: string[] = [];
  const m = new Matcher(set, { source: 't.log', sourceKind: 'file', window, onEvent: (e) => events.push(e), onNote: (n) => notes.push(n) });
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  async function* pieces() {
    for (let i = 0; i < buf.length; i += chunkBytes) yield buf.subarray(i, i + chunkBytes);
  }
  for await (const chunk of alignLines(pieces())) m.feed(chunk);
  m.finish();
  return { events, notes, lines: m.lines };
}
