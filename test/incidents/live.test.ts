// Live updates, through the real aggregator and report builder: what an operator watching a
// stream is told, line by line, and that it agrees with the final report.
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/incidents/aggregator.js';
import { cloneDraft } from '../../src/incidents/draft.js';
import { LiveTracker, type LiveUpdate } from '../../src/incidents/live.js';
import { buildReport, buildReportWithDrafts } from '../../src/incidents/report.js';
import { buildRuleSet, compileRule, type CompiledRuleSet } from '../../src/rules/compile.js';
import { Matcher } from '../../src/rules/matcher.js';
import { RuleSchema } from '../../src/rules/schema.js';

function rule(r: Record<string, unknown>) {
  return compileRule({ rule: RuleSchema.parse({ severity: 'error', fix: { title: 'fix', steps: ['step'] }, examples: { match: ['x'], nomatch: ['y'] }, ...r }), family: 't', file: 't.yaml' });
}

const rules = buildRuleSet([
  rule({ id: 'crash', title: '{process} (pid {pid}) crashed with SIGSEGV', category: 'crash.segv', severity: 'critical', match: ['FATAL: crashed'], causes: ['restart.loop'] }),
  rule({ id: 'core', title: 'core of {pid}', category: 'crash.segv', match: ['core written to (?<corePath>\\S+)'] }),
  rule({ id: 'kernel-kill', title: 'kernel killed {process} (pid {pid})', category: 'oom.killed', severity: 'critical', envelope: false, match: ['Killed process (?<pid>\\d+) \\((?<process>[^)]+)\\)'], facts: { pid: 'int' }, causes: ['restart.loop'] }),
  rule({ id: 'exit-137', title: 'worker {pid} exited {exitCode}', category: 'signal.kill', match: ['worker (?<pid>\\d+) exited with code (?<exitCode>137)'], facts: { pid: 'int', exitCode: 'int' }, joins: ['oom.killed'] }),
  rule({ id: 'respawn', title: 'respawning {worker}', category: 'restart.loop', severity: 'warning', match: ['Respawning worker (?<worker>\\S+)'] }),
  rule({ id: 'slow', title: 'slow task', category: 'timeout', severity: 'warning', match: ['task (?<task>\\S+) is slow'] }),
  rule({
    id: 'rss', title: 'memory of pid {pid} grows {growthBytesPerHour:bytes}/h', category: 'leak.memory', severity: 'warning',
    match: ['heartbeat rss=(?<rssBytes>\\d+)'], facts: { rssBytes: 'int' },
    trend: { value: 'rssBytes', minPoints: 4, minGrowthPct: 20 },
  }),
]);

/** A live run: lines fed one at a time at a wall time the test sets, updates collected. */
function liveRun(set: CompiledRuleSet, quietMs = 30_000) {
  let wall = Date.parse('2026-12-01T10:00:00Z');
  const agg = new Aggregator(set, { maxDrafts: 100 });
  const tracker = new LiveTracker({ rules: set, quietMs, clock: () => wall });
  const build = () => buildReportWithDrafts({ drafts: [...agg.drafts.values()].map(cloneDraft), rules: set, sources: [], window: { since: null, until: null }, notes: [], events: agg.events, unitsOfPid: agg.unitsOfPid });
  const said: LiveUpdate[] = [];
  let due = false;
  const m = new Matcher(set, {
    source: 'worker.log', sourceKind: 'file', live: true,
    onEvent: (e) => {
      const { draft, opened, escalated } = agg.add(e);
      if (tracker.noteEvent(draft, e, opened || escalated) === 'now') due = true;
    },
  });
  return {
    said,
    /** Feeds lines; the flush a prompt event asks for runs after them, as the feed schedules it. */
    feed(text: string) {
      m.feed(Buffer.from(text));
      m.idle();
      if (due) said.push(...tracker.flush(build(), false));
      due = false;
    },
    /** The once-a-second tick. */
    tick(ms = 1000) {
      wall += ms;
      if (tracker.due) said.push(...tracker.flush(build(), true));
    },
    advance(ms: number) { wall += ms; },
    report() {
      m.finish();
      return buildReport({ drafts: [...agg.drafts.values()], rules: set, sources: [], window: { since: null, until: null }, notes: [], events: agg.events, unitsOfPid: agg.unitsOfPid });
    },
  };
}

const crash = (t: string, pid: number) => `2026-12-01T10:00:${t}Z clw-worker[pid=${pid}]: FATAL: crashed\n`;

describe('live updates', () => {
  it('announces each new pid of an incident as an update naming that pid, under the id the report uses', () => {
    const run = liveRun(rules);
    run.feed(crash('00', 4101));
    run.feed(crash('05', 4202));
    run.feed(crash('10', 4303));
    expect(run.said.map((u) => [u.event, u.incident.count, u.occurrence?.title, u.changes])).toEqual([
      ['opened', 1, 'clw-worker (pid 4101) crashed with SIGSEGV', []],
      ['updated', 2, 'clw-worker (pid 4202) crashed with SIGSEGV', ['new pid 4202']],
      ['updated', 3, 'clw-worker (pid 4303) crashed with SIGSEGV', ['new pid 4303']],
    ]);
    expect(run.said.map((u) => u.occurrence?.evidence[0].line)).toEqual([1, 2, 3]);
    const report = run.report();
    expect(report.incidents).toHaveLength(1);
    expect(new Set(run.said.map((u) => u.incident.id))).toEqual(new Set([report.incidents[0].id]));
  });

  it('says a new core as an update, and folds a repeat of the same pid into the next once-a-second summary', () => {
    const run = liveRun(rules);
    run.feed(crash('00', 4101));
    run.feed('2026-12-01T10:00:00Z clw-worker[pid=4101]: core written to /cores/core.4101\n');
    expect(run.said).toHaveLength(2);
    expect(run.said[1].changes).toEqual(['new core /cores/core.4101', 'seen by core too']);
    run.feed('2026-12-01T10:00:01Z clw-worker[pid=4101]: FATAL: crashed\n');
    expect(run.said).toHaveLength(2);
    run.tick();
    expect(run.said[2]).toMatchObject({ event: 'updated', repeats: 1, occurrence: null, changes: ['+1 line'] });
  });

  it('summarises a burst of identical lines at most once a second, and loses none of them', () => {
    const run = liveRun(rules);
    run.feed(crash('00', 4101));
    for (let i = 0; i < 1000; i++) run.feed(crash('00', 4101));
    expect(run.said).toHaveLength(1);
    run.tick(400);
    expect(run.said).toHaveLength(1); // less than a second since the incident was last said
    run.tick(700);
    expect(run.said.slice(1).map((u) => [u.event, u.repeats, u.incident.count])).toEqual([['updated', 1000, 1001]]);
    run.tick();
    expect(run.said).toHaveLength(2); // nothing new: nothing said
    expect(run.report().incidents[0].count).toBe(1001);
  });

  it('limits a storm of new pids to five lines a second per incident and counts the rest', () => {
    const run = liveRun(rules);
    for (let pid = 5000; pid < 5020; pid++) run.feed(crash('00', pid));
    expect(run.said).toHaveLength(5);
    run.tick(1001);
    const last = run.said[run.said.length - 1];
    expect(last.incident.count).toBe(20);
    expect(run.said.filter((u) => u.occurrence).length).toBe(5);
    expect(run.said.reduce((n, u) => n + u.repeats, 0)).toBe(15);
  });

  it('says when a kernel OOM kill joins an exit 137, and keeps the id first announced', () => {
    const run = liveRun(rules);
    run.feed('2026-12-01T10:00:05Z clw-supervisor[pid=1]: WARN: worker 4242 exited with code 137\n');
    expect(run.said.map((u) => [u.event, u.incident.category])).toEqual([['opened', 'signal.kill']]);
    run.feed('2026-12-01T10:00:04Z kernel: Out of memory: Killed process 4242 (clw-worker)\n');
    expect(run.said[1]).toMatchObject({ event: 'escalated', incident: { category: 'oom.killed', id: run.said[0].incident.id } });
    expect(run.said[1].changes).toEqual(['error → critical', 'now named by kernel-kill (oom.killed)']);
    expect(run.report().incidents.map((i) => [i.id, i.category])).toEqual([[run.said[0].incident.id, 'oom.killed']]);
  });

  it('says when an incident is hung under its cause, on both', () => {
    const run = liveRun(rules);
    run.feed('2026-12-01T10:00:00Z supervisor: Respawning worker w-1\n');
    run.feed(crash('00', 4101));
    const [respawn] = run.said;
    expect(run.said.slice(1).map((u) => [u.event, u.incident.category, u.changes[0]])).toEqual([
      ['opened', 'crash.segv', undefined],
      ['updated', 'restart.loop', expect.stringMatching(/^now a consequence of #\w{6} clw-worker \(pid 4101\) crashed/)],
    ]);
    expect(run.report().incidents.find((i) => i.category === 'restart.loop')).toMatchObject({ id: respawn.incident.id, causedBy: run.said[1].incident.id });
  });

  it('calls a return after a quiet spell a new occurrence, even of the same pid', () => {
    const run = liveRun(rules, 30_000);
    run.feed('2026-12-01T10:00:00Z w[pid=7]: task a is slow\n');
    run.feed('2026-12-01T10:00:10Z w[pid=7]: task b is slow\n');
    run.feed('2026-12-01T10:05:00Z w[pid=7]: task c is slow\n');
    expect(run.said.map((u) => [u.event, u.changes])).toEqual([['opened', []], ['updated', ['again after a quiet spell']]]);
    expect(run.said[1].repeats).toBe(1);
  });

  it('opens a memory trend only once it is steady, with its figures in the title', () => {
    const run = liveRun(rules);
    for (let k = 0; k < 8; k++) {
      run.feed(`2026-12-01T10:${String(k).padStart(2, '0')}:00Z w[pid=9]: heartbeat rss=${(100 + 30 * k) * 2 ** 20}\n`);
      run.tick();
    }
    expect(run.said.length).toBeGreaterThan(0);
    expect(run.said[0]).toMatchObject({ event: 'opened', incident: { category: 'leak.memory' } });
    for (const u of run.said) expect(u.incident.title).toMatch(/^memory of pid 9 grows \d[\d.]* [MG]iB\/h$/);
    expect(run.report().incidents[0].id).toBe(run.said[0].incident.id);
  });

  it('keeps a long watch bounded: beyond the cap the incidents quiet longest are summarised in a note', () => {
    // Drafts group by subject: each process here is its own incident.
    const wide = new Aggregator(rules, { maxDrafts: 3 });
    const m2 = new Matcher(rules, { source: 'w.log', sourceKind: 'file', onEvent: (e) => wide.add(e) });
    for (const [t, proc] of [['00', 'a'], ['01', 'b'], ['02', 'c'], ['03', 'a'], ['04', 'd'], ['05', 'e']]) {
      m2.feed(Buffer.from(`2026-12-01T10:00:${t}Z w-${proc}[pid=${proc.charCodeAt(0)}]: task x is slow\n`));
    }
    m2.finish();
    // a was seen again at :03, so b and c are the ones quiet longest when d and e arrive.
    expect([...wide.drafts.values()].map((d) => d.subjects.processes[0])).toEqual(['w-a', 'w-d', 'w-e']);
    const report = buildReport({ drafts: [...wide.drafts.values()], rules, sources: [], window: { since: null, until: null }, notes: [], events: wide.events, retired: [...wide.retired.values()] });
    expect(report.notes).toEqual(['2 incidents quiet longest were summarised to keep memory bounded (counted in the summary, not listed): timeout (slow) 2 incidents, 2 events, last 2026-12-01T10:00:02.000Z']);
  });
});
