// Site settings as an operator uses them: thresholds from a config file or a flag, site rules
// added to the bundled set, and every mistake in them one line with exit 2.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clw, tempDir } from './cli.js';

const NOW = { CLW_DIAG_NOW: '2026-11-23T00:00:00Z' };
const json = (stdout: string) => JSON.parse(stdout) as { incidents: { rule: string; category: string; severity: string; facts: Record<string, unknown>; title: string }[]; summary: { events: number } };

/** A unified-logging GC log: `n` short pauses, then one of `longMs`. */
function gcLog(dir: string, n: number, longMs: number): string {
  const lines = Array.from({ length: n }, (_, i) => `[2026-11-20T10:00:${String(i % 60).padStart(2, '0')}.000+0000][info][gc] GC(${i}) Pause Young (Normal) (G1 Evacuation Pause) 900M->120M(2048M) ${(10 + (i % 7)).toFixed(3)}ms`);
  lines.push(`[2026-11-20T10:01:00.000+0000][info][gc] GC(${n}) Pause Young (Normal) (G1 Evacuation Pause) 1900M->1800M(2048M) ${longMs.toFixed(3)}ms`);
  const file = join(dir, 'gc.log');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('thresholds', () => {
  it('reports a pause over gc_pause_ms, and not once the threshold is raised by flag or config file', async () => {
    const dir = tempDir();
    const log = gcLog(dir, 3, 450);
    const base = json((await clw([log, '--format', 'json', '--fail-on', 'never'], { env: NOW })).stdout);
    expect(base.incidents.map((i) => i.category)).toEqual(['gc.pause']);
    expect(base.incidents[0].facts).toMatchObject({ pauseMs: 450, threshold: 200 });
    const byFlag = json((await clw([log, '--format', 'json', '--threshold', 'gc_pause_ms=1000'], { env: NOW })).stdout);
    expect(byFlag.incidents).toEqual([]);
    const config = join(dir, 'config.toml');
    writeFileSync(config, '[thresholds]\ngc_pause_ms = 1000\n');
    const byFile = json((await clw([log, '--format', 'json', '--config', config], { env: NOW })).stdout);
    expect(byFile.incidents).toEqual([]);
  });

  it('reports a pause under the threshold that stands far above the log\'s own median', async () => {
    const dir = tempDir();
    const report = json((await clw([gcLog(dir, 40, 160), '--format', 'json', '--fail-on', 'never'], { env: NOW })).stdout);
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]).toMatchObject({ category: 'gc.pause', severity: 'warning', facts: { pauseMs: 160, typicalValue: 13 } });
    expect(report.incidents[0].title).toMatch(/x this log's median of 13 ms/);
    // Too few pauses say nothing about what is typical.
    const few = json((await clw([gcLog(tempDir(), 4, 160), '--format', 'json'], { env: NOW })).stdout);
    expect(few.incidents).toEqual([]);
  });

  it('names a mistaken threshold in one line with exit 2', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.toml');
    writeFileSync(config, '[thresholds]\ngc_pause_msec = 500\n');
    const r = await clw([gcLog(dir, 3, 450), '--config', config]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown threshold "gc_pause_msec" (did you mean gc_pause_ms?)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const flag = await clw([gcLog(dir, 3, 450), '--threshold', 'gc_pause_ms']);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain('expected NAME=VALUE');
    const toml = join(dir, 'broken.toml');
    writeFileSync(toml, '[thresholds\n');
    const broken = await clw([gcLog(dir, 3, 450), '--config', toml]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('not valid TOML');
  });
});

describe('site rules', () => {
  const siteRule = `family: site
rules:
  - id: site-billing-lock-lost
    title: "The billing job lost its lock"
    category: hang
    severity: error
    match: ['billing-job: lease expired for lock (?<lock>[\\w-]+)']
    fix: { title: "Shorten the billing batch", steps: ["Split the batch so it ends before the lease does."] }
    examples:
      match: ["billing-job: lease expired for lock invoices-2026"]
      nomatch: ["billing-job: lease renewed for lock invoices-2026"]
`;

  it('adds the rules of --rules-dir to the bundled ones', async () => {
    const dir = tempDir();
    const rules = join(dir, 'rules.d');
    mkdirSync(rules);
    writeFileSync(join(rules, 'site.yaml'), siteRule);
    const log = join(dir, 'app.log');
    writeFileSync(log, '2026-11-20T10:00:00Z billing-job: lease expired for lock invoices-2026\nSegmentation fault (core dumped)\n');
    const r = await clw([log, '--rules-dir', rules, '--format', 'json', '--fail-on', 'never']);
    const rulesSeen = json(r.stdout).incidents.map((i) => i.rule).sort();
    expect(rulesSeen).toEqual(['site-billing-lock-lost', 'system-shell-segfault']);
    const test = await clw(['rules', 'test', '--rules-dir', rules]);
    expect(test.exitCode).toBe(0);
  });

  it('refuses a site rule whose regex can backtrack for ever, in one line, and runs the rest', async () => {
    const dir = tempDir();
    const rules = join(dir, 'rules.d');
    mkdirSync(rules);
    // A 41-character line of a's made this regex run for minutes.
    writeFileSync(join(rules, 'slow.yaml'), siteRule.replace('site-billing-lock-lost', 'site-slow').replace("'billing-job: lease expired for lock (?<lock>[\\w-]+)'", () => "'lease expired (a+)+$'"));
    const log = join(dir, 'app.log');
    writeFileSync(log, `billing-job: lease expired ${'a'.repeat(41)}!\nSegmentation fault (core dumped)\n`);
    const r = await clw([log, '--rules-dir', rules, '--format', 'json', '--fail-on', 'never']);
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^clw-diag: rules: slow\.yaml: rule site-slow: match\[0\] \/lease expired \(a\+\)\+\$\/ can take exponential time/);
    expect(json(r.stdout).incidents.map((i) => i.rule)).toEqual(['system-shell-segfault']);
  }, 60_000);

  it('refuses a --rules-dir that is not there', async () => {
    const r = await clw(['/dev/null', '--rules-dir', '/nonexistent/rules.d']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("clw-diag: --rules-dir /nonexistent/rules.d: no such folder\nRun 'clw-diag --help' for usage.");
  });
});
