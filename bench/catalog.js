// The kinds of line the benchmark log is made of. Every line written belongs to exactly one kind,
// and the generator counts lines per kind, so the expected events follow from the counts:
//   healthy kinds   - the bulk of the log; some contain prefilter literals (" code", "upervisor")
//                     on purpose, because real logs do, so the full regexes run on near misses too;
//   planted kinds   - failure lines at fixed counts per GiB. `expect` names the rule and the events
//                     one instance makes for the canonical lines; kinds without `expect` are
//                     lines of other families (kernel, systemd, containers, runtimes): what they
//                     count is asked of the rule set when the benchmark runs, so rules added later
//                     are counted once they load;
//   heartbeat       - written on a time cadence per worker, each one an event.
// Subjects (pids, workers, units) are kept apart between kinds, so incidents of different rules
// never share a subject and are never joined: per-rule counts stay checkable.

const VERBS = ['process', 'resize', 'index', 'transcode', 'render', 'export', 'verify', 'compact', 'sync', 'score'];
const NOUNS = ['data-batch', 'images', 'documents', 'video-segment', 'thumbnails', 'report', 'ledger', 'shard', 'embeddings', 'archive'];
const QUEUES = ['default', 'bulk', 'interactive', 'low', 'retry'];
const SHARDS = 64;
const UNITS_OK = ['clw-rotate.service', 'logrotate.service', 'apt-daily.service', 'fstrim.service', 'clw-metrics.service'];

/** Healthy kinds, by weight (per 1000 healthy lines). */
export const HEALTHY = [
  {
    id: 'healthy.task-start', weight: 300,
    make: (g) => `${g.iso()} clw-worker[pid=${g.wpid()}]: INFO: Starting task '${g.task()}' (queue=${g.pick(QUEUES)}, priority=${g.int(1, 9)}, attempt=1)`,
  },
  {
    id: 'healthy.task-done', weight: 300,
    make: (g) => `${g.iso()} clw-worker[pid=${g.wpid()}]: INFO: Task '${g.task()}' completed in ${g.int(3, 9000)}ms (items=${g.int(1, 4096)}, bytes_out=${g.int(512, 9_999_999)})`,
  },
  {
    id: 'healthy.debug', weight: 120,
    make: (g) => `${g.iso()} clw-worker[pid=${g.wpid()}]: DEBUG: fetched ${g.int(1, 512)} records from shard ${g.int(0, SHARDS - 1)} in ${g.int(1, 90)}ms (cache hit ratio ${g.int(40, 99)}%)`,
  },
  {
    id: 'healthy.warn-slow', weight: 30,
    make: (g) => `${g.iso()} clw-worker[pid=${g.wpid()}]: WARN: slow upstream response from storage-${g.int(1, 6)} (${g.int(1001, 4000)}ms > 1000ms), retrying in ${g.int(1, 5)}s`,
  },
  {
    id: 'healthy.dispatch', weight: 100,
    make: (g) => `${g.iso()} clw-dispatcher[pid=90]: INFO: dispatched task '${g.task()}' to worker-0${g.int(1, 8)} (queue=${g.pick(QUEUES)}, depth=${g.int(0, 40)})`,
  },
  {
    // Holds "upervisor", a prefilter literal: a candidate line that no rule matches.
    id: 'healthy.supervisor-ok', weight: 8,
    make: (g) => `${g.iso()} clw-supervisor[pid=100]: INFO: Supervisor: worker-0${g.int(1, 8)} healthy (uptime ${g.int(60, 86400)}s, tasks ${g.int(0, 5000)})`,
  },
  {
    // Holds " code": a candidate line.
    id: 'healthy.http-200', weight: 5,
    make: (g) => `${g.iso()} clw-worker[pid=${g.wpid()}]: INFO: POST /v1/results/${g.task()} returned status code 200 in ${g.int(2, 300)}ms`,
  },
  {
    id: 'healthy.exit-0', weight: 1,
    make: () => '[INFO] Worker process finished. Exit code: 0',
  },
  {
    id: 'healthy.syslog-session', weight: 25,
    make: (g) => { const n = g.int(100, 99999); return `${g.sys()} node-07 systemd[1]: Started session-${n}.scope - Session ${n} of User clw.`; },
  },
  {
    id: 'healthy.syslog-cron', weight: 20,
    make: (g) => `${g.sys()} node-07 CRON[${g.int(20000, 60000)}]: (clw) CMD (/usr/local/bin/clw-rotate --keep 7 /var/log/clw >/dev/null 2>&1)`,
  },
  {
    id: 'healthy.syslog-sshd', weight: 8,
    make: (g) => `${g.sys()} node-07 sshd[${g.int(20000, 60000)}]: Accepted publickey for deploy from 10.0.${g.int(0, 9)}.${g.int(1, 254)} port ${g.int(30000, 65000)} ssh2: ED25519 SHA256:${g.b64(43)}`,
  },
  {
    // " code" again, in systemd's own words.
    id: 'healthy.systemd-exit-0', weight: 3,
    make: (g) => `${g.sys()} node-07 systemd[1]: ${g.pick(UNITS_OK)}: Main process exited, code=exited, status=0/SUCCESS`,
  },
  {
    id: 'healthy.systemd-done', weight: 5,
    make: (g) => `${g.sys()} node-07 systemd[1]: ${g.pick(UNITS_OK)}: Deactivated successfully.`,
  },
  {
    id: 'healthy.dmesg-link', weight: 6,
    make: (g) => `${g.mono()} eth${g.int(0, 1)}: Link is Up - 10Gbps/Full - flow control rx/tx`,
  },
  {
    id: 'healthy.dmesg-ext4', weight: 4,
    make: (g) => `${g.mono()} EXT4-fs (vda${g.int(1, 3)}): mounted filesystem ${g.uuid()} r/w with ordered data mode. Quota mode: none.`,
  },
  {
    id: 'healthy.dmesg-audit', weight: 8,
    make: (g) => `${g.mono()} audit: type=1400 audit(${Math.floor(g.now / 1000)}.${g.int(100, 999)}:${g.int(100, 9999)}): apparmor="STATUS" operation="profile_replace" profile="unconfined" name="clw-worker" pid=${g.int(20000, 60000)} comm="apparmor_parser"`,
  },
  {
    // Bytes above 0x7f: the matcher reads latin1, and these must not confuse it.
    id: 'healthy.utf8', weight: 6,
    make: (g) => `${g.iso()} clw-worker[pid=${g.wpid()}]: INFO: Task 'übersetzung-${g.hex(6)}' completed in ${g.int(3, 900)}ms (locale=de_DE, “typografische” Anführungszeichen ok)`,
  },
];

const FAULTS = ['0x0', '0x0', '0x0', '0x18', '0x7f3a2b1c4d5e', '0x10'];

/** Planted kinds. `perGiB` instances per GiB of log, at least `min`. */
export const PLANTED = [
  // --- openclaw: the canonical lines, counts known in advance -------------------------
  {
    id: 'clw.crash', family: 'openclaw', perGiB: 200, min: 3, expect: { 'clw-worker-crash': 1 },
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(5000, 5999)}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at ${g.pick(FAULTS)})`,
  },
  {
    // Three lines, one event: the block takes the two [clw] lines after it.
    id: 'clw.oom-block', family: 'openclaw', perGiB: 150, min: 3, expect: { 'clw-worker-oom': 1 },
    make: (g) => {
      const pct = (96 + g.rand() * 4).toFixed(1);
      return [
        `[clw-worker-oom] Worker worker-0${g.int(1, 4)} exceeded memory limit: 2147483648 bytes`,
        `[clw] Memory utilization: ${pct}% of 2048MB limit`,
        `[clw] Active tasks: ${g.int(4, 16)} | Completed: ${g.int(10, 5000)} | Failed: ${g.int(0, 9)}`,
      ];
    },
  },
  {
    id: 'clw.respawn', family: 'openclaw', perGiB: 400, min: 5, expect: { 'clw-respawn': 1 },
    make: (g) => `Supervisor: Respawning worker... (attempt ${g.int(1, 10)}/10)`,
  },
  {
    id: 'clw.exit-137', family: 'openclaw', perGiB: 300, min: 4, expect: { 'clw-exit-code': 1 },
    make: () => '[ERROR] Worker process terminated unexpectedly. Exit code: 137',
  },
  {
    id: 'clw.dispatch-fail', family: 'openclaw', perGiB: 60, min: 2, expect: { 'clw-dispatch-fail': 1 },
    make: () => '[clw-dispatch-fail] No healthy workers available',
  },
  {
    id: 'clw.dispatch-fail-block', family: 'openclaw', perGiB: 60, min: 2, expect: { 'clw-dispatch-fail': 1 },
    make: (g) => [
      '[clw-dispatch-fail] No healthy workers available',
      '[clw] All workers in degraded state (restarting from OOM)',
      `[clw] Queue depth: ${g.int(100, 20000)}`,
    ],
  },
  {
    id: 'clw.gave-up', family: 'openclaw', perGiB: 20, min: 1, expect: { 'clw-supervisor-gave-up': 1 },
    make: (g) => `Supervisor: giving up on worker-2${g.int(1, 2)} after 10 attempts`,
  },
  // --- openclaw-codes: the clw-* error codes the worker runtime prints -------------------------
  {
    id: 'codes.gc-pause', family: 'openclaw-codes', perGiB: 60, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6500, 6599)}]: WARN: clw-gc-pause: GC pause ${g.int(600, 3000)}ms (threshold 500ms, kind major)`,
  },
  {
    id: 'codes.gc-pause-block', family: 'openclaw-codes', perGiB: 30, min: 1,
    make: (g) => [
      `[clw-gc-pause] GC pause: ${(0.6 + g.rand() * 3).toFixed(1)}s (threshold: 500ms)`,
      `[clw] Memory usage: ${g.int(85, 99)}% before GC`,
      '[clw] Recommendation: Increase memory or fix leaks',
    ],
  },
  {
    id: 'codes.task-timeout', family: 'openclaw-codes', perGiB: 40, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6600, 6699)}]: ERROR: clw-task-timeout: task '${g.task()}' exceeded timeout_sec=300 (ran 301.${g.int(0, 9)}s); killing task pid ${g.int(30000, 39999)}`,
  },
  {
    id: 'codes.task-hang', family: 'openclaw-codes', perGiB: 20, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6700, 6799)}]: ERROR: task '${g.task()}' (pid ${g.int(30000, 39999)}) made no progress for 120s; blocked in syscall read (wchan pipe_read)`,
  },
  {
    id: 'codes.shutdown-sigkill', family: 'openclaw-codes', perGiB: 20, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6800, 6899)}]: WARN: shutdown: task '${g.task()}' (pid ${g.int(30000, 39999)}) did not stop within grace period 30s; sending SIGKILL`,
  },
  {
    id: 'codes.emfile', family: 'openclaw-codes', perGiB: 30, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6900, 6999)}]: ERROR: task '${g.task()}' failed: EMFILE: too many open files (RLIMIT_NOFILE=1024, open=1024)`,
  },
  {
    id: 'codes.sigpipe', family: 'openclaw-codes', perGiB: 20, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(7000, 7099)}]: ERROR: task '${g.task()}' (pid ${g.int(30000, 39999)}) killed by SIGPIPE writing to a closed pipe`,
  },
  {
    id: 'codes.plugin-load', family: 'openclaw-codes', perGiB: 10, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(7100, 7199)}]: ERROR: plugin /opt/claw/plugins/libimg.so failed to load: libvips.so.42: cannot open shared object file: No such file or directory`,
  },
  {
    id: 'codes.heap-oom', family: 'openclaw-codes', perGiB: 30, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(7200, 7299)}]: FATAL: task '${g.task()}' ran out of heap (heap limit 512 MiB)`,
  },
  {
    id: 'codes.init-fail', family: 'openclaw-codes', perGiB: 5, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(7300, 7399)}]: FATAL: clw-init-fail: invalid config /etc/claw/worker.toml: task.max_memory_gb must be greater than 0 (got 0)`,
  },
  {
    id: 'codes.connection-drop', family: 'openclaw-codes', perGiB: 20, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(7400, 7499)}]: WARN: clw-connection-drop: Redis connection to 10.0.0.7:6379 reset (worker at ${g.int(85, 99)}% memory)`,
  },
  {
    id: 'codes.native-leak-block', family: 'openclaw-codes', perGiB: 20, min: 1,
    make: (g) => [
      '[clw] WARNING: Native memory leak detected in libclient.so',
      `[clw] Leaked: ${g.int(2, 40)}MB per 1000 requests`,
      `[clw] Estimated time to OOM: ${g.int(1, 12)} hours`,
    ],
  },
  {
    id: 'codes.swap-thrash-block', family: 'openclaw-codes', perGiB: 15, min: 1,
    make: (g) => [
      `[clw-swap-thrash] Worker worker-3${g.int(1, 2)} is thrashing`,
      `[clw] Swap usage: ${(0.5 + g.rand() * 3).toFixed(1)} GiB`,
      `[clw] Swap-in rate: ${g.int(50, 800)}MB/s`,
      '[clw] System under memory pressure',
    ],
  },
  {
    id: 'codes.container-limit-block', family: 'openclaw-codes', perGiB: 20, min: 1,
    make: (g) => [
      '[clw-container-limit] Container approaching memory limit',
      `Memory: 1.${g.int(8, 9)}GiB / 2GiB (9${g.int(0, 9)}%)`,
    ],
  },
  // --- kernel --------------------------------------------------------------------------------
  {
    id: 'kernel.oom-kill', family: 'kernel', perGiB: 120, min: 2,
    make: (g) => `${g.mono()} Out of memory: Killed process ${g.int(4200, 4999)} (clw-worker) total-vm:4194304kB, anon-rss:2097152kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:4500kB oom_score_adj:0`,
  },
  {
    id: 'kernel.memcg-oom-kill', family: 'kernel', perGiB: 60, min: 1,
    make: (g) => `${g.mono()} Memory cgroup out of memory: Killed process ${g.int(9000, 9499)} (clw-worker) total-vm:3145728kB, anon-rss:1048576kB, file-rss:2048kB, shmem-rss:0kB, UID:1000 pgtables:2400kB oom_score_adj:0`,
  },
  {
    id: 'kernel.segfault', family: 'kernel', perGiB: 80, min: 1,
    make: (g) => `${g.mono()} clw-worker[${g.int(8000, 8099)}]: segfault at 0 ip 00007f3a2b1c4d5e sp 00007ffd1a2b3c40 error 4 in libclwtask.so.2[7f3a2b1a0000+40000] likely on CPU ${g.int(0, 7)} (core ${g.int(0, 3)}, socket 0)`,
  },
  {
    id: 'kernel.hung-task', family: 'kernel', perGiB: 30, min: 1,
    make: (g) => `${g.mono()} INFO: task clw-worker:${g.int(8100, 8199)} blocked for more than 120 seconds.`,
  },
  // --- systemd -------------------------------------------------------------------------------
  {
    id: 'systemd.killed', family: 'systemd', perGiB: 60, min: 1,
    make: (g) => `${g.sys()} node-07 systemd[1]: clw-worker@1${g.int(0, 9)}.service: Main process exited, code=killed, status=9/KILL`,
  },
  {
    id: 'systemd.oom-result', family: 'systemd', perGiB: 40, min: 1,
    make: (g) => `${g.sys()} node-07 systemd[1]: clw-worker@2${g.int(0, 9)}.service: Failed with result 'oom-kill'.`,
  },
  {
    id: 'systemd.restart', family: 'systemd', perGiB: 60, min: 1,
    make: (g) => `${g.sys()} node-07 systemd[1]: clw-worker@3${g.int(0, 9)}.service: Scheduled restart job, restart counter is at ${g.int(1, 9)}.`,
  },
  {
    id: 'systemd.start-limit', family: 'systemd', perGiB: 10, min: 1,
    make: (g) => `${g.sys()} node-07 systemd[1]: clw-worker@4${g.int(0, 9)}.service: Start request repeated too quickly.`,
  },
  // --- containers ----------------------------------------------------------------------------
  {
    id: 'container.crashloop', family: 'containers', perGiB: 30, min: 1,
    make: (g) => {
      const pod = `clw-worker-7d9f8-${g.hex(5)}`;
      return `${g.sys()} node-07 kubelet[1422]: E1120 ${g.clock()}.${g.int(100000, 999999)}    1422 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"clw-worker\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=clw-worker pod=${pod}_prod\\"" pod="prod/${pod}"`;
    },
  },
  {
    id: 'container.oomkilled', family: 'containers', perGiB: 30, min: 1,
    make: (g) => `${g.sys()} node-07 kubelet[1422]: I1120 ${g.clock()}.${g.int(100000, 999999)}    1422 kuberuntime_container.go:745] "Container exited" pod="prod/clw-worker-5c6b7-${g.hex(5)}" containerName="clw-worker" reason="OOMKilled" exitCode=137`,
  },
  // --- runtimes ------------------------------------------------------------------------------
  {
    id: 'runtime.node-heap', family: 'runtimes', perGiB: 40, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6000, 6099)}]: ERROR: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory`,
  },
  {
    id: 'runtime.java-oom', family: 'runtimes', perGiB: 30, min: 1,
    make: (g) => [
      `Exception in thread "worker-pool-${g.int(1, 8)}" java.lang.OutOfMemoryError: Java heap space`,
      '\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)',
      '\tat com.openclaw.worker.TaskRunner.run(TaskRunner.java:212)',
    ],
  },
  {
    id: 'runtime.python-memoryerror', family: 'runtimes', perGiB: 30, min: 1,
    make: (g) => [
      'Traceback (most recent call last):',
      `  File "/opt/clw/tasks/${g.pick(NOUNS)}.py", line ${g.int(20, 400)}, in run`,
      '    buf = bytearray(size)',
      'MemoryError',
    ],
  },
  {
    id: 'runtime.go-panic', family: 'runtimes', perGiB: 30, min: 1,
    make: (g) => [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      `[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x${g.hex(6)}]`,
      '',
      'goroutine 1 [running]:',
      'main.(*Worker).handle(0x0, 0xc000123456)',
      '\t/src/clw/worker.go:88 +0x1d',
    ],
  },
  {
    id: 'runtime.go-oom', family: 'runtimes', perGiB: 20, min: 1,
    make: () => 'fatal error: runtime: out of memory',
  },
  // --- resources and connections -------------------------------------------------------------
  {
    id: 'resource.emfile', family: 'resources', perGiB: 30, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6100, 6199)}]: ERROR: accept4: Too many open files (EMFILE); backing off ${g.int(5, 100)}ms`,
  },
  {
    id: 'lib.load', family: 'resources', perGiB: 10, min: 1,
    make: () => '/usr/local/bin/clw-worker: error while loading shared libraries: libclwtask.so.2: cannot open shared object file: No such file or directory',
  },
  {
    id: 'connection.reset', family: 'connections', perGiB: 30, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6200, 6299)}]: ERROR: upload to storage-${g.int(1, 6)} failed: read tcp 10.0.3.7:${g.int(30000, 65000)}->10.0.4.2:443: read: connection reset by peer`,
  },
  {
    id: 'signal.epipe', family: 'connections', perGiB: 20, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6300, 6399)}]: ERROR: write to result pipe failed: EPIPE (Broken pipe)`,
  },
  {
    id: 'timeout.task', family: 'timeouts', perGiB: 20, min: 1,
    make: (g) => `${g.iso()} clw-worker[pid=${g.int(6400, 6499)}]: ERROR: task '${g.task()}' timed out after ${g.pick([60, 120, 300])}s (deadline exceeded)`,
  },
];

/** Heartbeats: each worker every ~10 s; RSS grows steadily over the log (a slow leak). */
export const HEARTBEAT = {
  id: 'clw.heartbeat', family: 'openclaw', expect: { 'clw-heartbeat-rss': 1 },
  everyMs: 10_000,
  make: (g, w) => {
    const rss = Math.round(w.rssStart + (w.rssEnd - w.rssStart) * g.progress() * (0.98 + g.rand() * 0.04));
    return `${g.iso()} clw-worker[pid=${w.pid}]: INFO: heartbeat rss_bytes=${rss} limit_bytes=2147483648 active=${g.int(1, 8)} completed=${w.completed} failed=${w.failed}`;
  },
};

export function taskName(g) {
  return `${g.pick(VERBS)}-${g.pick(NOUNS)}-${g.hex(6)}`;
}

export function plantedCount(kind, sizeMiB) {
  return Math.max(kind.min, Math.round((kind.perGiB * sizeMiB) / 1024));
}
