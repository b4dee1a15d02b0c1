// A real memory cgroup (v2 where the memory controller is there, else v1) for tests that need the
// kernel's OOM killer. Needs root; says why when it cannot make one.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  path: string;
  version: 1 | 2;
  /** Where a process joins: write its pid here. */
  procs: string;
  remove(): void;
}

/** The reason no memory cgroup can be made here, or null when one can. */
export function cgroupUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: cannot create a memory cgroup';
  const v2 = '/sys/fs/cgroup/cgroup.controllers';
  if (existsSync(v2) && readFileSync(v2, 'utf8').includes('memory')) return null;
  if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) return null;
  return 'no writable cgroup memory controller (v1 or v2) under /sys/fs/cgroup';
}

export function makeMemoryCgroup(name: string, limitBytes: number): MemoryCgroup {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers') && readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').includes('memory');
  const path = v2 ? join('/sys/fs/cgroup', name) : join('/sys/fs/cgroup/memory', name);
  mkdirSync(path, { recursive: true });
  if (v2) {
    writeFileSync(join(path, 'memory.max'), String(limitBytes));
    if (existsSync(join(path, 'memory.swap.max'))) writeFileSync(join(path, 'memory.swap.max'), '0');
  } else {
    writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitBytes));
  }
  return {
    path, version: v2 ? 2 : 1, procs: join(path, 'cgroup.procs'),
    remove: () => { try { rmdirSync(path); } catch { /* a process may still be exiting; the name is unique */ } },
  };
}
