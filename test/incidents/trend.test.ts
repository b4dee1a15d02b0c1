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
