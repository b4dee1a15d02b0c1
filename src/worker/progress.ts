// The progress watchdog: a task child whose CPU time stops advancing for task.hang_sec is stuck, and
// /proc says where: the syscall its main thread sits in (/proc/PID/syscall) and the kernel function
// it waits in (/proc/PID/wchan). The runner logs that as the line the clw-task-hang rule reads:
// "task 'x' (pid N) made no progress for 120s; blocked in syscall read (wchan pipe_read)".
// A Node child has a dozen threads; the idle ones sit in futex or epoll_wait, so the pid's own
// entries (its main thread, where a task's synchronous call blocks) are the ones read.
import { readFileSync } from 'node:fs';
import { statFields } from './proc-stat.js';

// The calls a stuck task is usually found in, by number; any other shows as its number.
const X64: Record<number, string> = {
  0: 'read', 1: 'write', 2: 'open', 3: 'close', 7: 'poll', 16: 'ioctl', 17: 'pread64', 18: 'pwrite64', 19: 'readv',
  20: 'writev', 23: 'select', 34: 'pause', 35: 'nanosleep', 40: 'sendfile', 42: 'connect', 43: 'accept', 44: 'sendto',
  45: 'recvfrom', 46: 'sendmsg', 47: 'recvmsg', 61: 'wait4', 65: 'semop', 70: 'msgrcv', 73: 'flock', 74: 'fsync',
  75: 'fdatasync', 128: 'rt_sigtimedwait', 130: 'rt_sigsuspend', 162: 'sync', 202: 'futex', 208: 'io_getevents',
  220: 'semtimedop', 230: 'clock_nanosleep', 232: 'epoll_wait', 247: 'waitid', 257: 'openat', 270: 'pselect6',
  271: 'ppoll', 275: 'splice', 281: 'epoll_pwait', 288: 'accept4', 426: 'io_uring_enter', 441: 'epoll_pwait2',
};
// arm64 uses the generic table: no open, poll, select or epoll_wait, only their *at / p* forms.
const ARM64: Record<number, string> = {
  4: 'io_getevents', 22: 'epoll_pwait', 29: 'ioctl', 32: 'flock', 56: 'openat', 57: 'close', 63: 'read', 64: 'write',
  65: 'readv', 66: 'writev', 67: 'pread64', 68: 'pwrite64', 71: 'sendfile', 72: 'pselect6', 73: 'ppoll', 76: 'splice',
  81: 'sync', 82: 'fsync', 83: 'fdatasync', 95: 'waitid', 98: 'futex', 101: 'nanosleep', 115: 'clock_nanosleep',
  133: 'rt_sigsuspend', 137: 'rt_sigtimedwait', 188: 'msgrcv', 192: 'semtimedop', 193: 'semop', 202: 'accept',
  203: 'connect', 206: 'sendto', 207: 'recvfrom', 211: 'sendmsg', 212: 'recvmsg', 242: 'accept4', 260: 'wait4',
  426: 'io_uring_enter', 441: 'epoll_pwait2',
};

/** The name of syscall `nr` on `arch` (process.arch), or the number when the table does not have it. */
export function syscallName(nr: number, arch: string = process.arch): string {
  const table = arch === 'x64' ? X64 : arch === 'arm64' ? ARM64 : {};
  return table[nr] ?? String(nr);
}

export interface ProcStat {
  /** R running, S sleeping, D uninterruptible, T stopped, Z zombie, ... */
  state: string;
  /** utime + stime of the whole process, in clock ticks */
  cpuTicks: number;
}

/** Parses /proc/PID/stat. */
export function parseStat(text: string): ProcStat | null {
  // After the name: state is field 3, utime 14 and stime 15 (proc(5)), so 0, 11 and 12 here.
  const f = statFields(text);
  if (!f) return null;
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (!f[0] || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { state: f[0], cpuTicks: utime + stime };
}

/** Parses /proc/PID/syscall: "NR args... sp pc" in a call, "running", or "-1 sp pc" (blocked outside one). */
export function parseSyscall(text: string, arch: string = process.arch): string | null {
  const first = text.trim().split(' ')[0];
  if (first === 'running') return 'running';
  const nr = Number(first);
  return first && Number.isInteger(nr) && nr >= 0 ? syscallName(nr, arch) : null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Gone, or not ours to read (/proc/PID/syscall needs ptrace access): say less rather than fail.
    return null;
  }
}

export interface Stall {
  /** the threshold crossed: hang_sec, then twice that, and so on */
  stalledSec: number;
  state: string;
  syscall: string | null;
  wchan: string | null;
}

/** Where the process is stuck, read now. */
export function whereBlocked(pid: number, stalledSec: number): Stall {
  const stat = parseStat(read(`/proc/${pid}/stat`) ?? '');
  const sc = read(`/proc/${pid}/syscall`);
  const wchan = read(`/proc/${pid}/wchan`)?.trim();
  // "0": the process is running, or the kernel hides the symbol.
  return { stalledSec, state: stat?.state ?? '?', syscall: sc === null ? null : parseSyscall(sc), wchan: wchan && wchan !== '0' ? wchan : null };
}

/** The text after "task 'x' (pid N) " in worker.log. */
export function describeStall(s: Stall): string {
  const wchan = s.wchan ? ` (wchan ${s.wchan})` : '';
  const where = s.syscall ? `blocked in syscall ${s.syscall}${wchan}` : `state ${s.state}${wchan}`;
  return `made no progress for ${s.stalledSec}s; ${where}`;
}

/** Watches one task child: check() on every watchdog tick returns a Stall once the CPU time has not
 *  moved for hangSec, and again each time the stall doubles; otherwise null. */
export class ProgressWatch {
  private cpu = -1;
  private since: number;
  private nextSec: number;

  constructor(
    private readonly pid: number,
    private readonly hangSec: number,
    now = Date.now(),
  ) {
    this.since = now;
    this.nextSec = hangSec;
  }

  check(now = Date.now()): Stall | null {
    const stat = parseStat(read(`/proc/${this.pid}/stat`) ?? '');
    // Gone or a zombie: the exit handler has the last word.
    if (!stat || stat.state === 'Z' || stat.state === 'X') return null;
    if (stat.cpuTicks !== this.cpu) {
      this.cpu = stat.cpuTicks;
      this.since = now;
      this.nextSec = this.hangSec;
      return null;
    }
    if (now - this.since < this.nextSec * 1000) return null;
    const stall = whereBlocked(this.pid, this.nextSec);
    this.nextSec *= 2;
    return stall;
  }
}
