import { describe, expect, it } from 'vitest';
import { parseWindow } from '../../src/cli/options.js';

describe('parseWindow', () => {
  const now = Date.UTC(2026, 10, 23, 12);
  const problem = (since: string) => {
    try {
      parseWindow(since, undefined, now);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };

  it.each([
    ['2026-13-45', 'there is no month 13'],
    ['2026-00-10', 'there is no month 0'],
    ['2026-02-29', 'month 2 of 2026 has no day 29'],
    ['2026-04-31T10:00:00Z', 'month 4 of 2026 has no day 31'],
    ['2026-11-00', 'month 11 of 2026 has no day 0'],
    ['2026-11-20T25:00:00Z', 'there is no hour 25'],
    ['2026-11-20T24:00:00Z', 'there is no hour 24'],
    ['2026-11-20T10:61:00Z', 'there is no minute 61'],
    ['2026-11-20T10:00:60Z', 'there is no second 60'],
    ['2026-11-20T10:00:00+99:00', 'there is no time zone +99:00'],
    ['2026-11-20T10:00:00-05:75', 'there is no time zone -05:75'],
    ['99999-01-01', 'the year is out of range'],
    ['99999999999d', 'too far back to be a time'],
  ])('--since %s: %s', (value, message) => {
    expect(problem(value)).toBe(`--since ${JSON.stringify(value)}: ${message}`);
  });

  it('takes real dates, leap days and zones', () => {
    expect(parseWindow('2024-02-29T23:59:59Z', '2026-11-20T10:00:00-14:00', now)).toEqual({ since: Date.UTC(2024, 1, 29, 23, 59, 59), until: Date.UTC(2026, 10, 21, 0) });
    expect(parseWindow('2000-02-29', undefined, now).since).toBe(new Date(2000, 1, 29).getTime());
    expect(problem('1900-02-29')).toMatch(/no day 29/);
  });
});
