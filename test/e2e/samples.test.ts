// Every folder in samples/ is run through the built CLI and checked against its expected.json:
// adding a sample needs no new test code.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clw } from './cli.js';
import { ReportSchema } from './report-schema.js';

interface ExpectedIncident {
  rule?: string;
  category: string;
  severity?: string;
  count?: number;
  facts?: Record<string, string | number | boolean>;
  consequences?: string[];
}

interface Expected {
  description: string;
  args?: string[];
  exitCode?: number;
  events?: number;
  incidents: ExpectedIncident[];
}

const SAMPLES = resolve('samples');
const dirs = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((d) => existsSync(join(SAMPLES, d, 'expected.json'))).sort() : [];

describe('samples', () => {
  it('exist', () => expect(dirs.length).toBeGreaterThan(0));

  for (const dir of dirs) {
    it(dir, async () => {
      const expected = JSON.parse(readFileSync(join(SAMPLES, dir, 'expected.json'), 'utf8')) as Expected;
      // Samples are captures of November 2026: analysed as of then, their syslog stamps (no year)
      // fall in 2026 whatever today's date.
      const r = await clw([join(SAMPLES, dir), '--format', 'json', ...(expected.args ?? [])], { env: { CLW_DIAG_NOW: '2026-11-23T00:00:00Z' } });
      const report = ReportSchema.parse(JSON.parse(r.stdout));
      expect(r.exitCode).toBe(expected.exitCode ?? 1);
      const got = report.incidents.map((i) => ({
        rule: i.rule, category: i.category, severity: i.severity, count: i.count,
        facts: i.facts, consequences: i.consequences.map((c) => c.category),
      }));
      // Compare only what the expectation names, rank by rank, and the number of incidents.
      const shaped = got.slice(0, expected.incidents.length).map((g, n) => {
        const want = expected.incidents[n] ?? {};
        const facts = Object.fromEntries(Object.keys(want.facts ?? {}).map((k) => [k, g.facts[k]]));
        return Object.fromEntries(Object.keys(want).map((k) => [k, k === 'facts' ? facts : g[k as keyof typeof g]]));
      });
      expect(shaped).toEqual(expected.incidents);
      expect(report.incidents.map((i) => `${i.rank}. ${i.category} ${i.title}`)).toHaveLength(expected.incidents.length);
      if (expected.events !== undefined) expect(report.summary.events).toBe(expected.events);
    });
  }
});
