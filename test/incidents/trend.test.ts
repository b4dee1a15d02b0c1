import { describe, expect, it } from 'vitest';
import { evaluateTrend } from '../../src/incidents/trend.js';

const spec = { value: 'rssBytes', limit: 'memoryLimitBytes', minPoints: 6, minGrowthPct: 20 };
const HOUR = 3_600_000;
const MIB = 1024 ** 2;

describe('evaluateTrend', () => {
  it('finds steady growth, its rate and the time left to the limit', () => {
    const samples: [number, number][] = Array.from({ length: 12 }, (_, i) => [i * HOUR / 4, 500 * MIB + i * 25 * MIB]);
    const found = evaluateTrend(samples, spec, { memoryLimitBytes: 2048 * MIB });
    expect(found?.facts.growthBytesPerHour).toBe(100 * MIB);
    expect(found?.facts.hoursToLimit).toBeCloseTo((2048 - 775) / 100, 1);
    expect(found?.severity).toBe('warning');
  });

  it('is an error when the limit is less than an hour away', () => {
    const samples: [number, number][] = Array.from({ length: 8 }, (_, i) => [i * 60_000, 1000 * MIB + i * 100 * MIB]);
    expect(evaluateTrend(samples, spec, { memoryLimitBytes: 2000 * MIB })?.severity).toBe('error');
  });

  it('ignores a sawtooth, a flat line and too few samples', () => {
    const saw: [number, number][] = Array.from({ length: 20 }, (_, i) => [i * 60_000, (i % 2 ? 900 : 500) * MIB]);
    expect(evaluateTrend(saw, spec, {})).toBeNull();
    const flat: [number, number][] = Array.from({ length: 20 }, (_, i) => [i * 60_000, 500 * MIB]);
    expect(evaluateTrend(flat, spec, {})).toBeNull();
    expect(evaluateTrend([[0, 1], [1, 2], [2, 3]], spec, {})).toBeNull();
  });
});

describe('samples kept for a trend', () => {
  it('stay evenly spread over a long input', async () => {
    const { addEvent, newDraft } = await import('../../src/incidents/draft.js');
    const event = (i: number) => ({
      rule: 'hb', category: 'leak.memory' as const, severity: 'info' as const, code: null, title: 't', source: 's', sourceKind: 'file' as const,
      line: i, time: i * 10_000, facts: { rssBytes: 100 * MIB + i * 1000 }, subjects: { pids: [1], processes: [], workers: [], units: [], hosts: [] }, evidence: [],
    });
    const d = newDraft(event(0), 'k');
    for (let i = 0; i < 100_000; i++) addEvent(d, event(i), 'rssBytes');
    expect(d.samples.length).toBeLessThanOrEqual(4096);
    const firstHalf = d.samples.filter(([t]) => (t as number) < 500_000_000).length;
    expect(firstHalf / d.samples.length).toBeGreaterThan(0.45);
    expect(firstHalf / d.samples.length).toBeLessThan(0.55);
    expect(evaluateTrend(d.samples, spec, {})).not.toBeNull();
  });
});
