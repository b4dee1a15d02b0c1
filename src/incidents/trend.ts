// Turns samples of a growing value (heartbeat RSS) into a leak finding: the growth rate by least
// squares, and the time left before the limit. Samples that do not grow steadily are no incident.
import type { Facts } from '../types.js';

export interface TrendSpec {
  value: string;
  limit?: string;
  minPoints: number;
  minGrowthPct: number;
}

export interface TrendFinding {
  facts: Facts;
  severity: 'warning' | 'error' | 'critical';
}

const HOUR = 3_600_000;
/** How straight the growth must be: a sawtooth of allocation and release is not a leak. */
const MIN_R2 = 0.6;

export function evaluateTrend(samples: [number | null, number][], spec: TrendSpec, facts: Facts): TrendFinding | null {
  let timed = samples.filter((s): s is [number, number] => s[0] !== null);
  // A series pasted without times (an app printing its RSS every N requests) is read in line
  // order: the growth and its steadiness still show, a rate per hour does not.
  const untimed = timed.length === 0;
  if (untimed) timed = samples.map(([, v], i) => [i * HOUR, v]);
  if (timed.length < spec.minPoints) return null;
  const t0 = timed[0][0];
  const xs = timed.map(([t]) => (t - t0) / HOUR);
  const ys = timed.map(([, v]) => v);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  const slope = sxy / sxx;
  const r2 = (sxy * sxy) / (sxx * syy);
  const first = ys[0];
  const last = ys[n - 1];
  const growthPct = first > 0 ? ((last - first) / first) * 100 : 0;
  if (slope <= 0 || r2 < MIN_R2 || growthPct < spec.minGrowthPct) return null;
  const out: Facts = untimed
    ? { growthBytesPerSample: Math.round(slope), startBytes: first, lastBytes: last, growthPct: Math.round(growthPct), samples: n }
    : {
      growthBytesPerHour: Math.round(slope),
      startBytes: first,
      lastBytes: last,
      growthPct: Math.round(growthPct),
      samples: n,
      observedHours: Number(xs[n - 1].toFixed(2)),
    };
  if (untimed) return { facts: out, severity: 'warning' };
  const limit = spec.limit ? facts[spec.limit] : undefined;
  let severity: TrendFinding['severity'] = 'warning';
  if (typeof limit === 'number' && limit > last) {
    const hours = (limit - last) / slope;
    out.hoursToLimit = Number(hours.toFixed(1));
    out.minutesToLimit = Math.round(hours * 60);
    if (hours < 1) severity = 'error';
  } else if (typeof limit === 'number') {
    severity = 'error';
    out.hoursToLimit = 0;
    out.minutesToLimit = 0;
  }
  return { facts: out, severity };
}
