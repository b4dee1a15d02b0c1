// The first scenarios: config refusal, timeout, the two memory limits, native crashes with cores.
import { cgroupUnavailable } from '../cgroup.js';
import { nativeUnavailable } from '../native.js';
import type { Scenario } from './types.js';

export const BASIC_SCENARIOS: Record<string, Scenario> = {
  // Refused before any task runs: the worker exits 78 and the supervisor does not respawn it.
  'config-invalid': {
    what: 'worker.toml sets max_memory_gb = 0; the worker refuses to start',
    task: { max_memory_gb: 0 },
    tasks: [],
    until: null,
  },
  // A busy loop never yields, so only the worker's timer and a signal can stop it.
  'task-timeout': {
    what: 'a busy task runs past timeout_sec = 1 and is killed',
    task: { timeout_sec: 1 },
    tasks: [{ type: 'busy', payload: { ms: 20_000 }, id: 'spin-forever' }],
    until: /task 'spin-forever' failed/,
  },
  // 400 MiB written page by page against a 128 MiB limit: the RSS watchdog kills it.
  'memory-limit': {
    what: 'an alloc task passes max_memory_gb = 0.125; the RSS watchdog kills it',
    task: { max_memory_gb: 0.125 },
    tasks: [{ type: 'alloc', payload: { mib: 400, ms: 5000 }, id: 'hog' }],
    until: /task 'hog' failed/,
  },
  // The same kind of task, but the kernel holds the limit: its OOM killer SIGKILLs the child.
  'oom-kill': {
    what: 'an alloc task outgrows its 128 MiB memory cgroup; the kernel OOM killer kills it',
    task: { max_memory_gb: 0.125, memory_cgroup: true },
    tasks: [{ type: 'alloc', payload: { mib: 400, ms: 5000 }, id: 'hog' }],
    until: /task 'hog' failed/,
    kernel: true,
    unavailable: cgroupUnavailable,
  },
  // A C handler built with -g dereferences NULL; the kernel writes its core into core_dir.
  segfault: {
    what: 'a native handler dereferences NULL; the kernel dumps a core into core_dir',
    task: { enable_core_dumps: true },
    tasks: [{ type: 'native', payload: { handler: 'segv' }, id: 'parse-record' }],
    until: /task 'parse-record' failed/,
    kernel: true,
    unavailable: nativeUnavailable,
  },
  // The same handler binary fails an assert(): glibc prints the assertion, then abort() dumps a core.
  abort: {
    what: 'a native handler fails an assertion and aborts; the kernel dumps a core into core_dir',
    task: { enable_core_dumps: true },
    tasks: [{ type: 'native', payload: { handler: 'abort' }, id: 'check-budget' }],
    until: /task 'check-budget' failed/,
    kernel: true,
    unavailable: nativeUnavailable,
  },
};
