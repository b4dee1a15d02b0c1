// One failure seen from three sources: the worker log's exit 137 of pid P, the kernel's OOM kill of
// P in clw-worker@2.service's memory cgroup (a dmesg capture), and systemd's failure of that unit
// (a real journal file). clw-diag must rank it once, with evidence from each, the respawn under it.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clw, tempDir } from './cli.js';
import { ReportSchema } from './report-schema.js';
import { ensureJournalRemote, kernelOomLines, PID, story, T_OOM, UNIT, writeJournal } from './journal-fixture.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** dmesg --time-format iso: `2026-11-20T10:02:00,000123+00:00 message`. */
function dmesgIso(ms: number, micros: number): string {
  return `${iso(ms).slice(0, 19)},${String((ms % 1000) * 1000 + micros).padStart(6, '0')}+00:00`;
}

const WORKER_LOG = [
  `${iso(T_OOM - 120_000 + 400)} clw-supervisor[pid=611]: INFO: worker worker-02 started (pid ${PID})`,
  `${iso(T_OOM - 60_000)} clw-worker[pid=${PID}]: INFO: Starting task 'geo-tile-build-7c1e9a' (type=geo.tiles, attempt 1)`,
  `${iso(T_OOM + 80)} clw-supervisor[pid=611]: WARN: worker ${PID} exited with code 137`,
  `${iso(T_OOM + 1_000)} Supervisor: Respawning worker... (attempt 1/10)`,
  '',
].join('\n');

const DMESG = [
  `${dmesgIso(T_OOM - 300_000, 11)} EXT4-fs (nvme1n1): mounted filesystem with ordered data mode. Quota mode: none.`,
  ...kernelOomLines(PID).map((line, i) => `${dmesgIso(T_OOM, 100 + i)} ${line}`),
  '',
].join('\n');

const jr = ensureJournalRemote();
if ('skip' in jr) console.warn(`SKIPPED correlation test: ${jr.skip}`);

describe.skipIf('skip' in jr)('correlation across the worker log, dmesg and the journal', () => {
  const dir = tempDir('clw-correlate-');
  const files = { worker: join(dir, 'worker.log'), dmesg: join(dir, 'dmesg.txt'), journal: join(dir, 'x.journal') };
  beforeAll(() => {
    writeFileSync(files.worker, WORKER_LOG);
    writeFileSync(files.dmesg, DMESG);
    // systemd's view of the unit and the worker's own stdout; the kernel's view is the dmesg capture.
    if ('bin' in jr) writeJournal(jr.bin, files.journal, story({ systemd: true, worker: true }));
  });

  it('ranks one oom.killed incident first, with evidence from all three sources and the respawn as its consequence', async () => {
    const r = await clw([files.worker, '--dmesg', files.dmesg, '--journal', files.journal, '--format', 'json']);
    const report = ReportSchema.parse(JSON.parse(String(r.stdout)));
    expect(r.exitCode).toBe(1);
    expect(report.sources.map((s) => [s.kind, s.name, s.errors])).toEqual([
      ['file', files.worker, []], ['dmesg', files.dmesg, []], ['journal', files.journal, []],
    ]);

    const oom = report.incidents.filter((i) => i.category === 'oom.killed');
    expect(oom).toHaveLength(1);
    const [first] = report.incidents;
    expect(first).toBe(oom[0]);
    expect(first).toMatchObject({ rank: 1, category: 'oom.killed', causedBy: null });
    expect(first.facts).toMatchObject({ pid: PID, unit: UNIT, exitCode: 137, signal: 'SIGKILL', result: 'oom-kill', constraint: 'CONSTRAINT_MEMCG', memoryLimitBytes: 2 * 1024 ** 3 });
    expect(first.subjects.pids).toContain(PID);
    expect(first.subjects.units).toContain(UNIT);

    // Evidence from each source, each saying its part.
    expect(new Set(first.evidence.map((e) => e.source))).toEqual(new Set([files.worker, files.dmesg, files.journal]));
    const from = (src: string) => first.evidence.filter((e) => e.source === src).map((e) => e.text).join('\n');
    expect(from(files.worker)).toMatch(new RegExp(`worker ${PID} exited with code 137`));
    expect(from(files.dmesg)).toMatch(new RegExp(`Killed process ${PID} \\(clw-worker\\)`));
    expect(from(files.journal)).toMatch(/Failed with result 'oom-kill'|killed by the OOM killer|status=9\/KILL/);

    // Nothing else of the same failure stands on its own: no separate signal.kill for exit 137 or status=9/KILL.
    expect(report.incidents.filter((i) => i.category === 'signal.kill')).toEqual([]);
    // The respawn (the supervisor's and systemd's restart) hangs under it.
    expect(first.consequences.map((c) => c.category)).toContain('restart.loop');
    for (const loop of report.incidents.filter((i) => i.category === 'restart.loop')) expect(loop.causedBy).toBe(first.id);
  });
});

describe('exits of different kinds from one supervisor', () => {
  it('keeps an exit 137 with its OOM kill and an exit 139 with its crash, though the same supervisor logged both', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), [
      '2026-11-20T10:00:00.000Z clw-worker[pid=4100]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)',
      '2026-11-20T10:00:00.050Z clw-supervisor[pid=611]: WARN: worker 4100 exited with code 139',
      '2026-11-20T11:00:00.080Z clw-supervisor[pid=611]: WARN: worker 4200 exited with code 137',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'dmesg.txt'), '2026-11-20T11:00:00,000100+00:00 Out of memory: Killed process 4200 (clw-worker) total-vm:4000000kB, anon-rss:3900000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8000kB oom_score_adj:0\n');
    const r = await clw([dir, '--format', 'json']);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    const oom = report.incidents.find((i) => i.category === 'oom.killed');
    const crash = report.incidents.find((i) => i.category === 'crash.segv');
    expect(oom?.subjects.pids).toEqual([4200]);
    expect(oom?.evidence.map((e) => e.text)).toContainEqual(expect.stringContaining('worker 4200 exited with code 137'));
    expect(crash?.subjects.pids).not.toContain(4200);
    expect(crash?.evidence.map((e) => e.text)).toContainEqual(expect.stringContaining('worker 4100 exited with code 139'));
  });
});
