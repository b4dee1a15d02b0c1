// Live mode as an operator watches it: every new failure announced while it happens, as the final
// report will say it (same id, same title), on a pipe, on followed files, dmesg and the journal at
// once; a status line only on a terminal; Ctrl-C twice quits at once.
import { execa } from 'execa';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupUnavailable, makeMemoryCgroup, removeSoon } from '../../src/worker/cgroup.js';
import { BIN, CLI_ENV, clw, collect, tempDir } from './cli.js';
import { ensureJournalRemote, story, writeJournal } from './journal-fixture.js';

const crash = (pid: number) => `${new Date().toISOString()} clw-worker[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x8)\n`;
const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const PLACEHOLDER = /<[A-Za-z]\w*>/;

describe('live mode', () => {
  it('announces each of three crashing workers as an update of one incident, with the id of the final report', async () => {
    const child = clw(['--stream', '--format', 'json']);
    const out = collect(child.stdout!);
    for (const [n, pid] of [4101, 4202, 4303].entries()) {
      child.stdin!.write(crash(pid));
      // Said while the input is still open, before the next worker crashes.
      await out.waitFor(new RegExp(`"count":${n + 1},[^\\n]*"occurrence":\\{"title":"clw-worker \\(pid ${pid}\\) crashed`));
      await new Promise((r) => setTimeout(r, 150));
    }
    child.stdin!.end();
    const lines = jsonLines((await child).stdout);
    const report = lines.pop();
    expect(lines.map((l) => [l.type, l.event, l.count, l.changes])).toEqual([
      ['incident', 'opened', 1, []],
      ['incident', 'updated', 2, ['new pid 4202']],
      ['incident', 'updated', 3, ['new pid 4303']],
    ]);
    expect(lines.map((l) => l.evidence[0].text)).toEqual([4101, 4202, 4303].map((pid) => expect.stringContaining(`[pid=${pid}]`)));
    expect(report.type).toBe('report');
    expect(report.incidents.map((i: { id: string }) => i.id)).toEqual([lines[0].id]);
    expect(new Set(lines.map((l) => l.id)).size).toBe(1);
  });

  it('prints the update in text as the report will say it: count, the new pid, the evidence line', async () => {
    const child = clw(['--stream']);
    const out = collect(child.stdout!);
    for (const pid of [4101, 4202, 4303]) {
      child.stdin!.write(crash(pid));
      await out.waitFor(new RegExp(`\\(pid ${pid}\\) crashed`));
    }
    child.stdin!.end();
    const r = await child;
    expect(r.stdout).toMatch(/^CRITICAL crash\.segv ×3 clw-worker \(pid 4303\) crashed with SIGSEGV \(exit 139\) \[updated: new pid 4303\]\n {9}<stdin>:3 {2}\S+ clw-worker\[pid=4303\]: FATAL/m);
    expect(r.stdout).toMatch(/1 incident from 1 source/);
    expect(r.stderr).not.toMatch(/watching:/); // no status line when stderr is not a terminal
  });

  // Every sample, fed in pieces with pauses: what is said live agrees with the final report.
  const SAMPLES = 'samples';
  const dirs = readdirSync(SAMPLES).filter((d) => existsSync(join(SAMPLES, d, 'expected.json'))).sort();
  describe.concurrent('samples streamed in pieces', () => {
    for (const dir of dirs) {
      it(dir, async () => {
        const files = readdirSync(join(SAMPLES, dir)).filter((f) => /\.(log|txt)$/.test(f)).sort();
        const lines = files.flatMap((f) => readFileSync(join(SAMPLES, dir, f), 'utf8').split('\n').filter(Boolean));
        if (!lines.length) return;
        const child = clw(['--stream', '--format', 'json', '--fail-on', 'never'], { env: { CLW_DIAG_NOW: '2026-11-23T00:00:00Z' } });
        const per = Math.ceil(lines.length / 6);
        for (let i = 0; i < lines.length; i += per) {
          child.stdin!.write(lines.slice(i, i + per).join('\n') + '\n');
          await new Promise((r) => setTimeout(r, 60));
        }
        child.stdin!.end();
        const said = jsonLines((await child).stdout);
        const report = said.pop();
        const reported = new Set(report.incidents.map((i: { id: string }) => i.id));
        for (const u of said) {
          expect(u.title).not.toMatch(PLACEHOLDER);
          expect(u.occurrence?.title ?? '').not.toMatch(PLACEHOLDER);
          expect(reported.has(u.id) || said.some((o) => o.id !== u.id && o.changes.some((c: string) => c.startsWith(`merged with #${u.id.slice(0, 6)}`)))).toBe(true);
        }
        // Every incident of the report was announced, under its id, with its final category.
        const last = new Map(said.map((u) => [u.id, u]));
        for (const inc of report.incidents) expect(last.get(inc.id)?.category, `${inc.category} ${inc.title}`).toBe(inc.category);
      });
    }
  });

  it('shows a status line on a terminal (stderr), and the report on SIGTERM', async () => {
    const dir = tempDir();
    const log = join(dir, 'worker.log');
    writeFileSync(log, 'clw-worker[pid=7]: INFO: ready\n'.repeat(3) + crash(812));
    // script(1) gives the CLI a terminal; timeout sends SIGTERM after 2.5 s.
    const r = await execa('script', ['-qec', `timeout -s TERM 2.5 ${process.execPath} ${BIN} --follow ${log}`, '/dev/null'], { reject: false, env: { ...process.env, ...CLI_ENV, COLUMNS: '120' } });
    expect(r.stdout).toMatch(/watching: 4 lines read, 1 incident, last event \d\d:\d\d:\d\dZ \(Ctrl-C: report\)/);
    expect(r.stdout).toMatch(/CRITICAL crash\.segv clw-worker \(pid 812\) crashed/);
    expect(r.stdout).toMatch(/1 incident from 1 source \(4 lines, 1 matched\)/);
    // Erased before the report: the last thing on the screen is the report, not the status.
    expect(r.stdout.slice(r.stdout.lastIndexOf('watching:'))).toMatch(/^watching:[^\n]*\r\x1b\[2K/);
  });

  it('quits at once on a second Ctrl-C while the first one is still finishing the report', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.log');
    // A saved log large enough that its scan outlasts both signals.
    writeFileSync(big, Buffer.alloc(400 << 20, 'clw-worker[pid=100]: INFO: task 17 done in 12ms\n'));
    try {
      const child = clw(['--stream', big]);
      const out = collect(child.stdout!);
      await new Promise((r) => setTimeout(r, 1500));
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 100));
      expect(out.text).toBe('');
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode).toBe(130);
      expect(r.stdout).toBe('');
    } finally {
      rmSync(big);
    }
  }, 30_000);
});

const jr = ensureJournalRemote();
const cg = cgroupUnavailable();
if ('skip' in jr) console.log(`skipping the live journal test: ${jr.skip}`);
if (cg) console.log(`skipping the live kernel test: ${cg}`);

describe.skipIf('skip' in jr || cg !== null)('--follow on worker logs, dmesg and the journal in one run', () => {
  it('announces a real kernel OOM kill, the worker\'s exit 137 joining it, and a unit failure from the journal', async () => {
    const logs = tempDir();
    const jdir = tempDir();
    const journal = join(jdir, 'remote.journal');
    const bin = (jr as { bin: string }).bin;
    writeJournal(bin, journal, story({ worker: true }));
    writeFileSync(join(logs, 'worker.log'), 'clw-worker[pid=7]: INFO: ready\n');
    const child = clw(['--worker-logs', logs, '--dmesg', '--journal', jdir, '--follow', '--format', 'json', '--fail-on', 'never']);
    const out = collect(child.stdout!);
    const memcg = makeMemoryCgroup(`clw-diag-live-${process.pid}-${Date.now()}`, 64 << 20);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the ring buffer's backlog is read first
      const victim = execa('sh', ['-c', `read go && exec python3 -c "a = b'x' * (256 << 20)"`], { reject: false });
      const pid = victim.pid!;
      memcg.add(pid);
      victim.stdin!.end('go\n');
      expect((await victim).signal).toBe('SIGKILL');
      await out.waitFor(new RegExp(`"category":"oom\\.killed"[^\\n]*"pids":\\[[^\\]]*\\b${pid}\\b`));
      appendFileSync(join(logs, 'worker.log'), `${new Date().toISOString()} clw-supervisor[pid=1184]: WARN: worker ${pid} exited with code 137\n`);
      await out.waitFor(new RegExp(`"event":"updated"[^\\n]*seen in ${join(logs, 'worker.log').replace(/[/.]/g, '\\$&')} too`));
      writeJournal(bin, journal, story({ systemd: true }));
      await out.waitFor(/"category":"oom\.killed"[^\n]*clw-worker@2\.service/);
      child.kill('SIGTERM');
      const said = jsonLines((await child).stdout);
      const report = said.pop();
      const ours = said.filter((u) => u.subjects.pids.includes(pid));
      // Earlier kills of python3 in the ring buffer make it a new occurrence of their incident.
      expect(ours[0].category).toBe('oom.killed');
      expect(ours[0].event === 'opened' || ours[0].changes.some((c: string) => /^new pids? /.test(c))).toBe(true);
      expect(report.incidents.find((i: { subjects: { pids: number[] } }) => i.subjects.pids.includes(pid)).id).toBe(ours[0].id);
      expect(report.sources.map((s: { kind: string }) => s.kind).sort()).toEqual(['dmesg', 'journal', 'worker-log']);
      const evidenceSources = new Set(said.flatMap((u) => u.evidence.map((e: { source: string }) => e.source)));
      expect(evidenceSources.has('dmesg')).toBe(true);
      expect(evidenceSources.has(join(logs, 'worker.log'))).toBe(true);
      expect([...evidenceSources].some((s) => s.includes(jdir))).toBe(true);
    } finally {
      child.kill('SIGKILL');
      removeSoon(memcg);
    }
  }, 60_000);
});
