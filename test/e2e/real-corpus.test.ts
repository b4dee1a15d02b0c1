// Recall on real failures: every case in test/corpus/real is a verbatim excerpt of a log pasted in
// a public issue thread or dataset; the analysis must rank its expected category first. Adding a
// case is adding two files (NAME.log, NAME.json), no test code.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { CATEGORIES } from '../../src/types.js';
import { listCases, metaProblems, placeOf } from '../../scripts/corpus-cases.js';
import { analyzePaths } from './in-process.js';

const cases = listCases(resolve('test/corpus/real'));

describe.concurrent('real failures are named first', () => {
  it('has a corpus', () => expect(cases.length).toBeGreaterThan(0));

  for (const c of cases) {
    it(c.name, { timeout: 120_000 }, async () => {
      expect(metaProblems(c.meta, CATEGORIES, false)).toEqual([]);
      const report = await analyzePaths([c.log]);
      const named = report.incidents.map((i: { category: string; rule: string }) => `${i.category} (${i.rule})`);
      expect({ place: placeOf(report, c.meta.expect), named }).toMatchObject({ place: 1 });
    });
  }
});
