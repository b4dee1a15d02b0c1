// `clw-worker reproduce SCENARIO --out DIR`: runs the real worker (`clw-worker run` as a separate
// process, the way an operator starts it) into a failure and leaves in DIR what an operator would
// have: worker.toml, worker.log, the tasks' stderr.log, dmesg.txt when the kernel took part, and any core files.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enqueue, newTask } from './queue.js';
import { SCENARIOS, type Scenario } from './scenarios/index.js';

const WORKER_BIN = fileURLToPath(new URL('../../bin/clw-worker.js', import.meta.url));
// A scenario that has not failed by then is itself broken: stop rather than hang the caller.
const MAX_WAIT_MS = 30_000;

function toml(o: Record<string, unknown>): string {
  return Object.entries(o).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n');
}

/** The worker.toml of a scenario: paths relative to DIR, so DIR is self-contained. */
export function scenarioConfig(s: Scenario): string {
  const w = { id: 'worker-01', queue: 'queue', log_file: 'worker.log', core_dir: 'cores', stderr_file: 'stderr.log', heartbeat_sec: 30,
    grace_period_sec: 1, max_restarts: 2, restart_backoff_ms: 100, ...s.worker };
  const t = { max_memory_gb: 1, timeout_sec: 10, concurrency: 1, ...s.task };
  return `[worker]\n${toml(w)}\n\n[task]\n${toml(t)}\n`;
}

function dmesg(): string[] | string {
  const r = spawnSync('dmesg', ['--time-format', 'iso'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : `dmesg failed: ${(r.stderr || r.error?.message || '').trim()}`;
}

/** The kernel's lines logged after `before` (a dmesg snapshot taken at the start of the event). */
export function kernelLines(before: string[] | string, since: number): string[] {
  const now = dmesg();
  if (typeof now === 'string') return [`# ${now}`];
  // The ISO stamps come from boot time plus a clock that drifts from Date.now() by up to a second
  // or more, so the snapshot's last line marks "from the event on" better than a time does.
  const last = typeof before === 'string' ? undefined : before.at(-1);
  const at = last === undefined ? -1 : now.lastIndexOf(last);
  if (at >= 0 || (last === undefined && typeof before !== 'string')) return now.slice(at + 1);
  // The ring buffer wrapped past the snapshot: fall back to the stamps, with slack for the drift.
  return now.filter((l) => {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d),(\d{6})([+-]\d\d:\d\d)/.exec(l);
    return m !== null && Date.parse(`${m[1]}.${m[2].slice(0, 3)}${m[3]}`) >= since - 5000;
  });
}

function waitFor(file: string, re: RegExp, exited: () => boolean, until: number): Promise<boolean> {
  return new Promise((done) => {
    const tick = () => {
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (re.test(text)) done(true);
      else if (exited() || Date.now() > until) done(false);
      else setTimeout(tick, 50);
    };
    tick();
  });
}

export interface Reproduced {
  dir: string;
  /** the failure line was seen (or the worker exited on its own, for scenarios that expect it) */
  reproduced: boolean;
  exitCode: number | null;
  notes: string[];
}

/** --out cannot take the run: the user's to fix (exit 2), not a failed reproduction. */
export class OutFolderError extends Error {}

export async function reproduce(name: string, out: string): Promise<Reproduced> {
  const s = SCENARIOS[name];
  if (!s) throw new Error(`unknown scenario '${name}' (known: ${Object.keys(SCENARIOS).join(', ')})`);
  const why = s.unavailable?.();
  if (why) throw new Error(`scenario '${name}' cannot run here: ${why}`);
  const dir = resolve(out);
  // A second run would append to the first one's log and queue, and mix two events in one diagnosis.
  if (existsSync(join(dir, 'worker.log'))) throw new OutFolderError(`${dir} already holds a worker.log: give reproduce an empty folder`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new OutFolderError(`--out ${out}: cannot make the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const config = join(dir, 'worker.toml');
  writeFileSync(config, scenarioConfig(s));
  s.prepare?.(dir);
  for (const t of s.tasks) enqueue(join(dir, 'queue'), newTask(t.type, t.payload, t.id));
  const notes: string[] = [];
  const started = Date.now();
  const before = s.kernel ? dmesg() : [];
  const child = spawn(process.execPath, [WORKER_BIN, 'run', '--config', config], { stdio: 'ignore', cwd: dir });
  let exitCode: number | null = null;
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', (code, signal) => {
    exited = true;
    exitCode = code ?? (signal ? 128 : null);
    r();
  }));
  let reproduced: boolean;
  if (s.until) {
    reproduced = await waitFor(join(dir, 'worker.log'), s.until, () => exited, started + MAX_WAIT_MS);
    if (!reproduced) notes.push(`worker.log never matched ${s.until} within ${MAX_WAIT_MS / 1000}s`);
    // SIGTERM drains the worker the way an operator's stop would; the log ends with the drain.
    if (!exited) child.kill('SIGTERM');
    await gone;
  } else {
    const timer = setTimeout(() => child.kill('SIGKILL'), MAX_WAIT_MS);
    await gone;
    clearTimeout(timer);
    reproduced = exitCode !== 0;
  }
  if (s.kernel) writeFileSync(join(dir, 'dmesg.txt'), kernelLines(before, started).join('\n') + '\n');
  // The worker opens stderr.log at start; a scenario whose tasks said nothing leaves no empty file
  // for clw-diag to note.
  const stderrLog = join(dir, 'stderr.log');
  if (existsSync(stderrLog) && statSync(stderrLog).size === 0) unlinkSync(stderrLog);
  return { dir, reproduced, exitCode, notes };
}
