// Every example of every rule in rules/ runs here: adding a rule needs no new test code.
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { loadRules } from '../../src/rules/loader.js';
import { testRule } from '../../src/rules/tester.js';

const { ruleSet, problems } = loadRules('rules');

describe('rules/', () => {
  it('load without problems', () => {
    expect(problems).toEqual([]);
    expect(ruleSet.rules.length).toBeGreaterThan(0);
  });
});

for (const rule of ruleSet.rules) {
  describe(`${basename(rule.file)} ${rule.rule.id}`, () => {
    for (const result of testRule(ruleSet, rule)) {
      it(`${result.kind}: ${result.text.split('\n')[0].slice(0, 80)}`, () => {
        expect(result.problem ?? 'ok').toBe('ok');
      });
    }
  });
}
