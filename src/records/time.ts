// Reads the time at the start of a line in the shapes logs print it.
// Times without a zone are taken as the machine's local time, as the writing program did.

import { monthIndex } from './months.js';
import type { TIME_FORMATS } from './format-schema.js';

export type TimeShape = 'iso' | 'go' | 'syslog' | 'dmesg';

export interface LeadingTime {
  shape: TimeShape;
  /** Epoch milliseconds, or null for a monotonic stamp with no boot time to anchor it. */
  time: number | null;
  /** Characters the time took, with the space after it. */
  length: number;
  /** Seconds since boot, for dmesg's raw `[secs]`. */
  monotonic?: number;
}

// One separator after the time, not all the white space: indentation is part of the message
// (a traceback's code lines under `kubectl logs --timestamps`).
const ISO = /^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\]?[ \t]?/;
const GO_LOG = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?[ \t]/;
// Month and day names in the host's locale too: `Dez  3`, `déc. 03`, `[Mi Dez  3 ...]`.
const SYSLOG = /^(\p{L}{3,5}\.?) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /u;
const DMESG_CTIME = /^\[(?:\p{L}{2,4}\.?) (\p{L}{3,5}\.?) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\][ \t]*/u;
const DMESG_MONO = /^\[\s*(\d+)\.(\d+)\][ \t]*/;

/** A JavaScript Date spans 100 million days either side of 1970; a time beyond cannot be printed. */
const MAX_TIME_MS = 8.64e15;

/** The time when a Date can hold it, else null: a line whose stamp cannot be placed is timeless. */
export function placeable(t: number | null | undefined): number | null {
  return typeof t === 'number' && Number.isFinite(t) && Math.abs(t) <= MAX_TIME_MS ? t : null;
}

function fractionMs(frac: string | undefined): number {
  return frac ? Number((frac + '000').slice(0, 3)) : 0;
}

function zoned(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string | undefined): number {
  if (!zone) return new Date(y, mo, d, h, mi, s, ms).getTime();
  const utc = Date.UTC(y, mo, d, h, mi, s, ms);
  if (zone === 'Z') return utc;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return utc - sign * offsetMin * 60_000;
}

/** Syslog omits the year: take the one that puts the time no later than a day after `reference`. */
function syslogYear(mo: number, d: number, reference: number): number {
  const ref = new Date(reference);
  const year = ref.getFullYear();
  const candidate = new Date(year, mo, d).getTime();
  return candidate > reference + 86_400_000 ? year - 1 : year;
}

export interface TimeContext {
  /** Epoch ms of boot, to place dmesg's monotonic stamps on the wall clock. */
  bootTime?: number | null;
  /** "Now" for year inference. */
  reference?: number;
}

export function readLeadingTime(line: string, ctx: TimeContext = {}): LeadingTime | null {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57 || c === 91) {
    let m = ISO.exec(line);
    if (m) {
      const t = zoned(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], fractionMs(m[7]), m[8]);
      return { shape: 'iso', time: t, length: m[0].length };
    }
    m = GO_LOG.exec(line);
    if (m) return { shape: 'go', time: zoned(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], fractionMs(m[7]), undefined), length: m[0].length };
    m = DMESG_MONO.exec(line);
    if (m) {
      const secs = Number(`${m[1]}.${m[2]}`);
      const time = ctx.bootTime != null ? Math.round(ctx.bootTime + secs * 1000) : null;
      return { shape: 'dmesg', time, length: m[0].length, monotonic: secs };
    }
    m = DMESG_CTIME.exec(line);
    const dmo = m ? monthIndex(m[1]) : undefined;
    if (m && dmo !== undefined) {
      return { shape: 'dmesg', time: new Date(+m[6], dmo, +m[2], +m[3], +m[4], +m[5]).getTime(), length: m[0].length };
    }
    return null;
  }
  const m = SYSLOG.exec(line);
  const mo = m ? monthIndex(m[1]) : undefined;
  if (m && mo !== undefined) {
    const year = syslogYear(mo, +m[2], ctx.reference ?? Date.now());
    return { shape: 'syslog', time: new Date(year, mo, +m[2], +m[3], +m[4], +m[5], fractionMs(m[6])).getTime(), length: m[0].length };
  }
  return null;
}

const PHP_TIME = /^(\d{2})-(\p{L}{3,5}\.?)-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/u;
const KLOG_TIME = /^(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const CLF_TIME = /^(\d{2})\/(\p{L}{3,5})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-]\d{4}))?$/u;
const SPACED_ZONE = /(\d) ([+-]\d{2}(?::?\d{2})?|Z|UTC|GMT)$/;
// `Wed Oct 11 14:32:52.123456 2000` (Apache's error log), `09 Sep 2021 14:12:06.299` (Redis),
// `3-Jul-2018::10:12:24.612692` (Erlang's SASL reports).
const CTIME_TIME = /^\p{L}{2,4}\.? (\p{L}{3,5}\.?) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\d{4})$/u;
const REDIS_TIME = /^(\d{1,2}) (\p{L}{3,5}\.?) (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/u;
const ERLANG_TIME = /^(\d{1,2})-(\p{L}{3,5}\.?)-(\d{4})::(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/u;

/** A zone written apart from the time (`... 13:38:37.846 GMT`, `... +03`) as readLeadingTime wants it. */
function joinZone(_: string, d: string, z: string): string {
  if (z === 'UTC' || z === 'GMT') return `${d}Z`;
  return `${d}${z.length === 3 ? `${z}00` : z}`;
}

/** A time captured by a line format (formats/*.json), in that format's shape; null when unreadable. */
export function parseTimeText(text: string, format: (typeof TIME_FORMATS)[number], ctx: TimeContext = {}): number | null {
  const t = text.trim();
  let m: RegExpExecArray | null;
  switch (format) {
    case 'epoch': {
      const n = Number(t);
      if (!Number.isFinite(n) || n <= 0) return null;
      return Math.round(n > 1e11 ? n : n * 1000);
    }
    case 'php':
      if (!(m = PHP_TIME.exec(t)) || monthIndex(m[2]) === undefined) return null;
      return new Date(+m[3], monthIndex(m[2])!, +m[1], +m[4], +m[5], +m[6], fractionMs(m[7])).getTime();
    case 'klog': {
      if (!(m = KLOG_TIME.exec(t))) return null;
      const year = syslogYear(+m[1] - 1, +m[2], ctx.reference ?? Date.now());
      return new Date(year, +m[1] - 1, +m[2], +m[3], +m[4], +m[5], fractionMs(m[6])).getTime();
    }
    case 'clf':
      if (!(m = CLF_TIME.exec(t)) || monthIndex(m[2]) === undefined) return null;
      return zoned(+m[3], monthIndex(m[2])!, +m[1], +m[4], +m[5], +m[6], 0, m[7]);
    case 'ctime':
      if (!(m = CTIME_TIME.exec(t)) || monthIndex(m[1]) === undefined) return null;
      return new Date(+m[7], monthIndex(m[1])!, +m[2], +m[3], +m[4], +m[5], fractionMs(m[6])).getTime();
    case 'redis':
    case 'erlang':
      if (!(m = (format === 'redis' ? REDIS_TIME : ERLANG_TIME).exec(t)) || monthIndex(m[2]) === undefined) return null;
      return new Date(+m[3], monthIndex(m[2])!, +m[1], +m[4], +m[5], +m[6], fractionMs(m[7])).getTime();
    default: {
      const lead = readLeadingTime(t.replace(SPACED_ZONE, joinZone) + ' ', ctx);
      return lead ? lead.time : null;
    }
  }
}

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)$/;
const RELATIVE_MS: Record<string, number> = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const BOUND_FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?/;
const BOUND_ZONE = /^\s*([+-])(\d{2}):?(\d{2})?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Why a `--since` / `--until` value names no real time (month 13, 25 o'clock, a year no Date
 *  holds), or null. Date would roll these over silently: 2026-13-45 would become 2027-02-14. */
export function timeBoundProblem(value: string, now = Date.now()): string | null {
  const v = value.trim();
  const rel = RELATIVE.exec(v);
  if (rel) return placeable(now - Number(rel[1]) * RELATIVE_MS[rel[2]]) === null ? 'too far back to be a time' : null;
  const m = BOUND_FIELDS.exec(v);
  if (!m) return /^\d{5,}-\d{2}-\d{2}/.test(v) ? 'the year is out of range' : null;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  if (mo < 1 || mo > 12) return `there is no month ${mo}`;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1];
  if (d < 1 || d > days) return `month ${mo} of ${y} has no day ${d}`;
  if (m[4] !== undefined && +m[4] > 23) return `there is no hour ${+m[4]}`;
  if (m[5] !== undefined && +m[5] > 59) return `there is no minute ${+m[5]}`;
  if (m[6] !== undefined && +m[6] > 59) return `there is no second ${+m[6]}`;
  const zone = BOUND_ZONE.exec(v.slice(m[0].length));
  if (zone && (+zone[2] > 14 || +(zone[3] ?? 0) > 59)) return `there is no time zone ${v.slice(m[0].length).trim()}`;
  return null;
}

/** `--since` / `--until`: 1h, 30m, 2d (before now) or an ISO time. Null when it is neither, or names
 *  no real time (see timeBoundProblem). */
export function parseTimeBound(value: string, now = Date.now()): number | null {
  const v = value.trim();
  if (timeBoundProblem(v, now) !== null) return null;
  const rel = RELATIVE.exec(v);
  if (rel) return now - Number(rel[1]) * RELATIVE_MS[rel[2]];
  if (v === 'now') return now;
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const lead = readLeadingTime(v.length === 10 ? `${v}T00:00:00 ` : `${v} `);
  if (lead && lead.length >= v.length) return placeable(lead.time);
  return placeable(Date.parse(v));
}
