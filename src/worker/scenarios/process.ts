// Failures of a task's process: stuck in a syscall, deaf to SIGTERM, out of descriptors, killed by
// SIGPIPE. Each really happens; worker.log says it in the words OpenClaw uses.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { compilerUnavailable } from '../native.js';
import type { Scenario } from './types.js';

function hangUnavailable(): string | null {
  if (!existsSync('/proc/self/syscall')) return 'no /proc/PID/syscall to show where a task is blocked';
  try {
    execFileSync('sh', ['-c', 'command -v mkfifo'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'no mkfifo to make the pipe the task blocks on';
  }
}

export const PROCESS_SCENARIOS: Record<string, Scenario> = {
  // read() on a FIFO whose only writer is the reader itself: the task's CPU time stands still, the
  // progress watchdog names the syscall and wait point after hang_sec (and again at twice that),
  // then timeout_sec kills it.
  hang: {
    what: 'a task blocks in read() on a pipe no one writes to; the watchdog reports it after hang_sec = 1, timeout_sec = 4 kills it',
    task: { hang_sec: 1, timeout_sec: 4 },
    tasks: [{ type: 'read-fifo', payload: {}, id: 'import-feed' }],
    until: /task 'import-feed' failed after/,
    unavailable: hangUnavailable,
  },
  // The task's SIGTERM listener only logs: once it is reconciling, reproduce stops the worker, the
  // drain passes SIGTERM on, the task runs on, and grace_period_sec = 1 later it is SIGKILLed.
  'sigterm-ignored': {
    what: 'a task that ignores SIGTERM outlives the drain grace_period_sec = 1 and is SIGKILLed',
    tasks: [{ type: 'ignore-sigterm', payload: { batches: 600, ms: 100 }, id: 'ledger-reconcile' }],
    until: /ledger batch 1\/600 committed/,
  },
  // Each input is opened and never closed; the child runs under RLIMIT_NOFILE = 64, so the open
  // after the 40-odd descriptors Node holds and the leaked ones fails with EMFILE.
  'fd-exhaustion': {
    what: 'a handler leaks a descriptor per input under task.max_open_files = 64 and fails with EMFILE',
    task: { max_open_files: 64 },
    tasks: [{ type: 'leak-fds', payload: {}, id: 'thumbnail-batch' }],
    until: /task 'thumbnail-batch' failed after/,
  },
  // A C handler writes into a pipe whose read end is closed: the kernel's SIGPIPE kills it.
  sigpipe: {
    what: 'a native handler writes to a pipe whose reader has closed; SIGPIPE kills it',
    tasks: [{ type: 'native', payload: { handler: 'sigpipe' }, id: 'export-report' }],
    until: /task 'export-report' failed after/,
    unavailable: compilerUnavailable,
  },
};
