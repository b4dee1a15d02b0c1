// Joining and ranking, through the real rule files and the report builder.
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/incidents/aggregator.js';
import { buildReport } from '../../src/incidents/report.js';
import { buildRuleSet, compileRule } from '../../src/rules/compile.js';
import { RuleSchema } from '../../src/rules/schema.js';
import { Matcher } from '../../src/rules/matcher.js';
import type { CompiledRuleSet } from '../../src/rules/compile.js';

function rule(r: Record<string, unknown>) {
  return compileRule({ rule: RuleSchema.parse({ severity: 'error', fix: { title: 'fix {pid}', steps: ['step for {pid}'] }, examples: { match: ['x'], nomatch: ['y'] }, ...r }), family: 't', file: 't.yaml' });
}

const set = buildRuleSet([
  rule({ id: 'kernel-kill', title: 'kernel killed {pid}', category: 'oom.killed', severity: 'critical', envelope: false, match: ['Killed process (?<pid>\\d+) \\((?<process>[^)]+)\\)'], facts: { pid: 'int' }, causes: ['restart.loop'] }),
  rule({ id: 'exit-137', title: 'exit {exitCode}', category: 'signal.kill', match: ['Exit code: (?<exitCode>137)'], facts: { exitCode: 'int' }, joins: ['oom.killed'] }),
  rule({ id: 'respawn', title: 'respawn', category: 'restart.loop', severity: 'warning', envelope: false, match: ['Respawning worker'], causes: ['dispatch.unavailable'] }),
  rule({ id: 'dispatch', title: 'no workers', category: 'dispatch.unavailable', envelope: false, match: ['No healthy workers'] }),
  rule({ id: 'kernel-segv', title: 'segfault {pid}', category: 'crash.segv', severity: 'critical', envelope: false, match: ['(?<process>\\w+)\\[(?<pid>\\d+)\\]: segfault at'], facts: { pid: 'int' } }),
  rule({ id: 'unit-dumped', title: 'unit dumped', category: 'crash.segv', severity: 'error', envelope: false, match: ['(?<unit>[\\w@.-]+\\.service): Main process exited, code=dumped'] }),
  rule({ id: 'worker-started', title: 'started', category: 'crash.signal', severity: 'info', match: ['worker started in unit (?<unit>\\S+)'] }),
  rule({ id: 'gc', title: 'gc pause', category: 'gc.pause', severity: 'warning', match: ['GC pause'], causes: ['oom.killed'] }),
]);

function reportOf(rules: CompiledRuleSet, files: Record<string, string>) {
  const agg = new Aggregator(rules);
  for (const [name, text] of Object.entries(files)) {
    const m = new Matcher(rules, { source: name, sourceKind: 'file', onEvent: (e) => agg.add(e) });
    m.feed(Buffer.from(text));
    m.finish();
  }
  return buildReport({ drafts: [...agg.drafts.values()], rules, sources: [], window: { since: null, until: null }, notes: [], events: agg.events, unitsOfPid: agg.unitsOfPid });
}

describe('incidents', () => {
  it('joins the worker\'s exit 137 and the kernel\'s kill of the same pid into one incident', () => {
    const r = reportOf(set, {
      'worker.log': '2026-11-20T10:00:05Z clw-worker[pid=4242]: ERROR: Exit code: 137\n',
      'dmesg.txt': '2026-11-20T10:00:04Z kernel: Out of memory: Killed process 4242 (clw-worker)\n',
    });
    expect(r.incidents).toHaveLength(1);
    expect(r.incidents[0]).toMatchObject({ rule: 'kernel-kill', category: 'oom.killed', count: 1, facts: { pid: 4242, exitCode: 137 } });
    expect(r.incidents[0].evidence.map((e) => e.source).sort()).toEqual(['dmesg.txt', 'worker.log']);
    expect(r.summary.byCategory).toEqual({ 'oom.killed': 2 });
  });

  it('keeps an exit 137 of another pid apart', () => {
    const r = reportOf(set, {
      'worker.log': '2026-11-20T10:00:05Z clw-worker[pid=1]: ERROR: Exit code: 137\n',
      'dmesg.txt': '2026-11-20T10:00:04Z kernel: Out of memory: Killed process 4242 (clw-worker)\n',
    });
    expect(r.incidents.map((i) => i.category).sort()).toEqual(['oom.killed', 'signal.kill']);
  });

  it('ranks the root cause first with the chain it caused under it', () => {
    const r = reportOf(set, {
      'worker.log': [
        '2026-11-20T10:00:00Z GC pause 2500ms',
        '2026-11-20T10:01:00Z kernel: Out of memory: Killed process 4242 (clw-worker)',
        '2026-11-20T10:01:02Z Supervisor: Respawning worker... (attempt 1/10)',
        '2026-11-20T10:01:09Z Supervisor: Respawning worker... (attempt 2/10)',
        '2026-11-20T10:02:00Z [clw-dispatch-fail] No healthy workers available',
      ].join('\n') + '\n',
    });
    expect(r.incidents.map((i) => i.rule)).toEqual(['gc', 'kernel-kill', 'respawn', 'dispatch']);
    expect(r.incidents[0].causedBy).toBeNull();
    expect(r.incidents[0].consequences.map((c) => c.category)).toEqual(['oom.killed', 'restart.loop', 'dispatch.unavailable']);
    expect(r.incidents[2].causedBy).toBe(r.incidents[1].id);
    expect(r.incidents[2].count).toBe(2);
  });

  it('joins a kernel crash of a pid with its unit\'s failure once a line ties the pid to the unit', () => {
    const lines = [
      '2026-11-20T10:00:00Z clw-worker[4242]: worker started in unit clw-worker@2.service',
      '2026-11-20T10:05:00Z kernel: clw-worker[4242]: segfault at 0 ip 0 sp 0 error 4',
      '2026-11-20T10:05:01Z systemd[1]: clw-worker@2.service: Main process exited, code=dumped, status=11/SEGV',
    ];
    const joined = reportOf(set, { 'syslog': lines.join('\n') + '\n' });
    expect(joined.incidents.filter((i) => i.category === 'crash.segv')).toHaveLength(1);
    const apart = reportOf(set, { 'syslog': lines.slice(1).join('\n') + '\n' });
    expect(apart.incidents.filter((i) => i.category === 'crash.segv')).toHaveLength(2);
  });

  it('fills the fix with the incident\'s facts', () => {
    const r = reportOf(set, { 'd': 'Out of memory: Killed process 77 (w)\n' });
    expect(r.incidents[0].recommendations[0]).toEqual({ title: 'fix 77', steps: ['step for 77'], config: null });
  });
});

describe('the peak of a repeated event', () => {
  it('keeps the longest pause together with its own kind, not the first pause\'s', () => {
    const gcSet = buildRuleSet([
      rule({ id: 'gc-kind', title: 'gc', category: 'gc.pause', severity: 'warning', match: ['GC pause (?<pauseMs>\\d+)ms, kind (?<gcKind>\\w+)'], facts: { pauseMs: 'int' } }),
    ]);
    const r = reportOf(gcSet, {
      'worker.log': [
        '2026-11-20T10:00:01Z clw-worker[pid=7]: WARN: GC pause 60ms, kind minor',
        '2026-11-20T10:00:02Z clw-worker[pid=7]: WARN: GC pause 553ms, kind major',
        '2026-11-20T10:00:03Z clw-worker[pid=7]: WARN: GC pause 80ms, kind minor',
      ].join('\n') + '\n',
    });
    expect(r.incidents).toHaveLength(1);
    expect(r.incidents[0].facts).toMatchObject({ pauseMs: 553, gcKind: 'major' });
  });
});
