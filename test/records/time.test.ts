import { describe, expect, it } from 'vitest';
import { parseTimeBound, readLeadingTime } from '../../src/records/time.js';

describe('readLeadingTime', () => {
  it('reads ISO times with a zone', () => {
    const t = readLeadingTime('2026-11-20T10:00:01.250Z clw-worker[pid=1]: x');
    expect(t?.time).toBe(Date.UTC(2026, 10, 20, 10, 0, 1, 250));
    expect('2026-11-20T10:00:01.250Z clw-worker'.slice(t!.length)).toBe('clw-worker');
  });

  it('applies numeric offsets', () => {
    expect(readLeadingTime('2026-11-20T12:00:00+02:00 x')?.time).toBe(Date.UTC(2026, 10, 20, 10));
    expect(readLeadingTime('2026-11-20T12:00:00,123456+0200 x')?.time).toBe(Date.UTC(2026, 10, 20, 10, 0, 0, 123));
  });

  it('reads syslog times, taking the year that is not in the future', () => {
    const ref = Date.UTC(2026, 0, 5);
    const t = readLeadingTime('Dec 31 23:59:00 host kernel: x', { reference: ref });
    expect(new Date(t!.time!).getFullYear()).toBe(2025);
    const u = readLeadingTime('Jan  4 10:00:00 host kernel: x', { reference: ref });
    expect(new Date(u!.time!).getFullYear()).toBe(2026);
  });

  it('places dmesg monotonic stamps on the wall clock only with a boot time', () => {
    expect(readLeadingTime('[  12.500000] Out of memory')).toMatchObject({ time: null, monotonic: 12.5 });
    expect(readLeadingTime('[  12.500000] x', { bootTime: 1000 })?.time).toBe(13_500);
  });

  it('reads dmesg -T and Go log times', () => {
    expect(readLeadingTime('[Fri Nov 20 10:00:00 2026] x')?.time).toBe(new Date(2026, 10, 20, 10).getTime());
    expect(readLeadingTime('2026/11/20 10:00:00 panic: x')?.time).toBe(new Date(2026, 10, 20, 10).getTime());
  });

  it('finds no time in plain text', () => {
    expect(readLeadingTime('panic: runtime error')).toBeNull();
    expect(readLeadingTime('[clw] Memory utilization: 100%')).toBeNull();
  });
});

describe('parseTimeBound', () => {
  const now = Date.UTC(2026, 10, 23, 12);
  it('reads durations before now', () => {
    expect(parseTimeBound('1h', now)).toBe(now - 3_600_000);
    expect(parseTimeBound('30m', now)).toBe(now - 1_800_000);
    expect(parseTimeBound('2d', now)).toBe(now - 2 * 86_400_000);
  });
  it('reads ISO times and dates', () => {
    expect(parseTimeBound('2026-11-20T10:00:00Z', now)).toBe(Date.UTC(2026, 10, 20, 10));
    expect(parseTimeBound('2026-11-20', now)).toBe(new Date(2026, 10, 20).getTime());
  });
  it('rejects anything else', () => {
    expect(parseTimeBound('yesterday', now)).toBeNull();
    expect(parseTimeBound('5 parsecs', now)).toBeNull();
  });
});
