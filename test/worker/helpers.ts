// Runs the built clw-worker and clw-diag the way a user does, in throwaway folders.
import { execa, type ResultPromise } from 'execa';
import { expect } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clw, tempDir as e2eTempDir } from '../e2e/cli.js';

export const WORKER_BIN = resolve('bin/clw-worker.js');

export const tempDir = () => e2eTempDir('clw-worker-test-');

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
  id: string;
  rank: number;
  category: string;
  rule: string;
  causedBy: string | null;
  facts: Record<string, unknown>;
  evidence: { source: string; line: number; text: string }[];
  consequences: { id: string; category: string }[];
}

/** clw-diag LOGDIR --format json, the incidents in rank order. */
export async function diagnose(logDir: string): Promise<DiagIncident[]> {
  const r = await clw([logDir, '--format', 'json']);
  return (JSON.parse(String(r.stdout)) as { incidents: DiagIncident[] }).incidents;
}

/** `clw-worker reproduce NAME --out DIR` in a fresh folder: it must say it reproduced the failure and
 *  leave a worker.toml and a worker.log; returns DIR and the log. */
export async function reproduce(name: string): Promise<{ dir: string; log: string }> {
  const dir = join(tempDir(), name);
  const r = await worker(['reproduce', name, '--out', dir]);
  expect(r.stdout + r.stderr).toMatch(new RegExp(`^${name}: reproduced in `, 'm'));
  expect(r.exitCode).toBe(0);
  expect(existsSync(join(dir, 'worker.toml'))).toBe(true);
  expect(existsSync(join(dir, 'worker.log'))).toBe(true);
  return { dir, log: readFileSync(join(dir, 'worker.log'), 'utf8') };
}
