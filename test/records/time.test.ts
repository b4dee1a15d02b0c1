import { describe, expect, it } from 'vitest';
import { parseTimeBound, parseTimeText, readLeadingTime } from '../../src/records/time.js';

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
  it('rejects dates a Date would roll over, and times no Date holds', () => {
    expect(parseTimeBound('2026-13-45', now)).toBeNull();
    expect(parseTimeBound('2026-02-29', now)).toBeNull();
    expect(parseTimeBound('2026-11-20T24:00:00Z', now)).toBeNull();
    expect(parseTimeBound('99999999999d', now)).toBeNull();
    expect(parseTimeBound('2024-02-29', now)).toBe(new Date(2024, 1, 29).getTime());
  });
});

describe('times in the host locale and in program formats', () => {
  it('reads syslog and dmesg -T stamps with month names of other locales', () => {
    const ref = Date.UTC(2026, 11, 20);
    expect(new Date(readLeadingTime('Dez  3 10:00:00 host kernel: x', { reference: ref })!.time!).getMonth()).toBe(11);
    expect(new Date(readLeadingTime('déc. 03 10:00:00 host kernel: x', { reference: ref })!.time!).getMonth()).toBe(11);
    expect(new Date(readLeadingTime('[Mi Mär  4 10:00:00 2026] oom', { reference: ref })!.time!).getMonth()).toBe(2);
    expect(readLeadingTime('Foo  3 10:00:00 host kernel: x')).toBeNull();
  });

  it('reads the time shapes that line formats name', () => {
    expect(parseTimeText('03-Dec-2026 10:00:00', 'php')).toBe(new Date(2026, 11, 3, 10, 0, 0).getTime());
    expect(parseTimeText('10/Oct/2000:13:55:36 -0700', 'clf')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(parseTimeText('1595959595.125', 'epoch')).toBe(1595959595125);
    expect(parseTimeText('2023-08-22 21:53:21 +0200', 'iso')).toBe(Date.UTC(2023, 7, 22, 19, 53, 21));
    expect(new Date(parseTimeText('1203 10:00:00.123456', 'klog', { reference: Date.UTC(2026, 11, 20) })!).getDate()).toBe(3);
    expect(parseTimeText('not a time', 'php')).toBeNull();
  });

  it('reads ctime, Redis and Erlang report times, and zones written apart', () => {
    expect(parseTimeText('Tue Apr 30 09:46:59.387261 2019', 'ctime')).toBe(new Date(2019, 3, 30, 9, 46, 59, 387).getTime());
    expect(parseTimeText('Thu May 19 18:35:17 2016', 'ctime')).toBe(new Date(2016, 4, 19, 18, 35, 17).getTime());
    expect(parseTimeText('09 Sep 2021 14:12:06.299', 'redis')).toBe(new Date(2021, 8, 9, 14, 12, 6, 299).getTime());
    expect(parseTimeText('3-Jul-2018::10:12:24.612692', 'erlang')).toBe(new Date(2018, 6, 3, 10, 12, 24, 612).getTime());
    expect(parseTimeText('16-Sep-2019::19:53:10', 'erlang')).toBe(new Date(2019, 8, 16, 19, 53, 10).getTime());
    expect(parseTimeText('2022-01-19 13:38:37.846 GMT', 'iso')).toBe(Date.UTC(2022, 0, 19, 13, 38, 37, 846));
    expect(parseTimeText('2022-01-19 13:38:37.846 +03', 'iso')).toBe(Date.UTC(2022, 0, 19, 10, 38, 37, 846));
    expect(parseTimeText('Foo Bar 30 09:46:59 2019', 'ctime')).toBeNull();
    expect(parseTimeText('09 Sep 21 14:12:06', 'redis')).toBeNull();
  });
});
