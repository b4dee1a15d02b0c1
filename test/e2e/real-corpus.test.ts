// Recall on real failures: every case in test/corpus/real is a verbatim excerpt of a log pasted in
// a public issue thread or dataset; the built CLI must rank its expected category first. Adding a
// case is adding two files (NAME.log, NAME.json), no test code.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { CATEGORIES } from '../../src/types.js';
import { listCases, metaProblems, placeOf } from '../../scripts/corpus-cases.js';
import { clw } from './cli.js';

const cases = listCases(resolve('test/corpus/real'));

describe.concurrent('real failures are named first', () => {
  it('has a corpus', () => expect(cases.length).toBeGreaterThan(0));

  for (const c of cases) {
    it(c.name, { timeout: 120_000 }, async () => {
      expect(metaProblems(c.meta, CATEGORIES, false)).toEqual([]);
      const r = await clw([c.log, '--format', 'json', '--fail-on', 'never']);
      expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /);
      const report = JSON.parse(r.stdout);
      const named = report.incidents.map((i: { category: string; rule: string }) => `${i.category} (${i.rule})`);
      expect({ place: placeOf(report, c.meta.expect), named }).toMatchObject({ place: 1 });
    });
  }
});
