// The Prometheus text exposition format (0.0.4), for node_exporter's textfile collector: write it
// to a .prom file in its folder (atomically: --output). Every series of a family is always written,
// zeros included, so an alert can test `== 0` and `absent()` means the job stopped running.
// The counts are of what this run found in its inputs (its --since window), not running totals: a
// run every few minutes over the last hour repeats what the last one saw. So they are gauges, read
// as they are (`> 0`), never through rate() or increase().
import { CATEGORIES, SEVERITIES } from '../types.js';
import type { Incident, Report } from '../types.js';
import { inputLines } from './format-facts.js';
import { escapeControl } from '../text/escape-control.js';

// The fatal signals behind crash.segv, crash.abort and crash.signal; always written, zero or not.
const CRASH_SIGNALS = ['SIGSEGV', 'SIGBUS', 'SIGABRT', 'SIGILL', 'SIGFPE', 'SIGSYS', 'SIGTRAP'];

/** A label value: backslash, double quote and line feed escaped; other control characters shown as \x1b-style escapes. */
export function labelValue(s: string): string {
  return escapeControl(s, { keepNewlines: true }).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped. */
function helpText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

type Labels = Record<string, string>;

function family(name: string, help: string, samples: [Labels, number][]): string[] {
  const lines = [`# HELP ${name} ${helpText(help)}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${labelValue(v)}"`).join(',');
    lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** How many times a restart.loop incident says its worker restarted: the restart counter or the
 *  attempt number it reached (the log may hold only the last of them), or its count of events. */
export function restartsOf(inc: Incident): number {
  return Math.max(num(inc.facts.restartCount), num(inc.facts.attempt), inc.count);
}

function crashSignal(inc: Incident): string {
  const s = inc.crash?.signal || (typeof inc.facts.signal === 'string' ? inc.facts.signal : '');
  return s || 'unknown';
}

export function renderPrometheus(report: Report): string {
  const incidents = new Map<string, number>();
  for (const c of CATEGORIES) for (const s of SEVERITIES) incidents.set(`${c}\u0000${s}`, 0);
  const crashes = new Map<string, number>(CRASH_SIGNALS.map((s) => [s, 0]));
  let oomKills = 0;
  let restarts = 0;
  for (const inc of report.incidents) {
    const key = `${inc.category}\u0000${inc.severity}`;
    incidents.set(key, (incidents.get(key) ?? 0) + 1);
    if (inc.category.startsWith('crash.')) {
      const signal = crashSignal(inc);
      crashes.set(signal, (crashes.get(signal) ?? 0) + inc.count);
    }
    if (inc.category === 'oom.killed') oomKills += inc.count;
    if (inc.category === 'restart.loop') restarts += restartsOf(inc);
  }
  const failed = report.sources.filter((s) => s.errors.length).length;
  const out = [
    ...family('clw_diag_incidents', 'Incidents clw-diag found in its inputs, by category and severity.',
      [...incidents].map(([k, v]) => {
        const [category, severity] = k.split('\u0000');
        return [{ category, severity }, v];
      })),
    ...family('clw_diag_crashes', 'Worker crashes (crash.* incidents, each occurrence) by fatal signal.',
      [...crashes].map(([signal, v]) => [{ signal }, v])),
    ...family('clw_diag_oom_kills', 'Processes killed by an OOM killer (oom.killed incidents, each occurrence).', [[{}, oomKills]]),
    ...family('clw_diag_worker_restarts', 'Worker restarts that restart.loop incidents report (restart counters, attempts).', [[{}, restarts]]),
    ...family('clw_diag_events', 'Input lines a rule matched.', [[{}, report.summary.events]]),
    ...family('clw_diag_inputs', 'Inputs read: files, dmesg, journals, standard input, core folders.', [[{}, report.sources.length]]),
    ...family('clw_diag_input_lines', 'Lines read from all inputs.', [[{}, inputLines(report)]]),
    ...family('clw_diag_input_problems', 'Inputs with a problem (unreadable, empty, a line cut short): see the notes of the report.', [[{}, failed]]),
    ...family('clw_diag_last_run_timestamp_seconds', 'When clw-diag wrote this report, in seconds since the epoch.',
      [[{}, Math.floor(Date.parse(report.generatedAt) / 1000)]]),
  ];
  return out.join('\n') + '\n';
}
