// The command line. The only place that calls process.exit, and the only place that maps errors
// to exit codes: a user's mistake is one line on stderr and exit 2, never a stack trace.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SEVERITIES } from '../types.js';
import { FORMATS, type Format } from '../report/index.js';
import { runAnalyze, type Io } from './analyze-command.js';
import { EXIT, exitCodeFor, messageFor, UsageError } from './errors.js';
import { why } from './output-file.js';
import { runRules } from './rules-command.js';
import { parseGdbTimeout } from './options.js';
import { escapeControl } from '../text/escape-control.js';
import { protectStdin, restoreInMessage, restoreStdin, restoreStdinValues } from './stdin-arg.js';

function io(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/** Options that take one value: yargs makes a repeated one an array, which nothing downstream
 *  expects (`--until 1h --until 2h` failed as a bug). Which one was meant is not for us to guess. */
const SINGLE_VALUED = ['since', 'until', 'format', 'output', 'fail-on', 'top', 'rules', 'config', 'dmesg', 'journal', 'cores', 'exe', 'gdb-timeout', 'file'];

function refuseRepeats(argv: Record<string, unknown>): void {
  for (const name of SINGLE_VALUED) {
    const v = argv[name];
    if (Array.isArray(v)) throw new UsageError(`--${name} was given ${v.length} times (${v.map((x) => JSON.stringify(String(x))).join(', ')}); give it once`);
  }
}

/** `streams` lets a test run the command line in its own process, on streams of its own. */
export async function main(argv = hideBin(process.argv), streams: Io = io()): Promise<number> {
  let code = 0;
  const parser = yargs(protectStdin(argv))
    .scriptName('clw-diag')
    .usage('$0 [PATH..]  names the root cause of dead workers from their logs')
    .command('rules <action>', 'list, test or lint the rule set', (y) => y
      .positional('action', { choices: ['list', 'test', 'lint'] as const, demandOption: true })
      .option('rules', { type: 'string', describe: 'rules folder or file (default: the bundled rules/)' })
      .option('rules-dir', { type: 'string', array: true, describe: 'site rules: a folder of rule files added to the bundled set (repeatable; /etc/clw-diag/rules.d is read when present)' })
      .option('config', { type: 'string', describe: 'settings file (default /etc/clw-diag/config.toml when present): [thresholds] and [rules] dirs' })
      .option('threshold', { type: 'string', array: true, describe: 'NAME=VALUE, e.g. gc_pause_ms=500 (repeatable; see config/defaults.toml)' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const }),
    async (a) => { code = await runRules({ action: a.action, rules: a.rules, rulesDir: a['rules-dir'], config: a.config, threshold: a.threshold, format: a.format }, streams); })
    .command('core <file>', 'read one core dump: the crash, its backtrace and signature', (y) => y
      .positional('file', { type: 'string', demandOption: true, describe: 'the core file' })
      .option('exe', { type: 'string', describe: 'the executable that dumped it (default: read from the core)' })
      .option('gdb-timeout', { type: 'string', default: '30', describe: 'seconds gdb may take (1 to 3600)' })
      .option('format', { choices: FORMATS, default: 'text' as Format, describe: 'report format' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE (a file is replaced whole; devices and symlinks are written through)' })
      .option('fail-on', { choices: [...SEVERITIES.filter((s) => s !== 'info'), 'never'] as const, default: 'error' as const })
      .option('rules', { type: 'string', describe: 'rules folder or file (default: the bundled rules/)' }),
    async (a) => {
      code = await runAnalyze({
        paths: [], coreFiles: [restoreStdin(a.file)], exe: a.exe, gdbTimeout: parseGdbTimeout(a['gdb-timeout']),
        format: a.format, output: a.output, failOn: a['fail-on'], rules: a.rules,
      }, streams);
    })
    .command('$0 [paths..]', 'analyse files or folders', (y) => y
      .positional('paths', { type: 'string', array: true, describe: 'log files or folders ("-" for standard input)' })
      .option('worker-logs', { type: 'string', array: true, describe: 'worker logs or folders of them (default /var/log/clw/worker.log, /var/log/claw/worker.log)' })
      .option('dmesg', { type: 'string', describe: 'the kernel ring buffer (runs dmesg), or a saved capture FILE' })
      .option('journal', { type: 'string', describe: 'journald (runs journalctl -o json): a UNIT, a .journal FILE, a DIR, PATH:UNIT, or a JSON export' })
      .option('stream', { type: 'boolean', describe: 'read standard input as it arrives, printing incidents as they open' })
      .option('follow', { alias: 'f', type: 'boolean', describe: 'keep reading files (and dmesg, the journal) as they grow, across rotation' })
      .option('cores', { type: 'string', describe: 'core dumps in DIR (default /tmp, /var/lib/systemd/coredump, ./), read with gdb' })
      .option('exe', { type: 'string', describe: 'the executable of the cores (default: read from each core)' })
      .option('gdb-timeout', { type: 'string', default: '30', describe: 'seconds gdb may take per core (1 to 3600)' })
      .option('since', { type: 'string', describe: 'only lines from this time: 1h, 30m, 2d or an ISO time' })
      .option('until', { type: 'string', describe: 'only lines up to this time' })
      .option('format', { choices: FORMATS, default: 'text' as Format, describe: 'report format' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE (a file is replaced whole; devices and symlinks are written through)' })
      .option('fail-on', { choices: [...SEVERITIES.filter((s) => s !== 'info'), 'never'] as const, default: 'error' as const, describe: 'exit 1 when an incident is at or above this severity' })
      .option('top', { type: 'number', describe: 'show only the N highest-ranked incidents' })
      .option('rules', { type: 'string', describe: 'rules folder or file instead of the bundled rules/' })
      .option('rules-dir', { type: 'string', array: true, describe: 'site rules: a folder of rule files added to the bundled set (repeatable; /etc/clw-diag/rules.d is read when present)' })
      .option('config', { type: 'string', describe: 'settings file (default /etc/clw-diag/config.toml when present): [thresholds] and [rules] dirs' })
      .option('threshold', { type: 'string', array: true, describe: 'NAME=VALUE, e.g. gc_pause_ms=500 (repeatable; see config/defaults.toml)' }),
    async (a) => {
      if (a.top !== undefined && (!Number.isInteger(a.top) || a.top < 1)) throw new UsageError(`--top ${a.top}: expected a whole number of 1 or more`);
      code = await runAnalyze({
        paths: (a.paths ?? []).map(restoreStdin), workerLogs: a['worker-logs'], dmesg: a.dmesg, journal: a.journal, stream: a.stream, follow: a.follow,
        cores: a.cores, exe: a.exe, gdbTimeout: parseGdbTimeout(a['gdb-timeout']),
        since: a.since, until: a.until,
        format: a.format, output: a.output, failOn: a['fail-on'], top: a.top, rules: a.rules,
        rulesDir: a['rules-dir'], config: a.config, threshold: a.threshold,
      }, streams);
    })
    .middleware(restoreStdinValues, true)
    .middleware(refuseRepeats, true)
    .strict()
    .help()
    .version()
    .wrap(Math.min(100, process.stdout.columns || 80))
    .fail((msg, err) => { throw err ?? new UsageError(msg); });
  try {
    await parser.parseAsync();
    return code;
  } catch (err) {
    const exit = exitCodeFor(err);
    streams.stderr.write(`clw-diag: ${escapeControl(restoreInMessage(messageFor(err)))}\n`);
    if (exit === 3) streams.stderr.write(`clw-diag: this is a bug; please report it with the command you ran\n${(err as Error).stack ?? ''}\n`);
    else streams.stderr.write(`Run 'clw-diag --help' for usage.\n`);
    return exit;
  }
}

/** Runs the command line and exits with its code. */
export function run(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `clw-diag … | head` closes the pipe early: that is the reader's choice, not an error.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // A full disk or a failing device under `> FILE`: the report is lost, which the user must know.
    process.stderr.write(`clw-diag: standard output: cannot write the report: ${why(err)}\n`);
    process.exit(EXIT.usage);
  });
  // Nowhere is left to say that stderr failed; the exit code still tells.
  process.stderr.on('error', () => {});
  main().then((code) => {
    process.exitCode = code;
    // Standard input may hold the loop open after a report on Ctrl-C.
    if (!process.stdin.readableEnded) process.stdin.destroy();
  }, (err) => {
    process.stderr.write(`clw-diag: ${messageFor(err)}\n`);
    process.exit(3);
  });
}
