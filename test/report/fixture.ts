// A hand-made report for the renderers' tests: a crash (with a backtrace) that caused a restart
// loop, an earlier GC warning of its own, and text that must be escaped everywhere.
import type { Evidence, Incident, Report } from '../../src/types.js';
import { emptySubjects } from '../../src/types.js';

export const HOSTILE_TITLE = 'worker <script>alert("title")</script> | crashed & burned `x`';
export const HOSTILE_LINE = 'payload <img src="http://evil.invalid/x.png" onerror="alert(1)"> <link rel="stylesheet" href="https://evil.invalid/a.css"> \u001b[31mred\u001b[0m';

export function evidence(source: string, line: number, time: string | null, text: string, matched?: boolean): Evidence {
  return { source, line, time, text, ...(matched === undefined ? {} : { matched }) };
}

export function incident(over: Partial<Incident> & Pick<Incident, 'rank' | 'id' | 'category' | 'title'>): Incident {
  return {
    rule: over.category, code: null, severity: 'error', score: 0.5, count: 1, firstSeen: null, lastSeen: null,
    subjects: emptySubjects(), facts: {}, evidence: [], consequences: [], causedBy: null, crash: null, recommendations: [],
    ...over,
  };
}

export function report(incidents: Incident[], over: Partial<Report> = {}): Report {
  const bySeverity: Report['summary']['bySeverity'] = {};
  const byCategory: Report['summary']['byCategory'] = {};
  for (const i of incidents) {
    bySeverity[i.severity] = (bySeverity[i.severity] ?? 0) + 1;
    byCategory[i.category] = (byCategory[i.category] ?? 0) + i.count;
  }
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-20T12:00:00.000Z',
    window: { since: null, until: null },
    sources: [{ kind: 'file', name: '/var/log/clw/worker.log', lines: 1200, bytes: 150_000, errors: [] }, { kind: 'dmesg', name: 'dmesg', lines: 80, bytes: 9000, errors: [] }],
    incidents,
    summary: { incidents: incidents.length, events: incidents.reduce((n, i) => n + i.count, 0), bySeverity, byCategory },
    notes: [],
    ...over,
  };
}

export function sampleReport(): Report {
  const crash = incident({
    rank: 1, id: 'c0ffee0001', category: 'crash.segv', severity: 'critical', title: HOSTILE_TITLE, count: 3, code: 'clw-worker-crash',
    firstSeen: '2026-11-20T10:00:01.000Z', lastSeen: '2026-11-20T10:04:00.000Z', score: 0.9,
    facts: { pid: 812, signal: 'SIGSEGV', function: 'parse_job', rssBytes: 3 * 1024 ** 3 },
    evidence: [
      evidence('/var/log/clw/worker.log', 10, '2026-11-20T10:00:01.000Z', 'clw-worker[pid=812]: FATAL: segfault in parse_job', true),
      evidence('/var/log/clw/worker.log', 11, '2026-11-20T10:00:01.000Z', HOSTILE_LINE, false),
      evidence('dmesg', 5, '2026-11-20T10:02:00.000Z', 'clw-worker[813]: segfault at 0 ip 00007f', true),
      evidence('/var/log/clw/worker.log', 40, '2026-11-20T10:04:00.000Z', 'clw-worker[pid=814]: FATAL: segfault in parse_job', true),
    ],
    consequences: [{ id: 'c0ffee0002', category: 'restart.loop', title: 'Supervisor gave up after 5 attempts', count: 5 }],
    crash: {
      executable: '/usr/bin/clw-worker', signal: 'SIGSEGV', faultAddress: '0x0', signature: 'parse_job+0x1c', threads: 4,
      abortMessage: null, cores: ['/var/lib/claw/cores/core.812'],
      frames: [
        { function: '__pthread_kill_implementation', file: null, line: null, library: 'libc.so.6' },
        { function: 'raise', file: null, line: null, library: 'libc.so.6' },
        { function: 'parse_job', file: 'src/jobs.c', line: 42, library: null },
        { function: 'worker_main', file: 'src/main.c', line: 7, library: null },
      ],
    },
    recommendations: [{ title: 'Find the handler that crashes', steps: ['Open the core with `gdb -batch -ex bt`.', 'Fix <the> handler.'], config: '[worker]\nmax_tasks = 1' }],
  });
  const restart = incident({
    rank: 3, id: 'c0ffee0002', category: 'restart.loop', severity: 'error', title: 'Supervisor gave up after 5 attempts', count: 5,
    firstSeen: '2026-11-20T10:00:03.000Z', lastSeen: '2026-11-20T10:04:02.000Z', causedBy: 'c0ffee0001',
    evidence: [
      evidence('/var/log/clw/worker.log', 12, '2026-11-20T10:00:03.000Z', 'respawn 1/5', true),
      evidence('/var/log/clw/worker.log', 41, '2026-11-20T10:04:02.000Z', 'gave up after 5 attempts', true),
    ],
  });
  const gc = incident({
    rank: 2, id: 'c0ffee0003', category: 'gc.pause', severity: 'warning', title: 'GC paused for 3.4 s', count: 2,
    firstSeen: '2026-11-20T09:58:00.000Z', lastSeen: '2026-11-20T09:59:00.000Z',
    evidence: [
      evidence('/var/log/clw/gc.log', 1, '2026-11-20T09:58:00.000Z', 'GC pause 3400ms', true),
      evidence('/var/log/clw/gc.log', 2, '2026-11-20T09:59:00.000Z', 'GC pause 3100ms'),
    ],
  });
  return report([crash, gc, restart], { notes: ['dmesg: permission <denied>'] });
}
