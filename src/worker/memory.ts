// Memory figures for the watchdog and the heartbeats, read from /proc (what the kernel charges,
// not what the V8 heap reports), and the "[clw-worker-oom]" block the clw-worker-oom rule reads.
import { readFileSync } from 'node:fs';
import type { WorkerLog } from './log.js';

/** VmRSS of a process in bytes, or 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface TaskCounts {
  active: number;
  completed: number;
  failed: number;
}

/** The OpenClaw limit report: the header line, then its "[clw] ..." continuation lines. */
export function oomReport(log: WorkerLog, workerId: string, limitBytes: number, rss: number, peak: number, n: TaskCounts): void {
  const pct = ((rss / limitBytes) * 100).toFixed(1);
  const limitMb = Math.round(limitBytes / 1024 / 1024);
  log.tagged(`[clw-worker-oom] Worker ${workerId} exceeded memory limit: ${limitBytes} bytes`);
  log.tagged(`[clw] Memory utilization: ${pct}% of ${limitMb}MB limit`);
  log.tagged(`[clw] Active tasks: ${n.active} | Completed: ${n.completed} | Failed: ${n.failed}`);
  log.tagged(`[clw] Peak RSS: ${peak} bytes`);
}
