// --format junit: read back with a strict XML 1.0 parser (saxes: it rejects forbidden characters,
// undefined entities, duplicate attributes), then held to the shape Jenkins' and GitLab's JUnit
// readers accept: elements, their order, required attributes, and counts that add up.
import { describe, expect, it } from 'vitest';
import { SaxesParser } from 'saxes';
import { renderJunit, xmlSafe } from '../../src/report/junit.js';
import { clw } from '../e2e/cli.js';
import { ABORT_CRASH, NOW, incident, report, sampleReport } from './helpers.js';

interface Node { name: string; attrs: Record<string, string>; children: Node[]; text: string }

function parseXml(xml: string): Node {
  const parser = new SaxesParser();
  const errors: string[] = [];
  const stack: Node[] = [];
  let root: Node | null = null;
  parser.on('error', (e) => errors.push(e.message));
  parser.on('opentag', (t) => {
    const node: Node = { name: t.name, attrs: { ...t.attributes } as Record<string, string>, children: [], text: '' };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (t) => { if (stack.length) stack[stack.length - 1].text += t; });
  parser.on('cdata', (t) => { if (stack.length) stack[stack.length - 1].text += t; });
  parser.on('closetag', () => { stack.pop(); });
  parser.write(xml).close();
  expect(errors).toEqual([]);
  expect(root).not.toBeNull();
  return root!;
}

// The JUnit shape (Jenkins' junit schema, which GitLab's and GitHub's readers accept a subset of):
// which attributes each element may have, which it must, and the order of its children.
const SHAPE: Record<string, { attrs: string[]; required: string[]; children: [string, '?' | '*'][] }> = {
  testsuites: { attrs: ['name', 'time', 'tests', 'failures', 'disabled', 'errors'], required: [], children: [['testsuite', '*']] },
  testsuite: {
    attrs: ['name', 'tests', 'failures', 'errors', 'skipped', 'disabled', 'time', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'version'],
    required: ['name', 'tests'],
    children: [['properties', '?'], ['testcase', '*'], ['system-out', '?'], ['system-err', '?']],
  },
  properties: { attrs: [], required: [], children: [['property', '*']] },
  property: { attrs: ['name', 'value'], required: ['name', 'value'], children: [] },
  testcase: {
    attrs: ['name', 'classname', 'time', 'assertions', 'status', 'file', 'line'], required: ['name'],
    children: [['skipped', '?'], ['error', '*'], ['failure', '*'], ['system-out', '*'], ['system-err', '*']],
  },
  failure: { attrs: ['message', 'type'], required: [], children: [] },
  error: { attrs: ['message', 'type'], required: [], children: [] },
  skipped: { attrs: ['message'], required: [], children: [] },
  'system-out': { attrs: [], required: [], children: [] },
  'system-err': { attrs: [], required: [], children: [] },
};
const INT = ['tests', 'failures', 'errors', 'skipped', 'disabled', 'assertions'];

function checkShape(node: Node, path = node.name): void {
  const shape = SHAPE[node.name];
  expect(shape, `${path}: unknown element`).toBeDefined();
  for (const a of Object.keys(node.attrs)) expect(shape.attrs, `${path}: attribute ${a}`).toContain(a);
  for (const a of shape.required) expect(node.attrs[a], `${path}: needs ${a}`).toBeDefined();
  for (const a of INT) if (a in node.attrs) expect(node.attrs[a], `${path}@${a}`).toMatch(/^\d+$/);
  if ('time' in node.attrs) expect(node.attrs.time, `${path}@time`).toMatch(/^\d+(\.\d+)?$/);
  if ('timestamp' in node.attrs) expect(node.attrs.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  // Children in the schema's order, each as often as it may appear.
  let at = 0;
  for (const child of node.children) {
    while (at < shape.children.length && shape.children[at][0] !== child.name) at++;
    expect(at, `${path}: <${child.name}> not allowed here`).toBeLessThan(shape.children.length);
    checkShape(child, `${path}/${child.name}`);
    if (shape.children[at][1] === '?') at++;
  }
  if (!shape.children.length && node.name !== 'property') expect(node.children, `${path}: holds text only`).toEqual([]);
}

/** Checks the document against the shape and its counts against its testcases; returns the suite. */
function checkJunit(xml: string): Node {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  checkShape(root);
  expect(root.children).toHaveLength(1);
  const suite = root.children[0];
  expect(suite.attrs.name).toBe('clw-diag');
  const cases = suite.children.filter((c) => c.name === 'testcase');
  const has = (name: string) => cases.filter((c) => c.children.some((x) => x.name === name)).length;
  const counts = { tests: cases.length, failures: has('failure'), errors: has('error'), skipped: has('skipped') };
  for (const [k, v] of Object.entries(counts)) expect(Number(suite.attrs[k]), `testsuite@${k}`).toBe(v);
  for (const k of ['tests', 'failures', 'errors'] as const) expect(Number(root.attrs[k]), `testsuites@${k}`).toBe(counts[k]);
  const time = cases.reduce((n, c) => n + Number(c.attrs.time ?? 0), 0);
  expect(Number(suite.attrs.time)).toBeCloseTo(time, 3);
  expect(cases.length).toBeGreaterThan(0);
  return suite;
}

const testcases = (suite: Node) => suite.children.filter((c) => c.name === 'testcase');
const child = (n: Node, name: string) => n.children.find((c) => c.name === name);

describe('junit', () => {
  it('makes a failing testcase of each incident in a sample, with its evidence and fix', async () => {
    const r = await sampleReport('crash-loop');
    const suite = checkJunit(renderJunit(r));
    const cases = testcases(suite);
    expect(cases.map((c) => [c.attrs.classname, c.attrs.name])).toEqual(r.incidents.map((i) => [i.category, i.title]));
    for (const [n, c] of cases.entries()) {
      const f = child(c, 'failure')!;
      expect(f.attrs.type).toBe(r.incidents[n].category);
      expect(f.attrs.message).toContain(r.incidents[n].title);
      const ev = r.incidents[n].evidence[0];
      expect(f.text).toContain(`${ev.source}:${ev.line}: ${ev.text}`);
      expect(f.text).toContain(`Fix: ${r.incidents[n].recommendations[0].title}`);
    }
    expect(child(cases[1], 'failure')!.text).toContain(`caused by #1: ${r.incidents[0].title}`);
  }, 30_000);

  it('fails what is at or above --fail-on; a warning below it passes, its details in system-out', async () => {
    const r = await sampleReport('segfault-native-handler');
    expect(r.incidents.map((i) => i.severity)).toEqual(['critical', 'warning']);
    const outcome = (failOn?: 'critical' | 'error' | 'warning' | 'never') => testcases(checkJunit(renderJunit(r, { failOn })))
      .map((c) => c.children.map((x) => x.name).join(','));
    expect(outcome()).toEqual(['failure', 'system-out']);
    expect(outcome('error')).toEqual(['failure', 'system-out']);
    expect(outcome('warning')).toEqual(['failure', 'failure']);
    expect(outcome('never')).toEqual(['system-out', 'system-out']);
    const warning = testcases(checkJunit(renderJunit(r)))[1];
    expect(child(warning, 'system-out')!.text).toMatch(/^warning restart\.loop: Supervisor respawned/);
    expect(child(warning, 'system-out')!.text).toContain('worker.log:205: ');
  }, 30_000);

  it('reports a healthy run as one passing testcase, never an empty suite', () => {
    const r = report([], { sources: [
      { kind: 'file', name: 'a.log', lines: 10, bytes: 100, errors: [] },
      { kind: 'dmesg', name: 'dmesg', lines: 5, bytes: 50, errors: [] },
    ] });
    const suite = checkJunit(renderJunit(r));
    expect(suite.attrs).toMatchObject({ tests: '1', failures: '0', errors: '0', skipped: '0' });
    expect(testcases(suite)).toEqual([expect.objectContaining({ attrs: { classname: 'clw-diag', name: 'no failures found in 2 inputs', time: '0' }, children: [] })]);
  });

  it('puts the crash frames in the failure, the crashing frame marked', () => {
    const inc = incident({ title: 'clw-worker crashed with SIGABRT in check_budget', facts: { function: 'check_budget' }, crash: ABORT_CRASH });
    const f = child(testcases(checkJunit(renderJunit(report([inc]))))[0], 'failure')!;
    expect(f.text).toContain('Crash: SIGABRT in /opt/clw/bin/clw-worker (signature 7b1699933b4b05b4, 1 core)');
    expect(f.text).toContain('=> #2 check_budget at src/native/budget.c:42');
    expect(f.text).toContain('   #1 __GI_abort at ./stdlib/abort.c:79');
    expect(f.text).toContain("abort message: clw-worker: src/native/budget.c:42: check_budget: Assertion `left > 0' failed.");
  });

  it('escapes markup, keeps line breaks and tabs, and drops what XML 1.0 forbids', () => {
    const nasty = 'a<b>&c "d" \'e\' ]]> tab\there\r\nnext \u001b[31mred\u001b[0m bell\u0007 nul\u0000 ff\uffff lone\ud800 pair\ud83d\ude00';
    const inc = incident({
      title: `title ${nasty}`, code: 'x&y',
      evidence: [{ source: 'logs/<odd>&.log', line: 3, time: null, text: nasty, matched: true }],
      recommendations: [{ title: 'Fix <it>', steps: ['step & "quote"'], config: '[Service]\nX=<1>' }],
    });
    const xml = renderJunit(report([inc]), {});
    // Nothing XML 1.0 forbids, not even as a character reference.
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    expect(xml).not.toMatch(/&#(x0*[0-8bcef]|x0*1[0-9a-f]|0*([0-8]|1[124-9]|2[0-9]|3[01]));/i);
    const tc = testcases(checkJunit(xml))[0];
    expect(tc.attrs.name).toBe(`title ${xmlSafe(nasty)}`);
    expect(tc.attrs.name).toContain('tab\there\r\nnext red bell\ufffd nul\ufffd ff\ufffd lone\ufffd pair\ud83d\ude00');
    const f = child(tc, 'failure')!;
    expect(f.attrs.message.startsWith(tc.attrs.name)).toBe(true);
    expect(f.text).toContain(`logs/<odd>&.log:3: ${xmlSafe(nasty)}`);
    expect(f.text).toContain('Fix: Fix <it>');
    expect(f.text).toContain('  1. step & "quote"');
    expect(f.text).toContain('    X=<1>');
  });

  it('lists the inputs and the notes', () => {
    const r = report([incident({ severity: 'warning' })], { notes: ['b.log: no such file <&>'] });
    const suite = checkJunit(renderJunit(r));
    const props = child(suite, 'properties')!.children.map((p) => [p.attrs.name, p.attrs.value]);
    expect(props).toEqual(expect.arrayContaining([['fail-on', 'error'], ['inputs', '1'], ['input', 'logs/worker.log (file, 100 lines)']]));
    expect(child(suite, 'system-out')!.text).toBe('note: b.log: no such file <&>');
  });

  it('comes out of the CLI, with --fail-on deciding failures and the exit code alike', async () => {
    const args = ['samples/segfault-native-handler', '--format', 'junit'];
    const byDefault = await clw(args, { env: NOW });
    expect(byDefault.exitCode).toBe(1);
    expect(checkJunit(byDefault.stdout).attrs).toMatchObject({ tests: '2', failures: '1' });
    const never = await clw([...args, '--fail-on', 'never'], { env: NOW });
    expect(never.exitCode).toBe(0);
    expect(checkJunit(never.stdout).attrs).toMatchObject({ tests: '2', failures: '0' });
    const warning = await clw([...args, '--fail-on', 'warning'], { env: NOW });
    expect(checkJunit(warning.stdout).attrs).toMatchObject({ tests: '2', failures: '2' });
  }, 30_000);
});
