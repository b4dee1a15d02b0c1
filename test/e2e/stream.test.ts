import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { clw } from './cli.js';

const CRASH = 'clw-worker[pid=812]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n';
const RESPAWN = 'Supervisor: Respawning worker... (attempt 1/10)\n';

function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; saw: ${seen}`)), 10_000);
    stream.on('data', (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) { clearTimeout(timer); resolve(seen); }
    });
  });
}

describe('--stream', () => {
  it('prints each incident while the input is still open, then the report at end of input', async () => {
    const child = clw(['--stream']);
    child.stdin!.write('healthy line\n');
    child.stdin!.write(CRASH);
    const early = await waitFor(child.stdout!, /CRITICAL\s+crash\.segv/);
    expect(early).not.toMatch(/incidents? from/);
    child.stdin!.write(RESPAWN);
    child.stdin!.end();
    const r = await child;
    expect(r.stdout).toMatch(/WARNING\s+restart\.loop/);
    expect(r.stdout).toMatch(/2 incidents from 1 source \(3 lines, 2 matched\)/);
    expect(r.exitCode).toBe(1);
  });

  it('prints an incident whose block may go on, once the input goes quiet', async () => {
    const child = clw(['--stream']);
    child.stdin!.write('[clw-worker-oom] Worker worker-02 exceeded memory limit: 2147483648 bytes\n');
    const early = await waitFor(child.stdout!, /oom\.limit/);
    expect(early).toMatch(/Worker worker-02 exceeded/);
    child.stdin!.end();
    await child;
  });

  it('holds a partial line until its newline arrives', async () => {
    const child = clw(['--stream']);
    child.stdin!.write(CRASH.slice(0, 30));
    await new Promise((r) => setTimeout(r, 300));
    child.stdin!.write(CRASH.slice(30));
    await waitFor(child.stdout!, /crash\.segv/);
    child.stdin!.end();
    expect((await child).stdout).toMatch(/1 incident from 1 source \(1 lines, 1 matched\)/);
  });

  it('prints JSON lines: incidents as they open, the report last', async () => {
    const child = clw(['--stream', '--format', 'json']);
    child.stdin!.end(CRASH + RESPAWN);
    const lines = (await child).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['incident', 'incident', 'report']);
    expect(lines[0]).toMatchObject({ category: 'crash.segv', facts: { pid: 812 } });
    expect(lines[2].incidents[0].rank).toBe(1);
  });

  it('keeps a document format whole on stdout: its live lines go to stderr', async () => {
    const child = clw(['--stream', '--format', 'junit']);
    child.stdin!.end(CRASH);
    const r = await child;
    expect(r.stdout).toMatch(/^<\?xml [^\n]*\?>\n<testsuites[\s\S]*<\/testsuites>$/);
    expect(r.stderr).toMatch(/CRITICAL\s+crash\.segv /);
  });

  it('writes the report on SIGINT while the input is still open', async () => {
    const child = clw(['--stream']);
    child.stdin!.write(CRASH);
    await waitFor(child.stdout!, /crash\.segv/);
    child.kill('SIGINT');
    const r = await child;
    expect(r.stdout).toMatch(/1 incident from 1 source/);
    expect(r.exitCode).toBe(1);
  });

  it('keeps a kernel OOM report whole when a slow pipe delivers it a line every 60 ms: it waits for the kill line', async () => {
    const all = readFileSync('samples/kernel-oom-kill/kern.log', 'utf8').split('\n');
    const first = all.findIndex((l) => l.includes('invoked oom-killer'));
    const last = all.findIndex((l) => l.includes('Killed process'));
    const child = clw(['--stream', '--format', 'json'], { env: { CLW_DIAG_NOW: '2026-11-23T00:00:00Z' } });
    for (const line of all.slice(first, last + 1)) {
      child.stdin!.write(line + '\n');
      await new Promise((r) => setTimeout(r, 60)); // longer than the 40 ms quiet time
    }
    child.stdin!.end();
    const out = (await child).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const report = out.pop();
    expect(report.summary.events).toBe(1);
    expect(report.incidents.map((i: { category: string; subjects: { pids: number[] }; evidence: unknown[] }) => [i.category, i.subjects.pids, i.evidence.length]))
      .toEqual([['oom.killed', [7719], last - first + 1]]);
    expect(out.map((u) => [u.event, u.facts.pid])).toEqual([['opened', 7719]]);
  }, 30_000);
});
