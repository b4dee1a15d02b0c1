// GitHub Actions annotations through the CLI, as a workflow step meets them: with GITHUB_ACTIONS=true
// each incident is a workflow command on stdout before the report (alone there with --output),
// pointing at the evidence's input file and line, or at the crashing frame's source when a core
// names it. The commands are read back with GitHub's escaping undone.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clw, tempDir } from './cli.js';
import { ASSERT_C, buildC, coreUnsupported, crash, gdbUnavailable, lineOf, removeTempDirs, tempDir as crashDir } from '../crash/cores.js';
import { escapeData, escapeProperty } from '../../src/report/github-annotations.js';

const GHA = { CLW_DIAG_NOW: '2026-11-23T00:00:00Z', GITHUB_ACTIONS: 'true' };
const SAMPLE = 'samples/segfault-native-handler';

interface Command { command: string; props: Record<string, string>; message: string }

const unescape = (s: string) => s.replace(/%(25|0D|0A|3A|2C)/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** A workflow command line, `::name k=v,k=v::message`, as the runner reads it; null for other lines. */
function parseCommand(line: string): Command | null {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) return null;
  const props: Record<string, string> = {};
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = kv.indexOf('=');
    expect(eq, kv).toBeGreaterThan(0);
    props[kv.slice(0, eq)] = unescape(kv.slice(eq + 1));
  }
  return { command: m[1], props, message: unescape(m[3]) };
}

const commands = (stdout: string) => stdout.split('\n').map(parseCommand).filter((c): c is Command => c !== null);

afterAll(removeTempDirs);

describe('GitHub annotations', () => {
  it('escapes as GitHub reads: %, CR and LF everywhere, and : and , in properties', () => {
    expect(escapeData('100% a:b,c\r\nd')).toBe('100%25 a:b,c%0D%0Ad');
    expect(escapeProperty('100% a:b,c\r\nd')).toBe('100%25 a%3Ab%2Cc%0D%0Ad');
    expect(unescape(escapeProperty('%0A literal, %25: odd'))).toBe('%0A literal, %25: odd');
  });

  it('puts an error and a warning before the text report, at the evidence\'s file and line', async () => {
    const json = JSON.parse((await clw([SAMPLE, '--format', 'json'], { env: { ...GHA, GITHUB_ACTIONS: '' } })).stdout);
    const r = await clw([SAMPLE], { env: GHA });
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2).every((l) => l.startsWith('::'))).toBe(true);
    expect(lines[2]).toMatch(/^2 incidents from 2 sources/);
    const [crashCmd, restart] = commands(r.stdout);
    expect(commands(r.stdout)).toHaveLength(2);
    expect(crashCmd).toMatchObject({ command: 'error', props: { title: json.incidents[0].title, file: resolve(SAMPLE, 'dmesg.txt'), line: '12' } });
    expect(crashCmd.message).toContain('critical crash.segv');
    expect(crashCmd.message).toContain(`Fix: ${json.incidents[0].recommendations[0].title}`);
    expect(crashCmd.message.split('\n').length).toBeGreaterThan(2);
    expect(restart).toMatchObject({ command: 'warning', props: { title: json.incidents[1].title, file: resolve(SAMPLE, 'worker.log'), line: '205' } });
    expect(restart.message).toContain(`caused by #1: ${json.incidents[0].title}`);
    // The line really is the evidence.
    expect(readFileSync(resolve(SAMPLE, 'worker.log'), 'utf8').split('\n')[204]).toMatch(/Respawning worker worker-01/);
  }, 30_000);

  it('with --output, writes the report to the file and only the annotations to stdout', async () => {
    const file = join(tempDir(), 'report.json');
    const r = await clw([SAMPLE, '--format', 'json', '--output', file], { env: GHA });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n').map((l) => l.slice(0, 10))).toEqual(['::error ti', '::warning ']);
    expect(JSON.parse(readFileSync(file, 'utf8')).incidents).toHaveLength(2);
  }, 30_000);

  it('writes none off GitHub Actions, and none on a healthy run', async () => {
    for (const value of ['', 'false']) {
      const r = await clw([SAMPLE, '--format', 'json'], { env: { ...GHA, GITHUB_ACTIONS: value } });
      expect(JSON.parse(r.stdout).incidents).toHaveLength(2);
    }
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), '2026-11-20T10:00:00Z clw-worker[pid=7]: INFO: task 1 done\n');
    const healthy = await clw([dir], { env: GHA });
    expect(healthy.exitCode).toBe(0);
    expect(healthy.stdout).toMatch(/^No incidents/);
  }, 30_000);

  it('escapes paths and messages: one line per command, whatever the input holds', async () => {
    const dir = join(tempDir(), 'logs, with: odd 100% names');
    mkdirSync(dir);
    const log = join(dir, 'worker.log');
    writeFileSync(log, [
      '2026-11-20T10:00:00.000Z clw-worker[pid=4242]: INFO: started',
      '2026-11-20T10:00:01.000Z clw-worker[pid=4242]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0) at 100%',
    ].join('\n') + '\n');
    const r = await clw([dir, '--format', 'json', '--output', join(dir, 'r.json')], { env: GHA });
    const raw = r.stdout.split('\n');
    expect(raw).toHaveLength(1);
    expect(raw[0]).toContain(',file=');
    expect(raw[0]).toContain('logs%2C with%3A odd 100%25 names');
    const [cmd] = commands(r.stdout);
    expect(cmd).toMatchObject({ command: 'error', props: { file: log, line: '2' } });
    expect(cmd.message).toContain('worker.log:2: 2026-11-20T10:00:01.000Z clw-worker[pid=4242]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0) at 100%');
  }, 30_000);

  const why = coreUnsupported() ?? gdbUnavailable();
  it.skipIf(why !== null)('points a core\'s crash at the crashing frame\'s source file and line', async () => {
    const dir = crashDir();
    const core = await crash(dir, [await buildC(dir, 'clw-budget', ASSERT_C)]);
    const r = await clw(['core', core, '--format', 'json'], { env: GHA });
    const [cmd, ...rest] = commands(r.stdout);
    expect(rest).toEqual([]);
    expect(cmd.command).toBe('error');
    expect(cmd.props.file).toMatch(/(^|\/)clw-budget\.c$/);
    expect(cmd.props.line).toBe(String(lineOf(ASSERT_C, 'assert(')));
    expect(cmd.props.title).toMatch(/crashed with SIGABRT .*check_budget at .*clw-budget\.c:3/);
    expect(r.stdout.split('\n')[0]).toMatch(/clw-budget\.c%3A3/);
    expect(cmd.message).toMatch(/SIGABRT in check_budget at .*clw-budget\.c:3/);
  }, 60_000);
});
