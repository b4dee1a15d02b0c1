// `clw-worker bench`: a load run of the real worker, the way an operator checks a fix. Queues N
// tasks in a fresh run folder, starts `clw-worker run` as a separate process in its own process
// group, samples the RSS of its whole tree until every task has left the queue (or --timeout),
// stops it with SIGTERM and counts what happened from the queue and worker.log.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countLog } from './bench/log-counts.js';
import { benchOptions, type RawBenchArgs, type BenchOptions } from './bench/options.js';
import { queueState } from './bench/queue-state.js';
import { benchExitCode, benchJson, benchText, type BenchResult } from './bench/report.js';
import { prepareRun } from './bench/run-folder.js';
import { PeakTracker, treePids } from './bench/tree-rss.js';
import { exitStatus } from './exit-status.js';

const WORKER_BIN = fileURLToPath(new URL('../../bin/clw-worker.js', import.meta.url));
// Often enough to see a task child near its peak: alloc tasks hold their memory for a while, and
// the worker's own watchdog samples every 100 ms.
const SAMPLE_MS = 50;
// Beyond the worker's own grace period, for the supervisor and the worker to log and exit.
const STOP_SLACK_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits: number) => Number(x.toFixed(digits));

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const run = prepareRun(o);
  const { worker: w } = run.config;
  // The worker copies its log lines to stderr; they are in worker.log already, so its own output
  // (and anything it prints outside the log, like a stack) goes to a file beside the logs.
  const out = openSync(join(run.dir, 'worker.out'), 'a');
  const started = performance.now();
  const child = spawn(process.execPath, [WORKER_BIN, 'run', '--config', run.config.path], {
    cwd: run.dir, detached: true, stdio: ['ignore', out, out],
  });
  closeSync(out);
  let workerExit: number | null = null;
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    workerExit = exitStatus(code, signal);
    resolve();
  }));
  let interrupted = false;
  const interrupt = () => (interrupted = true);
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const peaks = new PeakTracker(child.pid!);
  const deadline = Date.now() + o.timeoutSec * 1000;
  let stoppedEarly: BenchResult['stoppedEarly'] = null;
  for (;;) {
    peaks.sample();
    const s = queueState(w.queue);
    if (s.completed + s.failed >= o.tasks) break;
    if (exited) stoppedEarly = 'worker-exited';
    else if (interrupted) stoppedEarly = 'interrupted';
    else if (Date.now() > deadline) stoppedEarly = 'timeout';
    if (stoppedEarly) break;
    await sleep(SAMPLE_MS);
  }
  const wallSeconds = (performance.now() - started) / 1000;

  await stop(child, () => exited, gone, w.grace_period_sec * 1000 + STOP_SLACK_MS);
  process.off('SIGINT', interrupt);
  process.off('SIGTERM', interrupt);
  // After the worker is gone: a task that finished during the drain counts, and the log is complete.
  const final = queueState(w.queue);
  const counts = countLog(w.log_file);
  const finished = final.completed + final.failed;
  return {
    type: o.type, tasks: o.tasks, concurrency: o.concurrency,
    completed: final.completed, failed: final.failed, unfinished: Math.max(0, o.tasks - finished),
    retried: counts.retried, crashes: counts.crashes,
    peakRssBytes: peaks.peakRssBytes, peakProcesses: peaks.peakProcesses, rssSamples: peaks.samples,
    wallSeconds: round(wallSeconds, 3), tasksPerSecond: round(finished / wallSeconds, 2), stoppedEarly, workerExit,
    dir: run.dir, config: run.config.path, sourceConfig: o.config && resolve(o.config), workerLog: w.log_file, logDir: run.logDir,
  };
}

// SIGTERM drains the worker as an operator's stop would; a tree still there after the grace
// period (a hung drain, an orphaned task child) is SIGKILLed as a group so nothing outlives the bench.
async function stop(child: ChildProcess, exited: () => boolean, gone: Promise<void>, waitMs: number): Promise<void> {
  const pid = child.pid!;
  if (!exited()) {
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  }
  if (treePids(pid).length) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* the group emptied meanwhile */
    }
  }
  await gone;
}

/** The command: runs the bench, prints the report, and returns the exit code (1 when a task failed). */
export async function benchCommand(args: RawBenchArgs): Promise<number> {
  const result = await runBench(benchOptions(args));
  process.stdout.write(args.json ? benchJson(result) : benchText(result));
  return benchExitCode(result);
}
