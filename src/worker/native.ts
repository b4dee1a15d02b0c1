// Native task handlers: built from native/handlers.ts with the system cc on first use into a cache
// folder, and run by the task child with cores on, in core_dir, so a crash leaves a real core that
// names the handler's function. The task child reports the crash to the worker over IPC.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { constants, homedir } from 'node:os';
import { join } from 'node:path';
import { WorkerLog } from './log.js';
import { HANDLERS_C } from './native/handlers.js';
import { tell } from './task-messages.js';

/** Set by the runner for each task child: where cores go, and whether they are on. */
export const CORE_DIR_ENV = 'CLW_CORE_DIR';
export const CORE_DUMPS_ENV = 'CLW_CORE_DUMPS';

/** What the task child tells the worker when its native handler died by a signal. */
export interface NativeCrash {
  kind: 'native-crash';
  pid: number;
  signal: NodeJS.Signals;
  signalNumber: number;
  faultAddress: string | null;
  core: string | null;
  /** the handler's last words on stderr (glibc's "Assertion ... failed." line for an abort) */
  message: string | null;
  /** what a handler killed by SIGPIPE was writing to ("pipe", "socket"), as it announced it */
  peer?: string | null;
}

export function nativeCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'clw-worker', 'native');
}

/** Builds a C source with the system cc into the native cache, once. The output is named by a hash
 *  of the source and the CPU, so a changed source is rebuilt; it is built under a temporary name and
 *  renamed, so two processes building at once never run or load half a file. */
export function buildCached(name: string, source: string, how: { flags: string[]; ext?: string; unavailable?: () => string | null }): string {
  const hash = createHash('sha256').update(source).update(process.arch).digest('hex').slice(0, 12);
  const dir = nativeCacheDir();
  const out = join(dir, `${name}-${hash}${how.ext ?? ''}`);
  if (existsSync(out)) return out;
  // Only building needs the tools: a built copy serves without them.
  const why = how.unavailable?.();
  if (why) throw new Error(why);
  mkdirSync(dir, { recursive: true });
  const src = join(dir, `${name}-${hash}.c`);
  writeFileSync(src, source);
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync('cc', [...how.flags, '-o', tmp, src], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n').slice(0, 3).join(' ');
    throw new Error(`cc could not build ${name}: ${stderr || (err as Error).message}`);
  }
  renameSync(tmp, out);
  return out;
}

/** The built handler binary (-g -O0, so a core names the handler's function and line). */
export const buildHandlers = (): string => buildCached('clw-handlers', HANDLERS_C, { flags: ['-g', '-O0'] });

/** Why cores land in core_dir as plain `core` files here, or null when they do. */
export function corePatternProblem(): string | null {
  try {
    const p = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
    if (p.startsWith('|')) return `core_pattern pipes cores to ${p.slice(1).split(' ')[0]}, not to core_dir`;
    if (p.includes('/')) return `core_pattern writes cores to ${p}, not to core_dir`;
    return null;
  } catch {
    return 'no /proc/sys/kernel/core_pattern';
  }
}

// The kernel writes `core` (or `core.PID` with core_uses_pid); it is renamed core.PID so the next
// crash in the same core_dir does not overwrite it.
export function findCore(dir: string, pid: number): string | null {
  const names = readdirSync(dir);
  if (names.includes(`core.${pid}`)) return join(dir, `core.${pid}`);
  if (!names.includes('core')) return null;
  renameSync(join(dir, 'core'), join(dir, `core.${pid}`));
  return join(dir, `core.${pid}`);
}

/** Runs one native handler in a task child; a crash is sent to the worker, then the child exits 128+N. */
export async function runNative(handler: string): Promise<void> {
  const exe = buildHandlers();
  const coreDir = process.env[CORE_DIR_ENV] || process.cwd();
  const cores = process.env[CORE_DUMPS_ENV] === '1';
  mkdirSync(coreDir, { recursive: true });
  // `ulimit -c` in the shell that execs the handler: the limit applies to it alone, not the worker.
  const child = spawn('sh', ['-c', `ulimit -c ${cores ? 'unlimited' : '0'}; exec "$0" "$@"`, exe, handler],
    { cwd: coreDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  if (!signal) {
    if (code === 0) return;
    throw new Error(`native handler ${handler} exited with status ${code}: ${stderr.trim()}`);
  }
  process.stderr.write(stderr);
  const crash: NativeCrash = {
    kind: 'native-crash', pid: child.pid ?? 0, signal, signalNumber: constants.signals[signal] ?? 0,
    faultAddress: /fault_addr=(0x[0-9a-f]+)/.exec(stderr)?.[1] ?? null,
    core: cores ? findCore(coreDir, child.pid ?? 0) : null,
    message: stderr.split('\n').filter((l) => l.trim() && !l.startsWith('clw-native: ')).at(-1) ?? null,
    peer: /clw-native: peer=(\w+)/.exec(stderr)?.[1] ?? null,
  };
  await tell(crash);
  process.exit(128 + crash.signalNumber);
}

/** The worker's account of a native crash, in the lines the clw-worker-crash / clw-core-written rules read. */
export function logCrash(worker: WorkerLog, taskId: string, c: NativeCrash): void {
  // SIGPIPE is no crash: the handler wrote to a pipe or socket whose reader was gone, and the
  // kernel's default action ended it (no core). The worker says so in the clw-task-sigpipe form.
  if (c.signal === 'SIGPIPE') {
    worker.error(`task '${taskId}' (pid ${c.pid}) killed by SIGPIPE writing to a closed ${c.peer ?? 'pipe or socket'}`);
    return;
  }
  // The crash lines carry the pid of the process that crashed (the handler), as a crash handler's
  // would: that is the pid the core names, so clw-diag joins the log's account to the core's.
  const log = new WorkerLog(worker.file, worker.processName, c.pid, worker.toStderr);
  const at = c.faultAddress ? ` at ${c.faultAddress}` : '';
  log.fatal(`clw-worker-crash detected. Exit code: ${128 + c.signalNumber}, Signal: ${c.signalNumber} (${c.signal}${at})`);
  log.error(`task '${taskId}': native handler pid ${c.pid} killed by ${c.signal}`);
  // An abort's reason is only on the handler's stderr: without this line the log would not say it.
  if (c.message) log.error(`task '${taskId}': native handler said: ${c.message}`);
  if (c.core) log.log('CRITICAL', `Core dump written to ${c.core}`);
  else log.warn(`task '${taskId}': no core dump in core_dir (enable_core_dumps off, or ${corePatternProblem() ?? 'the core size limit'})`);
}

/** Why `what` cannot be built here (no cc), or null. */
export function compilerUnavailable(what = 'the native handlers'): string | null {
  try {
    execFileSync('sh', ['-c', 'command -v cc'], { stdio: 'ignore' });
    return null;
  } catch {
    return `no C compiler (cc) to build ${what}`;
  }
}

/** Why the native scenarios cannot run here (no cc, or cores that do not land in core_dir), or null. */
export function nativeUnavailable(): string | null {
  return compilerUnavailable() ?? corePatternProblem();
}
