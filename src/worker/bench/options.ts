// The arguments of `clw-worker bench`, checked before anything starts: a mistake is one line and exit 2.

/** A bench argument the user got wrong; the command maps it to exit 2. */
export class BenchArgumentError extends Error {}

export interface BenchOptions {
  tasks: number;
  type: string;
  concurrency: number;
  payload: Record<string, unknown>;
  /** worker.toml whose settings the run uses (its paths are moved into the run folder) */
  config: string | null;
  /** seconds to wait for the queue to empty before stopping the worker */
  timeoutSec: number;
  /** the run folder; null: a fresh temporary one */
  out: string | null;
  json: boolean;
}

export interface RawBenchArgs {
  tasks: number;
  type: string;
  concurrency: number;
  payload?: string;
  config?: string;
  timeout?: number;
  out?: string;
  json?: boolean;
}

export const DEFAULT_TIMEOUT_SEC = 600;

// yargs turns a word given for a number into NaN: say so rather than print "NaN".
const shown = (v: number | undefined) => (Number.isNaN(v) ? 'not a number' : String(v));

function positiveInteger(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new BenchArgumentError(`--${name} must be a whole number of at least 1 (got ${shown(v)})`);
  return v;
}

function jsonObject(text: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new BenchArgumentError(`--payload is not JSON: ${text}`);
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new BenchArgumentError('--payload must be a JSON object');
  return payload as Record<string, unknown>;
}

export function benchOptions(a: RawBenchArgs): BenchOptions {
  const timeoutSec = a.timeout ?? DEFAULT_TIMEOUT_SEC;
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new BenchArgumentError(`--timeout must be a number of seconds above 0 (got ${shown(a.timeout)})`);
  if (!a.type.trim()) throw new BenchArgumentError('--type must name a task type');
  return {
    tasks: positiveInteger('tasks', a.tasks),
    type: a.type,
    concurrency: positiveInteger('concurrency', a.concurrency),
    payload: jsonObject(a.payload ?? '{}'),
    config: a.config ?? null,
    timeoutSec,
    out: a.out ?? null,
    json: a.json ?? false,
  };
}
