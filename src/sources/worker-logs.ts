// `--worker-logs`: the named worker logs, or the default places OpenClaw writes them.
import { existsSync } from 'node:fs';
import { fileSource } from './file.js';
import type { Source } from './source.js';

export const DEFAULT_WORKER_LOGS = ['/var/log/clw/worker.log', '/var/log/claw/worker.log'];

export interface WorkerLogs {
  sources: Source[];
  errors: string[];
}

export function workerLogSources(paths: string[]): WorkerLogs {
  if (paths.length) return { sources: paths.map((p) => fileSource(p, 'worker-log')), errors: [] };
  const found = DEFAULT_WORKER_LOGS.filter((p) => existsSync(p));
  if (!found.length) return { sources: [], errors: [`--worker-logs: no worker log at ${DEFAULT_WORKER_LOGS.join(' or ')}; name one with --worker-logs PATH`] };
  return { sources: found.map((p) => fileSource(p, 'worker-log')), errors: [] };
}
