// The worker.log writer. Worker lines: "ISO clw-worker[pid=N]: LEVEL: msg"; supervisor lines:
// "ISO Supervisor: msg" (the form the clw-respawn / clw-supervisor-gave-up rules read) and
// "ISO clw-supervisor[pid=N]: LEVEL: msg". The supervisor and its worker append to the same file:
// appendFileSync opens with O_APPEND and each line is one write, so lines never interleave.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'CRITICAL';

export class WorkerLog {
  constructor(
    readonly file: string | null,
    readonly processName = 'clw-worker',
    readonly pid = process.pid,
    readonly toStderr = true,
  ) {
    if (file) mkdirSync(dirname(file), { recursive: true });
  }

  /** A line as it is, after the ISO time. */
  write(text: string): void {
    const line = `${new Date().toISOString()} ${text}\n`;
    if (this.file) {
      try {
        appendFileSync(this.file, line);
      } catch {
        // A log that cannot be written must not stop the worker; stderr still has the line.
      }
    }
    if (this.toStderr) process.stderr.write(line);
  }

  /** "clw-worker[pid=N]: LEVEL: msg" */
  log(level: Level, msg: string): void {
    this.write(`${this.processName}[pid=${this.pid}]: ${level}: ${msg}`);
  }

  /** "clw-worker[pid=N]: msg" with no level: the "[clw-worker-oom]" block and its "[clw] ..." lines. */
  tagged(msg: string): void {
    this.write(`${this.processName}[pid=${this.pid}]: ${msg}`);
  }

  info(msg: string): void {
    this.log('INFO', msg);
  }
  warn(msg: string): void {
    this.log('WARN', msg);
  }
  error(msg: string): void {
    this.log('ERROR', msg);
  }
  fatal(msg: string): void {
    this.log('FATAL', msg);
  }
}

/** The supervisor's own "Supervisor: ..." lines carry no process envelope, as in the OpenClaw logs. */
export function supervisorLine(log: WorkerLog, msg: string): void {
  log.write(`Supervisor: ${msg}`);
}
