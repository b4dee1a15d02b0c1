import { describe, expect, it } from 'vitest';
import { buildRuleSet } from '../../src/rules/compile.js';
import { lintRules } from '../../src/rules/lint.js';
import { loadRules } from '../../src/rules/loader.js';
import { readLinearRegexes, regexKey, type RegexVerdict } from '../../src/rules/redos.js';
import { ruleSet } from './helpers.js';

// recheck takes minutes over the whole set; the shipped regexes were checked by it ahead of time
// (redos.test.ts asserts the list covers them all).
const linear = readLinearRegexes('rules/linear-regexes.json');
const fromList = (source: string, flags: string): RegexVerdict =>
  ({ complexity: linear.has(regexKey(source, flags)) ? 'linear' : 'unknown', summary: 'from the list' });

describe('rule lint', () => {
  it('finds nothing wrong in the shipped rules', () => {
    const { ruleSet: shipped } = loadRules('rules');
    expect(lintRules(shipped, fromList).map((p) => `${p.rule}: ${p.problem}`)).toEqual([]);
  });

  it('rejects a regex recheck finds exponential or polynomial, and passes a linear one', () => {
    const set = ruleSet(
      { id: 'bad', match: ['timeout (\\w+\\s?)*exceeded'], examples: { match: ['timeout a b exceeded'], nomatch: ['y'] } },
      { id: 'poly', match: ['Killed process \\d+ \\([^)]*\\) total-vm'], examples: { match: ['Killed process 1 (x) total-vm'], nomatch: ['y'] } },
      { id: 'fine', match: ['Killed process \\d+ \\([^()]*\\) total-vm'], examples: { match: ['Killed process 1 (x) total-vm'], nomatch: ['y'] } },
    );
    const problems = lintRules(set).map((p) => `${p.rule}: ${p.problem}`).sort();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^bad: match\[0\] .* can backtrack catastrophically: exponential time/);
    expect(problems[1]).toMatch(/^poly: match\[0\] .* can backtrack catastrophically: polynomial time \(2nd degree/);
  }, 120_000);

  it('reports a match regex no example exercises', () => {
    const set = ruleSet({ id: 'unused', match: ['first thing', 'second thing'], examples: { match: ['first thing'], nomatch: ['y'] } });
    expect(lintRules(set, fromList).map((p) => p.problem)).toEqual(['match[1] /second thing/ is not exercised by any example']);
  });

  it('reports a title fact the rule never captures', () => {
    const set = ruleSet({ id: 't', title: 'killed {victim}', match: ['killed it'], examples: { match: ['killed it'], nomatch: ['y'] } });
    expect(lintRules(set, fromList)[0].problem).toMatch(/\{victim\}/);
  });

  it('keeps an empty set empty', () => {
    expect(lintRules(buildRuleSet([]))).toEqual([]);
  });
});
