import { describe, expect, it } from 'vitest';
import { buildRuleSet } from '../../src/rules/compile.js';
import { lintRules } from '../../src/rules/lint.js';
import { loadRules } from '../../src/rules/loader.js';
import { ruleSet } from './helpers.js';

describe('rule lint', () => {
  it('finds nothing wrong in the shipped rules', () => {
    const { ruleSet: shipped } = loadRules('rules');
    expect(lintRules(shipped).map((p) => `${p.rule}: ${p.problem}`)).toEqual([]);
  });

  it('rejects a regex that can backtrack catastrophically', () => {
    const set = ruleSet({ id: 'bad', match: ['timeout (\\w+\\s?)*exceeded'], examples: { match: ['timeout a b exceeded'], nomatch: ['y'] } });
    expect(lintRules(set)[0].problem).toMatch(/backtrack catastrophically/);
  });

  it('reports a match regex no example exercises', () => {
    const set = ruleSet({ id: 'unused', match: ['first thing', 'second thing'], examples: { match: ['first thing'], nomatch: ['y'] } });
    expect(lintRules(set).map((p) => p.problem)).toEqual(['match[1] /second thing/ is not exercised by any example']);
  });

  it('reports a title fact the rule never captures', () => {
    const set = ruleSet({ id: 't', title: 'killed {victim}', match: ['killed it'], examples: { match: ['killed it'], nomatch: ['y'] } });
    expect(lintRules(set)[0].problem).toMatch(/\{victim\}/);
  });

  it('keeps an empty set empty', () => {
    expect(lintRules(buildRuleSet([]))).toEqual([]);
  });
});
