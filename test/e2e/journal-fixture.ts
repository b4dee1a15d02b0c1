// Real journal files for tests: a journal EXPORT stream (KEY=value lines, a blank line between
// entries, length-prefixed binary form for values with newlines) piped into systemd-journal-remote,
// which writes a .journal file that journalctl reads like any other.
import { execaSync } from 'execa';
import { existsSync } from 'node:fs';

export const JOURNAL_REMOTE_PATHS = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'];

export type Fields = Record<string, string | Buffer>;
export interface JournalEntry {
  /** journald's receive time (__REALTIME_TIMESTAMP), ms since the epoch. */
  time: number;
  fields: Fields;
}

export const BOOT_ID = '5c7a0e9f3d2b4a61a0c4f1e2d3b4a5c6';
export const MACHINE_ID = '0f3e7c1b9a8d4e2f8c6b5a4d3e2f1a0b';
export const HOST = 'node-3';
export const UNIT = 'clw-worker@2.service';
/** The worker the kernel OOM-kills, and the one that replaces it and later dumps core. */
export const PID = 4242;
export const PID2 = 4310;
export const COREDUMP_PID = 4400;
export const T0 = Date.parse('2026-11-20T10:00:00Z');
/** The OOM kill, two minutes after the worker started. */
export const T_OOM = T0 + 120_000;
/** The core dump, twenty minutes later: a separate failure. */
export const T_CRASH = T0 + 20 * 60_000;
/** An abort two hours before: outside a --since of T0 - 30 min. */
export const T_OLD = T0 - 2 * 3_600_000;
/** Booted an hour before T_OLD, so every monotonic stamp is positive. */
const BOOT_TIME = T_OLD - 3_600_000;
export const CORE_FILE = `/var/lib/systemd/coredump/core.clw-worker.1001.${BOOT_ID}.${PID2}.${(T_CRASH - 1000) * 1000}.zst`;
export const MEMCG = '/system.slice/system-clw\\x2dworker.slice/clw-worker@2.service';

/** One entry in the export format; binary-safe (length-prefixed) where a value needs it. */
export function exportEntry(entry: JournalEntry): Buffer {
  const micros = BigInt(entry.time) * 1000n;
  const fields: [string, string | Buffer][] = [
    ['__REALTIME_TIMESTAMP', String(micros)],
    ['__MONOTONIC_TIMESTAMP', String(BigInt(entry.time - BOOT_TIME) * 1000n)],
    ['_BOOT_ID', BOOT_ID],
    ['_MACHINE_ID', MACHINE_ID],
    ['_HOSTNAME', HOST],
    ...Object.entries(entry.fields),
  ];
  const parts: Buffer[] = [];
  for (const [key, value] of fields) {
    const data = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    if (Buffer.isBuffer(value) || data.includes(0x0a)) {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(data.length));
      parts.push(Buffer.from(`${key}\n`), len, data, Buffer.from('\n'));
    } else {
      parts.push(Buffer.from(`${key}=`), data, Buffer.from('\n'));
    }
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

export function exportStream(entries: JournalEntry[]): Buffer {
  return Buffer.concat(entries.map(exportEntry));
}

const findBinary = () => JOURNAL_REMOTE_PATHS.find((p) => existsSync(p)) ?? null;
const hasJournalctl = () => execaSync('sh', ['-c', 'command -v journalctl'], { reject: false }).exitCode === 0;

/** systemd-journal-remote (and journalctl), installed with apt-get when missing and we may. */
export function ensureJournalRemote(): { bin: string } | { skip: string } {
  let bin = findBinary();
  if (bin && hasJournalctl()) return { bin };
  let why = 'not root, so apt-get cannot install it';
  if (process.getuid?.() === 0) {
    const apt = (args: string[]) => execaSync('apt-get', args, { reject: false, env: { DEBIAN_FRONTEND: 'noninteractive' } });
    let r = apt(['install', '-y', '-qq', 'systemd-journal-remote']);
    if (r.exitCode !== 0) {
      apt(['update', '-qq']);
      r = apt(['install', '-y', '-qq', 'systemd-journal-remote']);
    }
    why = r.failed ? `apt-get install systemd-journal-remote failed: ${String(r.stderr || r.message).trim().split('\n').pop()}` : 'installed, yet not found';
  }
  bin = findBinary();
  if (bin && hasJournalctl()) return { bin };
  return { skip: `systemd-journal-remote (${JOURNAL_REMOTE_PATHS.join(' or ')}) and journalctl are needed and ${why}` };
}

/** Writes `entries` into the journal file `out` (which must end in .journal) with systemd-journal-remote. */
export function writeJournal(bin: string, out: string, entries: JournalEntry[]): string {
  const r = execaSync(bin, [`--output=${out}`, '-'], { input: exportStream(entries), reject: false });
  if (r.exitCode !== 0 || !existsSync(out)) throw new Error(`systemd-journal-remote failed (${r.exitCode}): ${r.stderr}`);
  return out;
}

// ----- the story: clw-worker@2.service is OOM-killed in its memory cgroup, restarted, and its
// replacement later dies on SIGSEGV and dumps core; an unrelated unit fails; an old abort. -----

const systemd = (time: number, unit: string, message: string, extra: Fields = {}): JournalEntry => ({
  time,
  fields: {
    MESSAGE: message, PRIORITY: /Failed|killed|exited/.test(message) ? '4' : '6', SYSLOG_FACILITY: '3', SYSLOG_IDENTIFIER: 'systemd',
    _TRANSPORT: 'journal', _PID: '1', _UID: '0', _GID: '0', _COMM: 'systemd', _EXE: '/usr/lib/systemd/systemd',
    _SYSTEMD_UNIT: 'init.scope', _SYSTEMD_CGROUP: '/init.scope', UNIT: unit, ...extra,
  },
});

const worker = (time: number, pid: number, message: string, priority = '6'): JournalEntry => ({
  time,
  fields: {
    MESSAGE: message, PRIORITY: priority, SYSLOG_FACILITY: '3', SYSLOG_IDENTIFIER: 'clw-worker', _TRANSPORT: 'stdout',
    _PID: String(pid), _UID: '1001', _GID: '1001', _COMM: 'clw-worker', _EXE: '/usr/bin/clw-worker',
    _CMDLINE: '/usr/bin/clw-worker --config /etc/claw/worker.toml --worker-id worker-02',
    _SYSTEMD_UNIT: UNIT, _SYSTEMD_SLICE: 'system-clw\\x2dworker.slice', _SYSTEMD_CGROUP: MEMCG,
  },
});

const kernel = (time: number, message: string, priority = '6'): JournalEntry => ({
  time,
  fields: { MESSAGE: message, PRIORITY: priority, SYSLOG_FACILITY: '0', SYSLOG_IDENTIFIER: 'kernel', _TRANSPORT: 'kernel' },
});

/** The kernel's memory-cgroup OOM report, one journal entry per line as journald stores printk. */
export function kernelOomLines(pid = PID): string[] {
  return [
    'clw-worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    `CPU: 1 PID: ${pid} Comm: clw-worker Not tainted 6.1.0-27-amd64 #1  Debian 6.1.115-1`,
    'Hardware name: Amazon EC2 m6i.xlarge/, BIOS 1.0 10/16/2017',
    'Call Trace:',
    ' <TASK>',
    ' dump_stack_lvl+0x44/0x5c',
    ' dump_header+0x4a/0x211',
    ' oom_kill_process.cold+0xb/0x10',
    ' out_of_memory+0x1fd/0x4c0',
    ' mem_cgroup_out_of_memory+0x134/0x150',
    ' try_charge_memcg+0x696/0x780',
    ' </TASK>',
    'memory: usage 2097152kB, limit 2097152kB, failcnt 4812',
    'swap: usage 0kB, limit 0kB, failcnt 0',
    `Memory cgroup stats for ${MEMCG}:`,
    'anon 2143289344',
    'file 90112',
    'Tasks state (memory values in pages):',
    '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    `[   ${pid}]  1001  ${pid}   812345   523412  4915200        0             0 clw-worker`,
    `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${MEMCG},task_memcg=${MEMCG},task=clw-worker,pid=${pid},uid=1001`,
    `Memory cgroup out of memory: Killed process ${pid} (clw-worker) total-vm:3249380kB, anon-rss:2093648kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:4800kB oom_score_adj:0`,
  ];
}

export const CRASH_MESSAGE = [
  `Process ${PID2} (clw-worker) of user 1001 dumped core.`,
  '',
  'Module libclw_task.so without build-id.',
  `Stack trace of thread ${PID2}:`,
  '#0  0x00007f3a1c4b4e10 clw_task_run (libclw_task.so + 0x14e10)',
  '#1  0x000055d4c3a1b2c0 n/a (clw-worker + 0x1b2c0)',
  '#2  0x00007f3a1c229d90 __libc_start_call_main (libc.so.6 + 0x29d90)',
  'ELF object binary architecture: AMD x86-64',
].join('\n');

export interface StoryParts {
  /** The abort two hours before T0. */
  old?: boolean;
  /** The worker's own lines (stdout of the unit). */
  worker?: boolean;
  /** The kernel's OOM report. */
  kernel?: boolean;
  /** systemd about clw-worker@2.service: start, OOM kill, failure, restart. */
  systemd?: boolean;
  /** The replacement worker's SIGSEGV: systemd-coredump's entry and systemd's lines. */
  coredump?: boolean;
  /** nginx.service failing: a unit a clw-worker@*.service selection leaves out. */
  other?: boolean;
}

const ALL: Required<StoryParts> = { old: true, worker: true, kernel: true, systemd: true, coredump: true, other: true };

export function story(parts: StoryParts = ALL): JournalEntry[] {
  const p = { ...Object.fromEntries(Object.keys(ALL).map((k) => [k, false])), ...parts } as Required<StoryParts>;
  const out: JournalEntry[] = [];
  if (p.old) out.push(systemd(T_OLD, UNIT, `${UNIT}: Main process exited, code=dumped, status=6/ABRT`, { EXIT_CODE: 'dumped', EXIT_STATUS: '6' }));
  if (p.systemd) {
    out.push(systemd(T0, UNIT, `Starting ${UNIT} - OpenClaw worker 2...`, { JOB_TYPE: 'start' }));
    out.push(systemd(T0 + 300, UNIT, `Started ${UNIT} - OpenClaw worker 2.`, { JOB_TYPE: 'start', JOB_RESULT: 'done' }));
  }
  if (p.worker) {
    out.push(worker(T0 + 500, PID, 'clw-worker 2.4.1 starting (worker_id=worker-02, config=/etc/claw/worker.toml, concurrency=4)'));
    out.push(worker(T0 + 60_000, PID, "Starting task 'geo-tile-build-7c1e9a' (type=geo.tiles, attempt 1)"));
  }
  if (p.other) out.push(systemd(T0 + 90_000, 'nginx.service', "nginx.service: Failed with result 'exit-code'.", { UNIT_RESULT: 'exit-code' }));
  if (p.kernel) kernelOomLines().forEach((line, i) => out.push(kernel(T_OOM + i, line, /oom-killer|Killed process/.test(line) ? '3' : '4')));
  if (p.systemd) {
    out.push(systemd(T_OOM + 50, UNIT, `${UNIT}: A process of this unit has been killed by the OOM killer.`));
    out.push(systemd(T_OOM + 60, UNIT, `${UNIT}: Main process exited, code=killed, status=9/KILL`, { EXIT_CODE: 'killed', EXIT_STATUS: '9' }));
    out.push(systemd(T_OOM + 70, UNIT, `${UNIT}: Failed with result 'oom-kill'.`, { UNIT_RESULT: 'oom-kill' }));
    out.push(systemd(T_OOM + 5_000, UNIT, `${UNIT}: Scheduled restart job, restart counter is at 1.`, { N_RESTARTS: '1' }));
    out.push(systemd(T_OOM + 5_300, UNIT, `Started ${UNIT} - OpenClaw worker 2.`, { JOB_TYPE: 'start', JOB_RESULT: 'done' }));
  }
  if (p.worker) out.push(worker(T_OOM + 5_500, PID2, 'clw-worker 2.4.1 starting (worker_id=worker-02, config=/etc/claw/worker.toml, concurrency=4)'));
  if (p.coredump) {
    out.push({
      time: T_CRASH,
      fields: {
        MESSAGE: CRASH_MESSAGE, PRIORITY: '2', SYSLOG_FACILITY: '3', SYSLOG_IDENTIFIER: 'systemd-coredump',
        MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1', _TRANSPORT: 'journal', _PID: String(COREDUMP_PID), _UID: '0', _GID: '0',
        _COMM: 'systemd-coredump', _EXE: '/usr/lib/systemd/systemd-coredump', _SYSTEMD_UNIT: `systemd-coredump@0-${COREDUMP_PID}-0.service`,
        COREDUMP_PID: String(PID2), COREDUMP_UID: '1001', COREDUMP_GID: '1001', COREDUMP_SIGNAL: '11', COREDUMP_SIGNAL_NAME: 'SIGSEGV',
        COREDUMP_TIMESTAMP: String((T_CRASH - 1000) * 1000), COREDUMP_COMM: 'clw-worker', COREDUMP_EXE: '/usr/bin/clw-worker',
        COREDUMP_CMDLINE: '/usr/bin/clw-worker --config /etc/claw/worker.toml --worker-id worker-02',
        COREDUMP_UNIT: UNIT, COREDUMP_SLICE: 'system-clw\\x2dworker.slice', COREDUMP_CGROUP: MEMCG, COREDUMP_HOSTNAME: HOST,
        COREDUMP_FILENAME: CORE_FILE,
      },
    });
    out.push(systemd(T_CRASH + 100, UNIT, `${UNIT}: Main process exited, code=dumped, status=11/SEGV`, { EXIT_CODE: 'dumped', EXIT_STATUS: '11' }));
    out.push(systemd(T_CRASH + 110, UNIT, `${UNIT}: Failed with result 'core-dump'.`, { UNIT_RESULT: 'core-dump' }));
  }
  return out.sort((a, b) => a.time - b.time);
}

/** The story split the way journald splits it on disk: system.journal, and the worker's user journal. */
export function splitStory(entries: JournalEntry[]): { system: JournalEntry[]; user: JournalEntry[] } {
  const user = entries.filter((e) => e.fields._UID === '1001');
  return { system: entries.filter((e) => !user.includes(e)), user };
}
