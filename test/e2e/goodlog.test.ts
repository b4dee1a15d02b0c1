// The healthy-log gate: real logs of systems that did not fail must raise no error or critical
// incident. A warning must be explainable from its own line (the test prints them).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clw } from './cli.js';

const CORPUS = resolve('../shared/corpus/loghub');
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.log')).sort();

describe('healthy logs raise no alarm', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
  });

  for (const file of files) {
    it(file, async () => {
      const r = await clw([join(CORPUS, file), '--format', 'json', '--fail-on', 'error']);
      const report = JSON.parse(r.stdout);
      const alarms = report.incidents
        .filter((i: { severity: string }) => i.severity === 'error' || i.severity === 'critical')
        .map((i: { rule: string; evidence: { text: string }[] }) => `${i.rule}: ${i.evidence[0].text}`);
      expect(alarms).toEqual([]);
      expect(r.exitCode).toBe(0);
      for (const w of report.incidents) console.log(`${file}: ${w.severity} ${w.rule}: ${w.evidence[0].text.slice(0, 120)}`);
    });
  }
});
