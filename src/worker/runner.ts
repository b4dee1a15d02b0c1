// The worker: takes tasks from the queue, runs each in a forked child under timeout_sec and
// max_memory_gb, prints heartbeats, and drains on SIGTERM. Memory is enforced per task by a
// watchdog on the child's VmRSS, or with memory_cgroup by the kernel through a cgroup per task.
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:os';
import { confine, release, type MemoryCgroup } from './cgroup.js';
import type { WorkerConfig } from './config.js';
import { GC_PAUSE_WARN_ENV } from './gc-watch.js';
import { WorkerLog } from './log.js';
import { oomReport, rssOf } from './memory.js';
import { CORE_DIR_ENV, CORE_DUMPS_ENV, logCrash, type NativeCrash } from './native.js';
import { childEnv, onParentDeath, PARENT_ENV } from './parent.js';
import { dumpsCore, reportCore } from './core-files.js';
import { exitStatus } from './exit-status.js';
import { Plugins } from './plugins/index.js';
import { describeStall, ProgressWatch } from './progress.js';
import { claim, type Claim } from './queue.js';
import type { TaskMessage } from './task-messages.js';
import { TASK_TYPES } from './task-types.js';

/** A task's output file, read in and removed (a missing one is no result). */
function takeFile(file: string): Buffer | null {
  try {
    const data = readFileSync(file);
    unlinkSync(file);
    return data;
  } catch {
    return null;
  }
}

const TASK_ENTRY = fileURLToPath(new URL('./task-child.js', import.meta.url));
const GiB = 1024 ** 3;
const POLL_MS = 100;
const WATCHDOG_MS = 100;

interface Running {
  claim: Claim;
  child: ChildProcess;
  started: number;
  peakRss: number;
  killedFor: 'timeout' | 'memory' | 'shutdown' | null;
  timers: NodeJS.Timeout[];
  cgroup: MemoryCgroup | null;
  crash: NativeCrash | null;
  /** task.hang_sec: notices a child whose CPU time stands still */
  progress?: ProgressWatch;
  /** the error the task child reported before it exited 1 */
  error: string | null;
  done: Promise<void>;
}

export class Runner {
  private readonly running = new Set<Running>();
  private completed = 0;
  private failed = 0;
  private taken = 0;
  private draining = false;
  private drained: Promise<void> | null = null;
  private readonly limitBytes: number;
  // The results tasks sent back, by task id. Nothing evicts them, on purpose: this is the unbounded
  // cache behind `clw-worker reproduce memory-leak`, where the worker's own RSS grows with every task
  // until max_tasks_per_worker recycles it.
  private readonly results = new Map<string, unknown>();
  private readonly output: number | 'inherit';
  private readonly plugins: Plugins;

  constructor(
    private readonly cfg: WorkerConfig,
    private readonly log: WorkerLog,
  ) {
    this.limitBytes = Math.floor(cfg.task.max_memory_gb * GiB);
    // O_APPEND, like the log: the worker's children and a restarted worker add to the same file.
    this.output = cfg.worker.stderr_file ? openSync(cfg.worker.stderr_file, 'a') : 'inherit';
    this.plugins = new Plugins(cfg, log, (type) => Object.hasOwn(TASK_TYPES, type));
  }

  /** Runs until drained; resolves with the worker's exit code. */
  async run(): Promise<number> {
    const { worker: w, task: t } = this.cfg;
    this.log.info(
      `worker ${w.id} started: queue ${w.queue}, concurrency ${t.concurrency}, ` +
        `max_memory_gb ${t.max_memory_gb}, timeout_sec ${t.timeout_sec}`,
    );
    this.plugins.load();
    const beat = setInterval(() => this.heartbeat(), w.heartbeat_sec * 1000);
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    // Repeated signals are ignored while draining: dying here would orphan the task children.
    process.on('SIGTERM', () => void this.drain('SIGTERM').then(stop));
    process.on('SIGINT', () => void this.drain('SIGINT').then(stop));
    // The supervisor is gone (killed): drain rather than run on unsupervised.
    if (process.env[PARENT_ENV]) onParentDeath(() => void this.drain().then(stop));
    const poll = setInterval(() => this.fill(stop), POLL_MS);
    this.fill(stop);
    await stopped;
    clearInterval(poll);
    clearInterval(beat);
    this.heartbeat();
    this.log.info(`worker ${w.id} stopped: completed=${this.completed} failed=${this.failed}`);
    return 0;
  }

  // Starts tasks while there are free slots; after max_tasks_per_worker the worker drains so the
  // supervisor starts a fresh process (the recycling that bounds a slow leak).
  private fill(stop: () => void): void {
    const max = this.cfg.worker.max_tasks_per_worker;
    while (!this.draining && this.running.size < this.cfg.task.concurrency) {
      if (max > 0 && this.taken >= max) {
        this.log.info(`recycling: ${this.taken} tasks taken (max_tasks_per_worker=${max})`);
        void this.drain().then(stop);
        return;
      }
      let c: Claim | null;
      try {
        c = claim(this.cfg.worker.queue, this.plugins.skip);
      } catch (err) {
        // Try again at the next poll rather than spin on a queue that keeps failing.
        this.log.warn(`queue ${this.cfg.worker.queue}: could not take a task: ${(err as Error).message}`);
        return;
      }
      if (!c) return;
      this.taken++;
      this.start(c);
    }
  }

  private start(c: Claim): void {
    const { task } = c;
    // A plugin task: back to the queue when no plugin here has its handler, run here with isolation "none".
    const route = this.plugins.route(c);
    if (route.run === 'rejected') return;
    if (route.run === 'done') {
      if (route.ok) this.completed++;
      else this.failed++;
      return;
    }
    if (!Object.hasOwn(TASK_TYPES, route.task.type)) {
      this.failed++;
      this.log.warn(`task '${task.id}' failed: unknown task type '${task.type}' (known: ${Object.keys(TASK_TYPES).join(', ')})`);
      c.finish('failed');
      return;
    }
    const env = { ...childEnv(), [CORE_DIR_ENV]: this.cfg.worker.core_dir, [CORE_DUMPS_ENV]: this.cfg.task.enable_core_dumps ? '1' : '0',
      [GC_PAUSE_WARN_ENV]: String(this.cfg.task.gc_pause_warn_ms) };
    const heap = this.cfg.task.heap_mb;
    const execArgv = heap ? [...process.execArgv, `--max-old-space-size=${heap}`] : process.execArgv;
    // task.max_open_files: the child starts under `ulimit -n` (soft and hard, so Node cannot raise it
    // again); sh execs node, so the pid stays the task's.
    const nofile = this.cfg.task.max_open_files;
    const launch = nofile ? { execPath: '/bin/sh', execArgv: ['-c', `ulimit -n ${nofile} && exec "$0" "$@"`, process.execPath, ...execArgv] } : { execArgv };
    const child = fork(TASK_ENTRY, [JSON.stringify(route.task)], { stdio: ['ignore', this.output, this.output, 'ipc'], env, ...launch });
    const r: Running = {
      claim: c, child, started: Date.now(), peakRss: 0, killedFor: null, timers: [], cgroup: null, crash: null, error: null, done: Promise.resolve(),
    };
    this.log.info(`task '${task.id}' started: type ${task.type}, task pid ${child.pid}`);
    if (child.pid) r.progress = new ProgressWatch(child.pid, this.cfg.task.hang_sec);
    if (this.cfg.task.memory_cgroup && child.pid) {
      // The child joins its cgroup right after fork, before its task has allocated much.
      r.cgroup = confine(this.log, `clw-worker-${this.cfg.worker.id}-${child.pid}`, child.pid, this.limitBytes);
    }
    const timeoutMs = this.cfg.task.timeout_sec * 1000;
    r.timers.push(setTimeout(() => this.onTimeout(r), timeoutMs));
    r.timers.push(setInterval(() => this.watch(r), WATCHDOG_MS));
    child.on('message', (m: TaskMessage) => this.onMessage(r, m));
    r.done = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.finish(r, code, signal);
        resolve();
      });
    });
    this.running.add(r);
  }

  // What the task child tells the worker (task-messages.ts): a native crash is logged when the
  // child has exited, with its exit status; the rest goes to worker.log at once.
  private onMessage(r: Running, m: TaskMessage): void {
    if (m?.kind === 'native-crash') r.crash = m;
    else if (m?.kind === 'drain-ack') this.forwardSigterm(r);
    else if (m?.kind === 'task-error') r.error = m.message;
    else if (m?.kind === 'task-result') this.results.set(r.claim.task.id, m.file ? takeFile(m.file) : m.value);
    else if (m?.kind === 'log') {
      const log = m.pid ? new WorkerLog(this.log.file, this.log.processName, m.pid, this.log.toStderr) : this.log;
      log.log(m.level, m.msg);
    }
  }

  private onTimeout(r: Running): void {
    const ran = ((Date.now() - r.started) / 1000).toFixed(1);
    this.log.error(
      `clw-task-timeout: task '${r.claim.task.id}' exceeded timeout_sec=${this.cfg.task.timeout_sec} ` +
        `(ran ${ran}s); killing task pid ${r.child.pid}`,
    );
    r.killedFor = 'timeout';
    r.child.kill('SIGTERM');
    // A task that ignores SIGTERM (or is stuck in a busy loop) gets SIGKILL after the grace period.
    r.timers.push(setTimeout(() => r.child.kill('SIGKILL'), this.cfg.worker.grace_period_sec * 1000));
  }

  private watch(r: Running): void {
    if (r.killedFor === 'memory' || !r.child.pid) return;
    const stall = r.killedFor === null ? r.progress?.check() : null;
    if (stall) this.log.error(`task '${r.claim.task.id}' (pid ${r.child.pid}) ${describeStall(stall)}`);
    const rss = rssOf(r.child.pid);
    r.peakRss = Math.max(r.peakRss, rss);
    // In a cgroup the kernel enforces the limit; a second killer here would race it.
    if (r.cgroup || rss <= this.limitBytes) return;
    r.killedFor = 'memory';
    r.child.kill('SIGKILL');
    oomReport(this.log, this.cfg.worker.id, this.limitBytes, rss, r.peakRss, {
      active: this.running.size, completed: this.completed, failed: this.failed,
    });
    this.log.error(`task '${r.claim.task.id}' (task pid ${r.child.pid}) killed with SIGKILL by the memory watchdog`);
  }

  private finish(r: Running, code: number | null, signal: NodeJS.Signals | null): void {
    for (const t of r.timers) clearTimeout(t);
    this.running.delete(r);
    const { task } = r.claim;
    const secs = ((Date.now() - r.started) / 1000).toFixed(1);
    const kernelOom = r.cgroup ? release(r.cgroup) : 0;
    if (r.crash) logCrash(this.log, task.id, r.crash);
    if (r.error) this.log.error(`task '${task.id}' failed: ${r.error}`);
    // A signal the worker did not send: the exit status line the clw-exit-code rule joins to the
    // kernel's or the core's account of the same pid.
    if (signal && r.killedFor === null) {
      const sig = constants.signals[signal] ?? 0;
      if (this.cfg.task.enable_core_dumps && r.child.pid && dumpsCore(sig)) reportCore(this.log, this.cfg.worker.core_dir, r.child.pid);
      const oom = kernelOom > 0 ? ' (killed by the kernel OOM killer in its memory cgroup)' : '';
      this.log.error(`worker ${r.child.pid} exited with code ${exitStatus(code, signal)}${oom}`);
    }
    const ok = code === 0 && r.killedFor === null;
    if (ok) this.completed++;
    else this.failed++;
    try {
      r.claim.finish(ok ? 'done' : 'failed');
    } catch (err) {
      this.log.warn(`task '${task.id}': could not move it out of claimed: ${(err as Error).message}`);
    }
    if (ok) this.log.info(`task '${task.id}' completed in ${secs}s`);
    else {
      const how = signal ? `signal ${signal}` : `status ${code}`;
      const why = r.killedFor ? ` (${r.killedFor})` : '';
      this.log.warn(`task '${task.id}' failed after ${secs}s: task pid ${r.child.pid} ended by ${how}${why}`);
    }
  }

  heartbeat(): void {
    let rss = rssOf(process.pid);
    for (const r of this.running) if (r.child.pid) rss += rssOf(r.child.pid);
    // The limit is per task, so what the worker's tasks may use together is limit x concurrency.
    const limit = this.limitBytes * this.cfg.task.concurrency;
    this.log.info(
      `heartbeat rss_bytes=${rss} limit_bytes=${limit} active=${this.running.size} ` +
        `completed=${this.completed} failed=${this.failed}`,
    );
  }

  /** Stops taking tasks, waits up to grace_period_sec for the running ones, then SIGKILLs them.
   *  A drain for a signal also passes SIGTERM on to the task children (see forwardSigterm). */
  drain(signal?: NodeJS.Signals): Promise<void> {
    // One drain, however many signals ask for it: every caller waits for the same end.
    this.drained ??= this.doDrain(signal);
    return this.drained;
  }

  // A stop of the whole service (systemd's control-group kill) delivers SIGTERM to the task children
  // too, and OpenClaw's children finish the task in hand on it rather than die (in its logs a task
  // completes after the worker's "received SIGTERM, draining"). The task child takes that stance
  // when told the worker drains (task-child.ts) and answers; only then is SIGTERM sent, so it never
  // arrives first and kills a task by Node's default action. A task with a SIGTERM listener of its
  // own gets the signal there; one that ignores it is SIGKILLed at the end of the grace period.
  private forwardSigterm(r: Running): void {
    if (r.killedFor !== null || r.child.exitCode !== null || r.child.signalCode !== null) return;
    r.child.kill('SIGTERM');
    this.log.info(`shutdown: SIGTERM sent to task '${r.claim.task.id}' (pid ${r.child.pid})`);
  }

  private async doDrain(signal?: NodeJS.Signals): Promise<void> {
    this.draining = true;
    const grace = this.cfg.worker.grace_period_sec;
    this.log.info(`shutdown: waiting up to grace period ${grace}s for ${this.running.size} tasks`);
    // A busy task never reads the notice (its event loop is blocked), so it gets no SIGTERM: it
    // could not have run a handler for it either, and the grace period's SIGKILL ends it.
    if (signal) for (const r of this.running) if (r.child.connected) r.child.send({ kind: 'drain' }, () => {});
    const all = Promise.all([...this.running].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), grace * 1000)));
    const late = await Promise.race([all.then(() => false), expired]);
    clearTimeout(timer);
    if (!late) return;
    for (const r of this.running) {
      this.log.warn(
        `shutdown: task '${r.claim.task.id}' (pid ${r.child.pid}) did not stop within grace period ${grace}s; sending SIGKILL`,
      );
      r.killedFor = 'shutdown';
      r.child.kill('SIGKILL');
    }
    await all;
  }
}
