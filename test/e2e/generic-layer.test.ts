// The generic layer as a user meets it: it names what no program's rule knows, never outranks a
// specific incident at least as grave, and takes its severity from the line's own level.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clw, tempDir } from './cli.js';

interface Shaped { rule: string; severity: string; category: string }

async function analyse(lines: string[]): Promise<Shaped[]> {
  const file = join(tempDir(), 'app.log');
  writeFileSync(file, lines.join('\n') + '\n');
  const r = await clw([file, '--format', 'json', '--fail-on', 'never']);
  return JSON.parse(r.stdout).incidents.map((i: Shaped) => ({ rule: i.rule, severity: i.severity, category: i.category }));
}

describe('generic rules', () => {
  it('rank after a specific incident as grave, even when seen more often', async () => {
    const generic = "fish: Job 1, 'ulozto-downloader --parts 30' terminated by signal SIGILL (Illegal instruction)";
    const got = await analyse([generic, generic, generic, 'Segmentation fault (core dumped)']);
    expect(got.map((i) => i.rule)).toEqual(['system-shell-segfault', 'generic-fatal-signal-name']);
  });

  it('rank before a specific incident that is less grave', async () => {
    const got = await analyse([
      '[2020-01-08 20:17:10] [ WARN]    event: Error from accept() call: Too many open files',
      "fish: Job 1, 'worker' terminated by signal SIGSEGV (Address boundary error)",
    ]);
    expect(got[0]).toMatchObject({ rule: 'generic-fatal-signal-name', category: 'crash.segv', severity: 'critical' });
  });

  it('take the severity of the line, capped by the rule', async () => {
    const at = async (level: string) => (await analyse([`2020-03-31 05:22:20 ${level} relay: recv(): Connection reset by peer (104)`]))[0];
    expect(await at('INFO')).toMatchObject({ rule: 'generic-connection-reset', severity: 'info' });
    expect(await at('ERROR')).toMatchObject({ rule: 'generic-connection-reset', severity: 'warning' });
  });

  it('leave lines a program rule knows to that rule', async () => {
    const got = await analyse(["[2021-08-25 23:24:53,573: ERROR/MainProcess] Process 'ForkPoolWorker-3' pid:27 exited with 'signal 9 (SIGKILL)'"]);
    expect(got).toHaveLength(1);
    expect(got[0].rule).not.toMatch(/^generic-/);
    expect(got[0].category).toBe('signal.kill');
  });
});
