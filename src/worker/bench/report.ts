// The bench's result: a small aligned table for an operator, or one JSON object for a script.

export interface BenchResult {
  type: string;
  tasks: number;
  concurrency: number;
  completed: number;
  failed: number;
  /** tasks still queued or running when the bench stopped waiting */
  unfinished: number;
  retried: number;
  crashes: number;
  peakRssBytes: number;
  peakProcesses: number;
  rssSamples: number;
  wallSeconds: number;
  tasksPerSecond: number;
  /** why the bench stopped waiting before the queue emptied, or null when it emptied */
  stoppedEarly: 'timeout' | 'worker-exited' | 'interrupted' | null;
  /** the exit status of `clw-worker run` */
  workerExit: number | null;
  dir: string;
  config: string;
  /** the operator's worker.toml the settings came from, or null for the worker's defaults */
  sourceConfig: string | null;
  workerLog: string;
  logDir: string;
}

/** 0 when every task completed; 1 when any failed or never finished. */
export function benchExitCode(r: BenchResult): number {
  return r.failed > 0 || r.unfinished > 0 ? 1 : 0;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const STOPPED: Record<NonNullable<BenchResult['stoppedEarly']>, string> = {
  timeout: 'the --timeout passed before the queue emptied',
  'worker-exited': 'the worker exited before the queue emptied',
  interrupted: 'the bench was interrupted',
};

export function benchText(r: BenchResult): string {
  const rows: [string, string][] = [
    ['tasks', String(r.tasks)],
    ['completed', String(r.completed)],
    ['failed', String(r.failed)],
  ];
  if (r.unfinished) rows.push(['unfinished', String(r.unfinished)]);
  rows.push(
    ['retried', String(r.retried)],
    ['crashes', String(r.crashes)],
    ['peak RSS', `${mib(r.peakRssBytes)}  (worker tree, up to ${r.peakProcesses} processes, ${r.rssSamples} samples)`],
    ['wall time', `${r.wallSeconds.toFixed(2)} s`],
    ['tasks/s', r.tasksPerSecond.toFixed(2)],
    ['worker.log', r.workerLog],
    ['config', `${r.config}  (${r.sourceConfig ? `settings of ${r.sourceConfig}` : 'the worker\'s defaults'})`],
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  // Counts right-aligned under each other, text values as they are.
  const numWidth = Math.max(...rows.filter(([, v]) => /^\d+$/.test(v)).map(([, v]) => v.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${/^\d+$/.test(v) ? v.padStart(numWidth) : v}`);
  const head = `clw-worker bench: ${r.tasks} ${r.type} tasks at concurrency ${r.concurrency}`;
  const tail = [`  diagnose: clw-diag ${r.logDir}`];
  if (r.stoppedEarly) tail.unshift(`  stopped early: ${STOPPED[r.stoppedEarly]} (worker exit ${r.workerExit ?? 'unknown'})`);
  return [head, ...lines, ...tail].join('\n') + '\n';
}

export function benchJson(r: BenchResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}
