// The healthy-log gate: real logs of systems that did not fail (test/corpus/healthy) must raise no
// error or critical incident. A warning must be explainable from its own line (the test prints them).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CATEGORIES } from '../../src/types.js';
import { metaProblems } from '../../scripts/corpus-cases.js';
import { analyzePaths } from './in-process.js';

const CORPUS = resolve('test/corpus/healthy');
const files: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.log')) files.push(path);
  }
};
walk(CORPUS);

/** A log's provenance: its own NAME.json, or its folder's README (a whole dataset such as loghub). */
function provenance(file: string): string[] {
  const meta = file.slice(0, -4) + '.json';
  if (existsSync(meta)) return metaProblems(JSON.parse(readFileSync(meta, 'utf8')), CATEGORIES, true);
  return existsSync(join(dirname(file), 'README.md')) ? [] : ['no NAME.json and no README.md in its folder'];
}

describe.concurrent('healthy logs raise no alarm', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
  });

  for (const file of files) {
    const name = relative(CORPUS, file);
    it(name, { timeout: 120_000 }, async () => {
      expect(provenance(file)).toEqual([]);
      const report = await analyzePaths([file]);
      const alarms = report.incidents
        .filter((i) => i.severity === 'error' || i.severity === 'critical')
        .map((i) => `${i.rule}: ${i.evidence[0].text}`);
      expect(alarms).toEqual([]);
      // Every source was read: an unreadable one would make the CLI exit 2.
      expect(report.sources.flatMap((src) => src.errors)).toEqual([]);
      for (const w of report.incidents) console.log(`${name}: ${w.severity} ${w.rule}: ${w.evidence[0].text.slice(0, 120)}`);
    });
  }
});
