// `clw-diag -` reads standard input, alone or beside files, through the built CLI.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clw, tempDir } from '../e2e/cli.js';

const CRASH = '2026-11-20T10:00:01.250Z clw-worker[pid=812]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';
const OOM = '2026-11-20T10:05:00.000Z clw-worker[pid=900]: FATAL: clw-worker-crash detected. Exit code: 137, Signal: 9 (SIGKILL)\n';

describe('clw-diag -', () => {
  it('reads standard input', async () => {
    const r = await clw(['-', '--format', 'json'], { input: CRASH });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(report.sources.map((s: { name: string }) => s.name)).toEqual(['<stdin>']);
    expect(report.incidents[0].category).toBe('crash.segv');
  });

  it('reads standard input beside a file, each under its own name', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.log'), OOM);
    const r = await clw([join(dir, 'worker.log'), '-', '--format', 'json'], { input: CRASH });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(report.sources.map((s: { name: string }) => s.name).sort()).toEqual([join(dir, 'worker.log'), '<stdin>'].sort());
    expect(report.incidents.flatMap((i: { subjects: { pids: number[] } }) => i.subjects.pids).sort()).toEqual([812, 900]);
  });

  it('shows "-" as typed when another command refuses it', async () => {
    const r = await clw(['rules', 'list', '-']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument: -$/m);
  });

  it('leaves "-" as an option\'s value alone: --rules - names a folder called "-", which is not there', async () => {
    const r = await clw(['--rules', '-', '-'], { input: CRASH });
    expect(r.stderr).toMatch(/^clw-diag: --rules -: no such file or folder$/m);
    expect(r.stderr).not.toMatch(/this is a bug|\u0000/);
    expect(r.exitCode).toBe(2);
  });
});
