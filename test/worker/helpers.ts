// Runs the built clw-worker and clw-diag the way a user does, in throwaway folders.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WORKER_BIN = resolve('bin/clw-worker.js');
export const DIAG_BIN = resolve('bin/clw-diag.js');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'clw-worker-test-'));
}

/** A worker.toml with small limits; `extra` lines are appended to each section. */
export function writeConfig(dir: string, worker: Record<string, unknown> = {}, task: Record<string, unknown> = {}): string {
  const w = { id: 'worker-01', queue: 'queue', log_file: 'logs/worker.log', heartbeat_sec: 0.5, grace_period_sec: 1,
    max_restarts: 2, restart_backoff_ms: 100, ...worker };
  const t = { max_memory_gb: 0.5, timeout_sec: 5, concurrency: 2, ...task };
  const toml = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n');
  const file = join(dir, 'worker.toml');
  writeFileSync(file, `[worker]\n${toml(w)}\n\n[task]\n${toml(t)}\n`);
  return file;
}

export function worker(args: string[]): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [WORKER_BIN, ...args], { reject: false });
}

export async function enqueue(config: string, type: string, payload: object = {}, id?: string): Promise<void> {
  const r = await worker(['enqueue', '--config', config, '--type', type, '--payload', JSON.stringify(payload), ...(id ? ['--id', id] : [])]);
  if (r.exitCode !== 0) throw new Error(`enqueue failed: ${r.stderr}`);
}

export function readLog(dir: string): string {
  const f = join(dir, 'logs/worker.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

/** Waits until the worker.log in dir matches re (polling; the worker appends as it goes). */
export async function waitForLog(dir: string, re: RegExp, timeoutMs = 8000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = readLog(dir);
    if (re.test(text)) return text;
    if (Date.now() > until) throw new Error(`worker.log never matched ${re}:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DiagIncident {
  rank: number;
  category: string;
  rule: string;
  facts: Record<string, unknown>;
  consequences: { category: string }[];
}

/** clw-diag LOGDIR --format json, the incidents in rank order. */
export async function diagnose(logDir: string): Promise<DiagIncident[]> {
  const r = await execa(process.execPath, [DIAG_BIN, logDir, '--format', 'json'], { reject: false, env: { NO_COLOR: '1' } });
  return (JSON.parse(r.stdout) as { incidents: DiagIncident[] }).incidents;
}
