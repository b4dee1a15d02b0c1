// `--dmesg`: the kernel ring buffer, read live through dmesg with ISO times so --since works on
// kernel lines, or a saved capture in any of dmesg's formats or kern.log.
import { readFileSync } from 'node:fs';
import { commandOutput } from './command.js';
import { fileSource } from './file.js';
import type { Source } from './source.js';

/** Epoch ms of boot, from the uptime: places raw `[secs]` stamps on the wall clock. */
export function bootTime(now = Date.now()): number | null {
  try {
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Number.isFinite(uptime) ? Math.round(now - uptime * 1000) : null;
  } catch {
    return null;
  }
}

export function dmesgSource(file?: string, follow = false): Source {
  if (file) return fileSource(file, 'dmesg', { kernelOnly: true });
  return {
    kind: 'dmesg',
    name: 'dmesg',
    kernelOnly: true,
    // Raw stamps only appear when dmesg cannot print ISO times; the boot time places them.
    bootTime: bootTime(),
    live: follow,
    open: (ctx = {}) => commandOutput('dmesg', ['--time-format', 'iso', ...(follow ? ['--follow'] : [])], ctx, {
      missing: 'dmesg: not installed (util-linux); kernel messages not read',
    }),
  };
}
