// Many distinct subjects: a busy host's journal names thousands of units and processes. The report
// stays bounded (at most 1,000 incidents a rule, the rest summarised and still counted) and every
// incident it lists is as it would be alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clw, tempDir } from './cli.js';

const unitFailure = (n: number) => `2026-12-01T00:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z node-3 systemd[1]: batch-${n}.service: Failed with result 'exit-code'.\n`;

describe('many subjects', () => {
  it('lists at most 1,000 incidents of one rule, says how many more were summarised, and counts them all', async () => {
    const log = join(tempDir(), 'journal.log');
    writeFileSync(log, Array.from({ length: 2500 }, (_, n) => unitFailure(n)).join(''));
    const r = await clw([log, '--format', 'json', '--fail-on', 'never']);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.incidents).toHaveLength(1000);
    expect(report.summary.incidents).toBe(2500);
    expect(report.summary.events).toBe(2500);
    expect(Object.values(report.summary.byCategory).reduce((a: number, b) => a + (b as number), 0)).toBe(2500);
    // The most recent are kept: units 1500 to 2499.
    const units = report.incidents.map((i: { subjects: { units: string[] } }) => Number(/batch-(\d+)/.exec(i.subjects.units[0])![1]));
    expect(Math.min(...units)).toBe(1500);
    expect(report.notes.join('\n')).toMatch(/^1500 incidents quiet longest were summarised to keep memory bounded \(counted in the summary, not listed\): \S+ \(\S+\) 1500 incidents, 1500 events, last 2026-12-01T00:24:59.000Z$/m);
  });
});
