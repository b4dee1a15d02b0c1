// Cores of the worker's processes: which signals leave one, and the line that says where it is.
import { constants } from 'node:os';
import { WorkerLog } from './log.js';
import { corePatternProblem, findCore } from './native.js';

const CORE_SIGNALS = new Set(['SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGSYS', 'SIGXCPU', 'SIGXFSZ']
  .map((s) => constants.signals[s as NodeJS.Signals]));

/** Whether a death by this signal (its number) leaves a core, given the limit allows one. */
export const dumpsCore = (signal: number): boolean => CORE_SIGNALS.has(signal);

/** After a worker or task process (pid) died by a signal: its core in core_dir, renamed core.PID, is
 *  logged in that process's name (as its own crash handler would have), or why there is none. */
export function reportCore(log: WorkerLog, coreDir: string, pid: number): string | null {
  let core: string | null = null;
  try {
    core = findCore(coreDir, pid);
  } catch {
    /* no core_dir */
  }
  const as = new WorkerLog(log.file, 'clw-worker', pid, log.toStderr);
  if (core) as.log('CRITICAL', `Core dump written to ${core}`);
  else as.warn(`no core dump of pid ${pid} in core_dir ${coreDir} (${corePatternProblem() ?? 'the core size limit, or a signal that dumps none'})`);
  return core;
}
