// `clw-diag [PATH..]`: the main job. Parses nothing itself (yargs did), runs the analysis, writes
// the report, returns the exit code.
import type { Report, Severity } from '../types.js';
import { failsRun } from '../types.js';
import { Analysis } from '../pipeline/analyze.js';
import { renderGithubAnnotations } from '../report/github-annotations.js';
import { render, type Format } from '../report/index.js';
import { EXIT, UsageError } from './errors.js';
import { gatherSources, type InputArgs } from './gather-sources.js';
import { analysisNow, parseWindow, useColor } from './options.js';
import { loadConfiguredRules, type RuleSetArgs } from './site-config.js';
import { checkOutput, writeOutput } from './output-file.js';
import { progressBar } from './progress.js';
import { StatusLine } from './status-line.js';
import { streamPrinter } from './stream-printer.js';
import { escapeControl, jsonControlEscaped } from '../text/escape-control.js';

export interface AnalyzeArgs extends InputArgs, RuleSetArgs {
  since?: string;
  until?: string;
  format: Format;
  output?: string;
  failOn: Severity | 'never';
  top?: number;
  exe?: string;
  gdbTimeout?: number;
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

export function exitCodeForReport(report: Report, failOn: Severity | 'never'): number {
  return report.incidents.some((i) => failsRun(i.severity, failOn)) ? EXIT.incidents : EXIT.ok;
}

export async function runAnalyze(args: AnalyzeArgs, io: Io): Promise<number> {
  if (args.output) checkOutput(args.output);
  const now = analysisNow();
  const window = parseWindow(args.since, args.until, now);
  const { ruleSet, problems, notes: ruleNotes } = loadConfiguredRules(args);
  const abort = new AbortController();
  const { sources, cores, errors, notes } = gatherSources(args, window, io.stdin, abort.signal);
  // Notes name files and quote lines and gdb: escaped, like the report, before they reach a terminal.
  for (const e of errors) io.stderr.write(`clw-diag: ${escapeControl(e)}\n`);
  for (const p of problems) io.stderr.write(`clw-diag: rules: ${escapeControl(p)}\n`);
  const live = sources.some((s) => s.live);
  // The first Ctrl-C or SIGTERM ends the input and prints the report; a second Ctrl-C quits at once.
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signals++ === 0) abort.abort();
    else if (sig === 'SIGINT') process.exit(130);
  };
  if (live) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const progress = progressBar(io.stderr, sources.filter((s) => !s.live));
  // Text and JSON lines can lead the final report on stdout; a document (Markdown, HTML, JUnit,
  // Prometheus) written there must stay whole, so its live lines go to stderr.
  const liveOut = args.output || args.format === 'text' || args.format === 'json' ? io.stdout : io.stderr;
  const inputErrors: string[] = [];
  let analysis: Analysis | null = null;
  const status = new StatusLine(io.stderr, () => ({ lines: analysis?.lines ?? 0, incidents: analysis?.liveIncidents ?? 0, lastEventAt: analysis?.lastEventAt ?? null }));
  const printLive = streamPrinter(liveOut, args.format, useColor(liveOut));
  analysis = new Analysis({
    sources, rules: ruleSet, window, now, top: args.top, signal: abort.signal,
    cores, coreOptions: { exe: args.exe, timeoutMs: (args.gdbTimeout ?? 30) * 1000 },
    notes: [...errors, ...notes, ...problems.map((p) => `rules: ${p}`), ...ruleNotes.map((n) => `rules: ${n}`)],
    onLive: live ? (u) => status.around(() => printLive(u)) : undefined,
    onNote: (n, kind) => {
      status.around(() => io.stderr.write(`clw-diag: ${escapeControl(n)}\n`));
      if (kind === 'input-error') inputErrors.push(n);
    },
    onProgress: progress,
  });
  if (live) status.start();
  try {
    await analysis.scanAll();
  } finally {
    status.stop();
    progress.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const report = analysis.report();
  const text = live && args.format === 'json'
    ? jsonControlEscaped(JSON.stringify({ type: 'report', ...report })) + '\n'
    : render(report, args.format, { color: !args.output && useColor(io.stdout), width: Math.min(io.stdout.columns || 80, 120), failOn: args.failOn });
  // On GitHub Actions, workflow commands on stdout annotate the run: before the report, or alone
  // on stdout when the report goes to --output.
  if (process.env.GITHUB_ACTIONS === 'true') io.stdout.write(renderGithubAnnotations(report, { cwd: process.cwd() }));
  if (args.output) {
    try {
      writeOutput(args.output, text, io);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      // The file could not be written (a full disk, say): the report still reaches the user.
      io.stderr.write(`clw-diag: ${escapeControl(err.message)}; the report follows on standard output\n`);
      io.stdout.write(text);
      return EXIT.usage;
    }
  } else io.stdout.write(text);
  if (errors.length || inputErrors.length || problems.length) return EXIT.usage;
  return exitCodeForReport(report, args.failOn);
}
