// A real memory cgroup per task child (v2 where the memory controller is there, else v1), so the
// kernel itself enforces max_memory_gb and its OOM killer, not the worker, ends a task that outgrows
// it. Needs root; cgroupUnavailable() says why when none can be made.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerLog } from './log.js';

export interface MemoryCgroup {
  path: string;
  version: 1 | 2;
  /** Moves a process into the cgroup: from then on its memory is charged here. */
  add(pid: number): void;
  /** Removes the (empty) cgroup; false while the kernel still counts a dying member. */
  remove(): boolean;
}

const V2_CONTROLLERS = '/sys/fs/cgroup/cgroup.controllers';
const V1_ROOT = '/sys/fs/cgroup/memory';

function v2Memory(): boolean {
  return existsSync(V2_CONTROLLERS) && readFileSync(V2_CONTROLLERS, 'utf8').split(/\s+/).includes('memory');
}

/** The reason no memory cgroup can be made here, or null when one can. */
export function cgroupUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: cannot create a memory cgroup';
  if (v2Memory()) return null;
  if (existsSync(join(V1_ROOT, 'memory.limit_in_bytes'))) return null;
  return 'no cgroup memory controller (v1 or v2) under /sys/fs/cgroup';
}

/** Creates /sys/fs/cgroup[/memory]/NAME with a hard limit and no swap to escape into. */
export function makeMemoryCgroup(name: string, limitBytes: number): MemoryCgroup {
  const v2 = v2Memory();
  const path = join(v2 ? '/sys/fs/cgroup' : V1_ROOT, name);
  mkdirSync(path, { recursive: true });
  if (v2) {
    writeFileSync(join(path, 'memory.max'), String(limitBytes));
    if (existsSync(join(path, 'memory.swap.max'))) writeFileSync(join(path, 'memory.swap.max'), '0');
  } else {
    writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitBytes));
    // memsw exists only with swap accounting on; without it the limit above already holds.
    const memsw = join(path, 'memory.memsw.limit_in_bytes');
    if (existsSync(memsw)) {
      try {
        writeFileSync(memsw, String(limitBytes));
      } catch {
        /* swap accounting off for writes: the memory limit still applies */
      }
    }
  }
  return {
    path,
    version: v2 ? 2 : 1,
    add: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)),
    remove: () => {
      try {
        rmdirSync(path);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Removes a cgroup, retrying for a moment: a killed member leaves it only once fully reaped. */
export function removeSoon(cg: MemoryCgroup, tries = 20): void {
  if (cg.remove() || tries <= 0) return;
  setTimeout(() => removeSoon(cg, tries - 1), 100).unref();
}

/** How many times the kernel's OOM killer acted in the cgroup (v2 memory.events, v1 memory.oom_control). */
export function oomKills(cg: MemoryCgroup): number {
  try {
    const text = readFileSync(join(cg.path, cg.version === 2 ? 'memory.events' : 'memory.oom_control'), 'utf8');
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Puts a task child in its own cgroup; null (and a WARN line) when none can be made. */
export function confine(log: WorkerLog, name: string, pid: number, limitBytes: number): MemoryCgroup | null {
  try {
    const why = cgroupUnavailable();
    if (why) throw new Error(why);
    const cg = makeMemoryCgroup(name, limitBytes);
    cg.add(pid);
    log.info(`task pid ${pid} confined to memory cgroup ${cg.path} (v${cg.version}, limit ${limitBytes} bytes)`);
    return cg;
  } catch (err) {
    log.warn(`task pid ${pid}: no memory cgroup (${(err as Error).message}); the RSS watchdog enforces max_memory_gb`);
    return null;
  }
}

/** At a task's end: how often the OOM killer acted in its cgroup, and the cgroup removed. */
export function release(cg: MemoryCgroup): number {
  const kills = oomKills(cg);
  removeSoon(cg);
  return kills;
}
