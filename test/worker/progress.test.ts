// The progress watchdog: /proc parsing, and a real blocked process against a busy one.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { describeStall, parseStat, parseSyscall, ProgressWatch, syscallName } from '../../src/worker/progress.js';

const onLinux = process.platform === 'linux';

function started(cmd: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: 'ignore' });
  return new Promise((resolve, reject) => child.once('spawn', () => resolve(child)).once('error', reject));
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress watchdog', () => {
  it('parses /proc/PID/stat from the last parenthesis, so a name with spaces and ")" cannot shift the fields', () => {
    const tail = '22440 22440 32381 0 -1 4194304 2670 133 0 1 11 4 0 0 20 0 11 0 1010761'; // utime 11, stime 4
    expect(parseStat(`4242 (node) S ${tail}`)).toEqual({ state: 'S', cpuTicks: 15 });
    expect(parseStat(`4242 (my (odd) name) D ${tail}`)).toEqual({ state: 'D', cpuTicks: 15 });
    expect(parseStat('')).toBeNull();
  });

  it('names syscalls by number for x86_64 and aarch64, and keeps the number or "running" otherwise', () => {
    expect(parseSyscall('0 0x12 0x1ade06d0 0x1 0x7ffe 0x0 0xffff 0x7ffe 0x7f43', 'x64')).toBe('read');
    expect(parseSyscall('63 0x12 0x1 0x1 0x0 0x0 0x0 0x7ffe 0xffff', 'arm64')).toBe('read');
    expect(parseSyscall('257 0xffffff9c 0x1 0x0 0x0 0x0 0x0 0x7ffe 0x7f43', 'x64')).toBe('openat');
    expect(parseSyscall('98 0x1 0x80 0x0 0x0 0x0 0x0 0x7ffe 0xffff', 'arm64')).toBe('futex');
    expect(parseSyscall('running\n', 'x64')).toBe('running');
    expect(parseSyscall('-1 0x7ffe 0x7f43\n', 'x64')).toBeNull();
    expect(syscallName(999, 'x64')).toBe('999');
    expect(syscallName(0, 'riscv64')).toBe('0');
  });

  it('words a stall as the clw-task-hang rule reads it', () => {
    expect(describeStall({ stalledSec: 120, state: 'S', syscall: 'read', wchan: 'pipe_read' }))
      .toBe('made no progress for 120s; blocked in syscall read (wchan pipe_read)');
    expect(describeStall({ stalledSec: 2, state: 'D', syscall: null, wchan: null })).toBe('made no progress for 2s; state D');
  });

  it.skipIf(!onLinux)('reports a process asleep in a syscall after hangSec, again when the stall doubles, never a busy one', async () => {
    const asleep = await started('sleep', ['30']);
    const busy = await started(process.execPath, ['-e', 'for (;;);']);
    try {
      await pause(200);
      const t0 = Date.now();
      const a = new ProgressWatch(asleep.pid!, 1, t0);
      const b = new ProgressWatch(busy.pid!, 1, t0);
      expect(a.check(t0)).toBeNull(); // the first look takes the CPU time
      expect(b.check(t0)).toBeNull();
      await pause(300); // long enough for the busy one's CPU time to move on by a few ticks
      expect(b.check(t0 + 1500)).toBeNull();
      expect(a.check(t0 + 500)).toBeNull();
      const stall = a.check(t0 + 1000);
      expect(stall).toMatchObject({ stalledSec: 1, state: 'S' });
      if (process.arch === 'x64' || process.arch === 'arm64') expect(stall!.syscall).toBe('clock_nanosleep');
      expect(a.check(t0 + 1500)).toBeNull();
      expect(a.check(t0 + 2000)).toMatchObject({ stalledSec: 2 });
    } finally {
      asleep.kill('SIGKILL');
      busy.kill('SIGKILL');
    }
  });
});
