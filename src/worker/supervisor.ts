// The supervisor behind `clw-worker run`: forks the worker process, respawns it when it dies (with
// a doubling backoff, up to max_restarts), and forwards SIGTERM/SIGINT so the worker drains. The
// tasks a dead worker had claimed go back to the queue; when it gives up, it says the queue has no
// worker left (clw-dispatch-fail), with how many tasks wait.
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig } from './config.js';
import { supervisorLine, WorkerLog } from './log.js';
import { childEnv } from './parent.js';
import { dumpsCore, reportCore } from './core-files.js';
import { exitStatus } from './exit-status.js';
import { pending, recover } from './queue.js';
import { EX_CONFIG } from './worker-main.js';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.js', import.meta.url));
const MAX_BACKOFF_MS = 30_000;
// A worker that stayed up this long was healthy: its death starts a fresh restart budget.
const STABLE_MS = 60_000;


// With enable_core_dumps the worker starts with no core size limit, in core_dir: a crash of the worker
// itself (a plugin handler run in it, task.isolation = "none") leaves its core there. sh execs node,
// so the pid stays the worker's.
function launch(cfg: WorkerConfig, log: WorkerLog): ForkOptions {
  if (!cfg.task.enable_core_dumps) return {};
  try {
    mkdirSync(cfg.worker.core_dir, { recursive: true });
  } catch (err) {
    log.warn(`core_dir ${cfg.worker.core_dir}: ${(err as NodeJS.ErrnoException).code ?? err}; the worker's cores go to its working folder`);
    return {};
  }
  return {
    cwd: cfg.worker.core_dir,
    execPath: '/bin/sh',
    execArgv: ['-c', 'ulimit -c unlimited 2>/dev/null; exec "$0" "$@"', process.execPath, ...process.execArgv],
  };
}

// The tasks the dead worker had claimed, back in the queue for the next one.
function returnLost(cfg: WorkerConfig, log: WorkerLog, pid: number): void {
  const q = cfg.worker.queue;
  try {
    for (const t of recover(q, pid)) log.warn(`task '${t.id}' lost with worker ${pid}; returned to queue ${q} (attempt ${t.attempt})`);
  } catch (err) {
    log.error(`tasks claimed by worker ${pid} could not be returned to queue ${q}: ${(err as Error).message}`);
  }
}

// No worker takes tasks from the queue any more: the lines the clw-dispatch-fail rule reads.
function noWorker(cfg: WorkerConfig, log: WorkerLog): void {
  log.error(`clw-dispatch-fail: no healthy worker for queue ${cfg.worker.queue}`);
  log.tagged(`[clw] Queue depth: ${pending(cfg.worker.queue)}`);
}

export async function supervise(cfg: WorkerConfig): Promise<number> {
  const log = new WorkerLog(cfg.worker.log_file, 'clw-supervisor');
  const id = cfg.worker.id;
  const max = cfg.worker.max_restarts;
  let attempts = 0;
  let stopping = false;
  let child: ChildProcess | null = null;
  let wake: (() => void) | null = null;

  const stop = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${sig} received: stopping worker ${id}`);
    child?.kill('SIGTERM');
    wake?.();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (;;) {
    const started = Date.now();
    // detached: false and stdio inherited, so the worker's stderr lines reach the terminal too.
    child = fork(WORKER_ENTRY, [cfg.path], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: childEnv(), ...launch(cfg, log) });
    log.info(`worker ${id} started (pid ${child.pid})`);
    const pid = child.pid;
    const status = await new Promise<number>((resolve) =>
      child!.once('exit', (code, signal) => resolve(exitStatus(code, signal))),
    );
    child = null;
    if (cfg.task.enable_core_dumps && pid && dumpsCore(status - 128)) reportCore(log, cfg.worker.core_dir, pid);
    // A clean exit without a stop request is a recycle (max_tasks_per_worker): not a failure.
    if (stopping) log.info(`worker ${pid} exited with code ${status} after drain`);
    else if (status === 0) log.info(`worker ${pid} exited with code 0 after recycling; starting a fresh one`);
    else log.warn(`worker ${pid} exited with code ${status}`);
    if (pid) returnLost(cfg, log, pid);
    if (stopping) return status;
    if (status === 0) continue;
    if (status === EX_CONFIG) {
      // Like systemd's RestartPreventExitStatus=78: every respawn would fail the same way.
      supervisorLine(log, `giving up on ${id} after ${attempts} attempts: configuration error (exit 78)`);
      noWorker(cfg, log);
      return EX_CONFIG;
    }
    if (Date.now() - started >= STABLE_MS) attempts = 0;
    if (attempts >= max) {
      supervisorLine(log, `giving up on ${id} after ${attempts} attempts`);
      noWorker(cfg, log);
      return 1;
    }
    attempts++;
    const backoff = Math.min(cfg.worker.restart_backoff_ms * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    supervisorLine(log, `Respawning worker... (attempt ${attempts}/${max}) after ${backoff}ms backoff`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, backoff);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    wake = null;
    if (stopping) return 0;
  }
}
