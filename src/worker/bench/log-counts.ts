// What worker.log says about a run's failures beyond the queue's count: tasks the supervisor put
// back in the queue after a worker death, and crashes (a native handler's crash report, or a
// worker or task process that the log says ended by a signal nobody in the worker sent).
import { readFileSync } from 'node:fs';

export interface LogCounts {
  retried: number;
  crashes: number;
}

const RETURNED = /returned to (?:the )?queue/i;
// "3 claimed tasks returned to queue" counts 3; a line naming one task counts 1.
const HOW_MANY = /\b(\d+) (?:\w+ )?tasks?\b/;
const NATIVE_CRASH = /clw-worker-crash detected/;
// The runner's line for a task child killed by a signal it did not send, and the supervisor's for
// a dead worker; a status above 128 is 128 + the signal number.
const EXIT_STATUS = /\bworker \d+ exited with code (\d+)/;

export function countLogLines(text: string): LogCounts {
  let retried = 0;
  let crashes = 0;
  for (const line of text.split('\n')) {
    if (RETURNED.test(line)) retried += Number(HOW_MANY.exec(line)?.[1] ?? 1);
    if (NATIVE_CRASH.test(line)) crashes++;
    else {
      const status = EXIT_STATUS.exec(line);
      if (status && Number(status[1]) > 128) crashes++;
    }
  }
  return { retried, crashes };
}

export function countLog(file: string): LogCounts {
  try {
    return countLogLines(readFileSync(file, 'utf8'));
  } catch {
    return { retried: 0, crashes: 0 };
  }
}
