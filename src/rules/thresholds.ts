// Thresholds are data (config/defaults.toml), changed by a config file or --threshold, never by
// editing a rule.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { editDistance } from '../text/edit-distance.js';

export const DEFAULT_THRESHOLDS_FILE = fileURLToPath(new URL('../../config/defaults.toml', import.meta.url));

const ThresholdSchema = z.object({
  value: z.number().positive(),
  unit: z.string(),
  outlier_factor: z.number().gt(1).optional(),
  outlier_min: z.number().nonnegative().optional(),
  description: z.string(),
});

export type Threshold = z.infer<typeof ThresholdSchema>;
export type Thresholds = Map<string, Threshold>;

let bundled: Thresholds | null = null;

/** The shipped thresholds, read once. */
export function defaultThresholds(file = DEFAULT_THRESHOLDS_FILE): Thresholds {
  if (file === DEFAULT_THRESHOLDS_FILE && bundled) return new Map(bundled);
  const doc = z.object({ thresholds: z.record(ThresholdSchema) }).parse(parseToml(readFileSync(file, 'utf8')));
  const map = new Map(Object.entries(doc.thresholds));
  if (file === DEFAULT_THRESHOLDS_FILE) bundled = map;
  return new Map(map);
}

/** The closest known name, for "did you mean". */
function closest(name: string, known: string[]): string | undefined {
  const best = known.map((k) => ({ k, d: editDistance(name, k) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, name.length / 3) ? best.k : undefined;
}

/** Thresholds with overrides applied; each problem names the override and where it came from. */
export function overrideThresholds(base: Thresholds, overrides: Record<string, unknown>, origin: string): { thresholds: Thresholds; problems: string[] } {
  const out = new Map(base);
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(overrides)) {
    const known = out.get(name);
    if (!known) {
      const hint = closest(name, [...out.keys()]);
      problems.push(`${origin}: unknown threshold ${JSON.stringify(name)}${hint ? ` (did you mean ${hint}?)` : ''}; known: ${[...out.keys()].join(', ')}`);
      continue;
    }
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      problems.push(`${origin}: threshold ${name} = ${JSON.stringify(raw)}: expected a number above 0 (${known.unit})`);
      continue;
    }
    out.set(name, { ...known, value });
  }
  return { thresholds: out, problems };
}
