import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRules } from '../../src/rules/loader.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'clw-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const good = `family: t
rules:
  - id: ok-rule
    title: ok
    category: hang
    severity: error
    match: ['made no progress']
    fix: { title: f, steps: [s] }
    examples: { match: ['task made no progress'], nomatch: ['progress made'] }
`;

describe('loadRules', () => {
  it('loads the good file and names the problem in a bad one', () => {
    const dir = dirWith({ 'a.yaml': good, 'b.yaml': 'family: x\nrules: [ {id: broken' });
    const { ruleSet, problems } = loadRules(dir);
    expect(ruleSet.rules.map((r) => r.rule.id)).toEqual(['ok-rule']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/b\.yaml: not valid YAML/);
  });

  it('refuses a rule without examples, and one whose regex has no usable literal', () => {
    const noExamples = good.replace("    examples: { match: ['task made no progress'], nomatch: ['progress made'] }\n", '');
    const noLiteral = good.replace("['made no progress']", "['\\d+ \\w+']");
    const { problems: p1 } = loadRules(dirWith({ 'a.yaml': noExamples }));
    expect(p1[0]).toMatch(/rule ok-rule: examples: Required/);
    const { problems: p2 } = loadRules(dirWith({ 'a.yaml': noLiteral }));
    expect(p2[0]).toMatch(/no literal text/);
  });

  it('refuses a category outside the vocabulary and a duplicate id', () => {
    const { problems } = loadRules(dirWith({ 'a.yaml': good.replace('category: hang', 'category: meltdown'), 'b.yaml': good, 'c.yaml': good }));
    expect(problems.some((p) => /category/.test(p))).toBe(true);
    expect(problems.some((p) => /already used/.test(p))).toBe(true);
  });
});
