import { describe, expect, it } from 'vitest';
import { ruleSet, scanText } from './helpers.js';

const crash = { id: 'crash', match: ['clw-worker-crash detected\\. Exit code: (?<exitCode>\\d+)'], facts: { exitCode: 'int' } };
const exit = { id: 'exit', category: 'signal.kill', match: ['Exit code: (?<exitCode>13[479])'], facts: { exitCode: 'int' } };
const panic = {
  id: 'panic', match: ['^panic: runtime error: (?<what>.+)'],
  block: { after: { continue: '^(?:$|\\[signal|goroutine |\\t|[\\w./*()]+\\()', max: 40 }, extract: ['addr=(?<faultAddress>0x[0-9a-f]+)', '^(?<function>[\\w./*()]+)\\('] },
};
const v8 = {
  id: 'v8', category: 'oom.runtime', match: ['FATAL ERROR: .*JavaScript heap out of memory'],
  block: { before: { start: '^<--- Last few GCs --->', continue: '^(?:$|\\[\\d+:0x|<---)', max: 20 }, extract: [{ pattern: 'Mark-Compact (?<heapMb>[\\d.]+)', last: true }] },
};
const gc = { id: 'gc', category: 'gc.pause', match: ['Mark-Compact [\\d.]+'] };

describe('Matcher', () => {
  it('finds candidate lines and numbers them', async () => {
    const text = 'ok 1\nok 2\nclw-worker[pid=9]: FATAL: clw-worker-crash detected. Exit code: 139\nok 4\n';
    const { events, lines } = await scanText(ruleSet(crash), text);
    expect(lines).toBe(4);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ rule: 'crash', line: 3, facts: { exitCode: 139, pid: 9, process: 'clw-worker', signal: 'SIGSEGV' } });
  });

  it('gives a line to the most specific rule only', async () => {
    const set = ruleSet({ ...crash, priority: 10 }, exit);
    const { events } = await scanText(set, 'FATAL: clw-worker-crash detected. Exit code: 139\n[ERROR] Exit code: 137\n');
    expect(events.map((e) => e.rule)).toEqual(['crash', 'exit']);
  });

  it('makes one event of a multi-line block, with facts from its lines', async () => {
    const text = [
      'starting',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a3b2c]',
      '',
      'goroutine 1 [running]:',
      'main.(*Handler).Process(0x0)',
      '\t/app/handler.go:42 +0x1c',
      'exit status 2',
      'after',
    ].join('\n') + '\n';
    const { events } = await scanText(ruleSet(panic), text);
    expect(events).toHaveLength(1);
    expect(events[0].evidence.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(events[0].facts).toMatchObject({ faultAddress: '0x0', function: 'main.(*Handler).Process' });
  });

  it('walks back for a block that ends at the matching line, taking over its lines', async () => {
    const text = [
      'noise',
      '<--- Last few GCs --->',
      '',
      '[123:0x5d4c3e0]    50000 ms: Mark-Compact 2040.1 (2080.0) -> 2039.0 (2080.0) MB',
      '[123:0x5d4c3e0]    52310 ms: Mark-Compact 2046.8 (2083.1) -> 2045.9 (2083.6) MB',
      '',
      '<--- JS stacktrace --->',
      '',
      'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory',
    ].join('\n') + '\n';
    const { events } = await scanText(ruleSet(v8, gc), text);
    expect(events.map((e) => e.rule)).toEqual(['v8']);
    expect(events[0].evidence[0].line).toBe(2);
    expect(events[0].facts.heapMb).toBe('2046.8');
  });

  it('takes over lines of a walked-back block even when they were read in an earlier chunk', async () => {
    const text = [
      '<--- Last few GCs --->',
      '[123:0x5d4c3e0]    52310 ms: Mark-Compact 2046.8 (2083.1) -> 2045.9 (2083.6) MB',
      '',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ].join('\n') + '\n';
    for (const size of [16, 90, 200]) {
      const { events } = await scanText(ruleSet(v8, gc), text, size);
      expect(events.map((e) => e.rule)).toEqual(['v8']);
    }
  });

  it('finds the same events however the input is cut into chunks', async () => {
    const block = 'panic: runtime error: x\n[signal SIGSEGV: segmentation violation addr=0x10]\ngoroutine 1 [running]:\nmain.f(0x0)\n\t/a.go:1\n';
    const line = 'clw-worker[pid=1]: FATAL: clw-worker-crash detected. Exit code: 139\n';
    let text = '';
    let panics = 0;
    for (let i = 0; i < 200; i++) {
      text += `filler line ${i} with some words in it\n` + (i % 7 === 0 ? block : '') + (i % 5 === 0 ? line : '');
      if (i % 7 === 0) panics++;
    }
    const whole = await scanText(ruleSet(crash, panic), text);
    for (const size of [1, 7, 64, 333, 4096]) {
      const cut = await scanText(ruleSet(crash, panic), text, size);
      expect(cut.lines).toBe(whole.lines);
      expect(cut.events.map((e) => `${e.rule}@${e.line}:${e.evidence.length}`)).toEqual(whole.events.map((e) => `${e.rule}@${e.line}:${e.evidence.length}`));
    }
    expect(whole.events.filter((e) => e.rule === 'panic')).toHaveLength(panics);
  });

  it('gives a line without a time the last time seen, and filters on the window', async () => {
    const text = [
      '2026-11-20T10:00:00Z clw-worker[pid=1]: INFO: start',
      'clw-worker-crash detected. Exit code: 139',
      '2026-11-20T12:00:00Z clw-worker[pid=1]: INFO: later',
      'clw-worker-crash detected. Exit code: 134',
    ].join('\n') + '\n';
    const all = await scanText(ruleSet(crash), text);
    expect(all.events.map((e) => e.time)).toEqual([Date.UTC(2026, 10, 20, 10), Date.UTC(2026, 10, 20, 12)]);
    const late = await scanText(ruleSet(crash), text, 1 << 20, { since: Date.UTC(2026, 10, 20, 11), until: null });
    expect(late.events.map((e) => e.facts.exitCode)).toEqual([134]);
  });

  it('inherits the time across a chunk boundary', async () => {
    const text = '2026-11-20T10:00:00Z x: INFO: start\n' + 'filler\n'.repeat(50) + 'clw-worker-crash detected. Exit code: 139\n';
    const { events } = await scanText(ruleSet(crash), text, 64);
    expect(events[0].time).toBe(Date.UTC(2026, 10, 20, 10));
  });

  it('finds literals inside journalctl JSON lines', async () => {
    const line = JSON.stringify({ MESSAGE: 'FATAL: clw-worker-crash detected. Exit code: 139', _PID: '77', __REALTIME_TIMESTAMP: '1763632800000000' });
    const { events } = await scanText(ruleSet(crash), line + '\n');
    expect(events[0]).toMatchObject({ facts: { pid: 77 }, time: 1763632800000 });
  });

  it('notes invalid UTF-8 once and still matches', async () => {
    const bad = Buffer.concat([Buffer.from('clw-worker-crash detected. Exit code: 139 \xff\xfe', 'latin1'), Buffer.from('\n')]);
    const { events, notes } = await scanText(ruleSet(crash), bad);
    expect(events).toHaveLength(1);
    expect(notes.join()).toMatch(/not valid UTF-8/);
  });

  it('names the line that is not valid UTF-8, however the input was cut', async () => {
    // Line 1 is read only when the match on line 2, which has no time, looks back for one.
    const text = Buffer.concat([Buffer.from([0x80]), Buffer.from('2026-11-20T10:00:00Z starting\nFATAL: clw-worker-crash detected. Exit code: 139\n')]);
    for (const chunk of [1 << 20, 1, 40]) {
      const { notes } = await scanText(ruleSet(crash), text, chunk);
      expect(notes, `chunks of ${chunk}`).toEqual(['t.log: line 1 is not valid UTF-8; shown with replacement characters']);
    }
  });
});
