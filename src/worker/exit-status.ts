// How a process ended, as a shell (and OpenClaw's "exited with code N" lines) shows it.
import { constants } from 'node:os';

/** The exit status a shell would show: 128 + the signal number for a signal death. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return code ?? 0;
}
