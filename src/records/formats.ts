// Loads formats/*.json and reads a line's head with them. A malformed format file is left out
// with a one-line problem; the others load.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatSchema, type LogFormat } from './format-schema.js';
import { normalLevel } from './levels.js';
import { parseTimeText, type TimeContext } from './time.js';

export const DEFAULT_FORMATS_DIR = fileURLToPath(new URL('../../formats', import.meta.url));

export interface CompiledFormat {
  format: LogFormat;
  re: RegExp;
}

export interface FormatHead {
  format: string;
  /** Characters the head took. */
  length: number;
  time?: number | null;
  level?: string;
  process?: string;
  pid?: number;
  host?: string;
  unit?: string;
  worker?: string;
}

export function loadFormats(dir: string, problems: string[] = []): CompiledFormat[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    problems.push(`${dir}: no formats folder`);
    return [];
  }
  const out: CompiledFormat[] = [];
  for (const f of files) {
    try {
      const format = FormatSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      out.push({ format, re: new RegExp(format.regex, 'u') });
    } catch (err) {
      problems.push(`${f}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return out.sort((a, b) => a.format.order - b.format.order || a.format.name.localeCompare(b.format.name));
}

let bundled: { prefixes: CompiledFormat[]; envelopes: CompiledFormat[] } | null = null;

/** The bundled formats, split by role, loaded once. */
export function bundledFormats(): { prefixes: CompiledFormat[]; envelopes: CompiledFormat[] } {
  if (!bundled) {
    const all = loadFormats(DEFAULT_FORMATS_DIR);
    bundled = { prefixes: all.filter((f) => f.format.role === 'prefix'), envelopes: all.filter((f) => f.format.role === 'envelope') };
  }
  return bundled;
}

/** The head of `line` under the first of `formats` that matches, or null. */
export function readHead(line: string, formats: CompiledFormat[], ctx: TimeContext = {}): FormatHead | null {
  for (const { format, re } of formats) {
    const m = re.exec(line);
    if (!m) continue;
    const g = m.groups ?? {};
    const head: FormatHead = { format: format.name, length: m[0].length };
    if (g.time !== undefined) head.time = parseTimeText(g.time, format.timeFormat, ctx);
    if (g.level !== undefined) head.level = normalLevel(format.levels[g.level] ?? g.level);
    const process = g.process ?? format.set.process;
    if (process) head.process = process;
    if (g.pid !== undefined && /^\d+$/.test(g.pid)) head.pid = Number(g.pid);
    if (g.host) head.host = g.host;
    if (g.unit) head.unit = g.unit;
    if (g.worker) head.worker = g.worker;
    return head;
  }
  return null;
}
