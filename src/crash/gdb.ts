// Runs gdb on one core, the way an untrusted core must be read (README, architecture): no init files
// (-nx), no auto-loaded scripts and no debuginfod downloads (set with -iex, before the files load;
// -ex comes too late), HOME and the working folder an empty temp folder, a time limit that ends
// gdb's whole process group, and a cap on what it may print.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { atExit } from './at-exit.js';

export const DEFAULT_GDB_TIMEOUT_MS = 30_000;
export const GDB_OUTPUT_CAP = 1 << 20;
/** Frames read from the crashing thread: enough to get past any run of raise/abort/libc frames. */
export const BT_LIMIT = 64;
/** One text for every core, so a report that gathers notes can show it once. */
export const GDB_MISSING_NOTE = 'gdb is not installed, so the cores were read without backtraces (signal, fault address and executable only): install it (apt-get install gdb; dnf install gdb; apk add gdb) and run again';

/** Marks each command's output, so the parser never guesses where one answer ends. */
export const MARK = '@@clw:';

const SAFETY = ['set auto-load off', 'set debuginfod enabled off', 'set pagination off', 'set width 0', 'set height 0', 'set confirm off', 'set style enabled off', 'set print frame-arguments presence', 'set print entry-values no', 'set print elements 2000', 'set print repeats unlimited', 'set print pretty off'];

const QUERIES: [string, string][] = [
  ['bt', `bt ${BT_LIMIT}`],
  ['pc', 'p/x $pc'],
  ['sp', 'p/x $sp'],
  ['signo', 'p $_siginfo.si_signo'],
  ['sicode', 'p $_siginfo.si_code'],
  ['addr', 'p $_siginfo._sifields._sigfault.si_addr'],
  // glibc keeps abort()'s message (an assertion's text) in __abort_msg, a pointer to
  // { unsigned size; char msg[]; }; read it by address so it works without libc's debug info.
  ['abort', 'p (char *)(*(char **)&__abort_msg) + 4'],
];

export function gdbArgs(core: string, exe: string | null): string[] {
  const args = ['-nx', '-batch', '-q'];
  for (const s of SAFETY) args.push('-iex', s);
  for (const [name, cmd] of QUERIES) args.push('-ex', `echo \\n${MARK}${name}@@\\n`, '-ex', cmd);
  args.push('-ex', `echo \\n${MARK}end@@\\n`);
  // Absolute (gdb runs in an empty folder), and the --opt=FILE form, so a file named like an
  // option stays a file.
  if (exe) args.push(`--se=${resolve(exe)}`);
  args.push(`--core=${resolve(core)}`);
  return args;
}

export interface GdbRun {
  stdout: string;
  stderr: string;
  /** gdb is not on PATH. */
  missing: boolean;
  timedOut: boolean;
  /** Output passed the cap and gdb was stopped there. */
  capped: boolean;
  /** gdb could not be started or died of a signal, other than by our timeout or cap. */
  failure: string | null;
}

export interface GdbOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** The gdb to run; `gdb` on PATH by default. */
  gdb?: string;
}

/** After the time limit's SIGTERM, how long gdb has to go before the group gets SIGKILL. */
export const GDB_KILL_GRACE_MS = 1000;
/** Node fires a timer longer than this (about 24.8 days) at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Signals gdb's process group: gdb and whatever it started. Quiet when the group is gone. */
function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

export async function runGdb(core: string, exe: string | null, opts: GdbOptions = {}): Promise<GdbRun> {
  const home = await mkdtemp(join(tmpdir(), 'clw-gdb-'));
  const dropHome = atExit(() => rmSync(home, { recursive: true, force: true }));
  let pid: number | undefined;
  // gdb runs in a process group of its own (detached), so the time limit reaches what it started
  // too, and a gdb that ignores SIGTERM still ends: SIGTERM to the group, SIGKILL after a grace.
  // The terminal's Ctrl-C no longer reaches the group, so ending clw-diag ends it (atExit).
  const dropGroup = atExit(() => signalGroup(pid, 'SIGKILL'));
  let timedOut = false;
  let grace: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(pid, 'SIGTERM');
    grace = setTimeout(() => signalGroup(pid, 'SIGKILL'), GDB_KILL_GRACE_MS);
  }, Math.min(Math.max(opts.timeoutMs ?? DEFAULT_GDB_TIMEOUT_MS, 1), MAX_TIMER_MS));
  try {
    const sub = execa(opts.gdb ?? 'gdb', gdbArgs(core, exe), {
      cwd: home,
      // Only what gdb needs: English messages for the parser, nowhere to find user config.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, XDG_DATA_HOME: home, LC_ALL: 'C', LANG: 'C', TERM: 'dumb', DEBUGINFOD_URLS: '', TMPDIR: tmpdir() },
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      detached: true,
      killSignal: 'SIGKILL',
      maxBuffer: { stdout: opts.maxBytes ?? GDB_OUTPUT_CAP, stderr: 64 << 10 },
      encoding: 'utf8',
      stripFinalNewline: false,
    });
    pid = sub.pid;
    const r = await sub;
    const code = (r as { code?: string }).code;
    const missing = code === 'ENOENT';
    const capped = r.isMaxBuffer;
    let failure: string | null = null;
    if (!missing && !capped && !timedOut && r.failed && (r.signal || r.exitCode === undefined)) {
      failure = r.signal ? `gdb died of ${r.signal}` : `gdb could not be started (${code ?? r.shortMessage})`;
    }
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), missing, timedOut, capped, failure };
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    // Nothing gdb started has any business outliving it (the cap stops gdb alone, too).
    signalGroup(pid, 'SIGKILL');
    dropGroup();
    dropHome();
    await rm(home, { recursive: true, force: true });
  }
}
