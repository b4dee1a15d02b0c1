// examples/ci: gather.sh run as a CI job would after a failed step, on a real native crash that
// clw-worker reproduces (a core, a worker.log, the kernel's segfault line); and the two CI examples.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { nativeUnavailable } from '../../src/worker/native.js';
import { reproduce } from '../worker/helpers.js';
import { BIN, tempDir } from './cli.js';

const GATHER = resolve('examples/ci/gather.sh');
const DIAG = `"${process.execPath}" "${BIN}"`;

const noNative = nativeUnavailable();
if (noNative) console.log(`ci-gather on a reproduced segfault skipped: ${noNative}`);

/** A PATH like this one, less the tools that read the kernel's and systemd's records. */
function pathWithout(tools: string[]): string {
  const bin = tempDir('clw-ci-path-');
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (tools.includes(n) || existsSync(join(bin, n))) continue;
      symlinkSync(join(dir, n), join(bin, n));
    }
  }
  return bin;
}
const BARE_PATH = pathWithout(['dmesg', 'journalctl', 'coredumpctl', 'sudo']);

function gather(args: string[], env: Record<string, string> = {}) {
  return execa('bash', [GATHER, '--clw-diag', DIAG, ...args], { reject: false, env: { GITHUB_STEP_SUMMARY: '', GITHUB_ACTIONS: '', NO_COLOR: '1', ...env } });
}

interface Incident { rank: number; category: string; facts: Record<string, unknown>; crash: { cores: string[] } | null }
interface JsonReport { incidents: Incident[]; sources: { kind: string; name: string }[] }
const readReport = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as JsonReport;

/** The segfault scenario's folder, its core and the pid that crashed. */
async function reproduceSegfault() {
  const { dir } = await reproduce('segfault');
  const core = readdirSync(join(dir, 'cores')).find((n) => /^core\.\d+$/.test(n))!;
  expect(core).toBeDefined();
  return { dir, core, pid: Number(core.slice('core.'.length)) };
}

describe.skipIf(noNative !== null)('gather.sh on a reproduced segfault', { timeout: 90_000 }, () => {
  it('collects the log and the core, writes every report naming crash.segv, fills the job summary, exits 1', async () => {
    const { dir, core, pid } = await reproduceSegfault();
    const out = join(tempDir('clw-ci-out-'), 'clw-diag');
    const summary = join(tempDir('clw-ci-summary-'), 'summary.md');
    writeFileSync(summary, '## earlier step\n');
    // No dmesg, journalctl or coredumpctl on PATH, as in many containers: still a full report.
    const r = await gather(['--out', out, '--logs', join(dir, 'worker.log'), '--cores', join(dir, 'cores'), '--unit', 'clw-worker@*.service'],
      { PATH: BARE_PATH, GITHUB_STEP_SUMMARY: summary });
    expect(r.exitCode, r.stderr).toBe(1);

    const log = join(out, 'collected/logs', dir, 'worker.log');
    expect(readFileSync(log, 'utf8')).toBe(readFileSync(join(dir, 'worker.log'), 'utf8'));
    const copied = join(out, 'collected/cores', core);
    expect(statSync(copied).size).toBe(statSync(join(dir, 'cores', core)).size);
    expect(existsSync(join(out, 'collected/dmesg.txt'))).toBe(false);
    const notes = readFileSync(join(out, 'gather.log'), 'utf8');
    expect(notes).toMatch(/^dmesg: not installed$/m);
    expect(notes).toMatch(/^journal: journalctl is not installed$/m);

    const report = readReport(out);
    expect(report.incidents[0]).toMatchObject({ category: 'crash.segv', facts: { pid, signal: 'SIGSEGV', corePath: copied } });
    expect(report.sources.map((s) => s.kind).sort()).toEqual(['cores', 'worker-log']);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/\| 1 \| critical \| `crash\.segv` \|/);
    for (const file of ['report.html', 'junit.xml']) {
      expect(existsSync(join(out, file)), `${file} (gather.log: ${notes})`).toBe(true);
      expect(readFileSync(join(out, file), 'utf8')).toContain('crash.segv');
    }
    expect(readFileSync(summary, 'utf8')).toBe(`## earlier step\n${md}`);
  });

  it('reads the real dmesg and journal when they are there; --fail-on never (as CLW_GATHER_FAIL_ON) exits 0', async () => {
    // dmesg's ISO times can run a second or so behind the worker's clock.
    const since = new Date(Date.now() - 10_000).toISOString();
    const { dir, core, pid } = await reproduceSegfault();
    const out = tempDir('clw-ci-out-');
    const r = await gather(['--out', out, '--since', since, '--logs', join(dir, '*.log'), '--cores', join(dir, 'cores'), '--unit', 'clw-worker@*.service'],
      { CLW_GATHER_FAIL_ON: 'never' });
    expect(r.exitCode, r.stderr).toBe(0);
    // The glob took worker.log and stderr.log.
    expect(readdirSync(join(out, 'collected/logs', dir)).sort()).toEqual(['stderr.log', 'worker.log']);
    const notes = readFileSync(join(out, 'gather.log'), 'utf8');
    const readable = (await execa('dmesg', [], { reject: false })).exitCode === 0;
    if (readable && existsSync(join(dir, 'dmesg.txt'))) {
      // The kernel's line of this very crash, as reproduce saw it.
      expect(readFileSync(join(out, 'collected/dmesg.txt'), 'utf8')).toContain(`[${pid}]: segfault at 0 `);
    } else if (!readable) {
      expect(notes).toMatch(/^dmesg( refused|: not installed)/m);
    }
    // The journal is exported or its absence noted, never a failure.
    expect(notes).toMatch(/^(collected the journal of|journal of|journal: journalctl is not installed)/m);
    const report = readReport(out);
    const crash = report.incidents.find((i) => i.crash?.cores.includes(join(out, 'collected/cores', core)));
    expect(crash?.category).toBe('crash.segv');
    expect(existsSync(join(out, 'report.md'))).toBe(true);
  });

  it('--exit-zero exits 0 while gather.log keeps clw-diag\'s own exit 1', async () => {
    const { dir } = await reproduceSegfault();
    const out = tempDir('clw-ci-out-');
    const r = await gather(['--out', out, '--logs', join(dir, 'worker.log'), '--cores', join(dir, 'cores'), '--fail-on', 'critical', '--exit-zero'],
      { PATH: BARE_PATH });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'gather.log'), 'utf8')).toMatch(/^clw-diag: report\.json written \(exit 1\)$/m);
    expect(readReport(out).incidents[0].category).toBe('crash.segv');
  });
});

describe('gather.sh with nothing to gather', { timeout: 30_000 }, () => {
  it('notes every missing source and still writes an empty report, exit 0', async () => {
    const out = tempDir('clw-ci-out-');
    const gone = join(tempDir('clw-ci-'), 'gone');
    const r = await gather(['--out', out, '--logs', join(gone, 'worker.log'), '--cores', gone], { PATH: BARE_PATH });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`gather: worker log ${join(gone, 'worker.log')}: not there`);
    expect(r.stderr).toContain(`gather: cores: no folder ${gone}`);
    expect(r.stderr).toContain('gather: journal: no --unit given; not exported');
    expect(readReport(out).incidents).toEqual([]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/^## clw-diag report/);
  });

  it('refuses an unknown option or a bad --fail-on with one line and exit 2', async () => {
    const bad = await gather(['--bogus']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe('gather: unknown option --bogus (gather.sh --help for the options)');
    const level = await gather(['--fail-on', 'fatal']);
    expect(level.exitCode).toBe(2);
    expect(level.stderr).toMatch(/^gather: --fail-on fatal: expected critical, error, warning or never/);
  });

  it('is shellcheck-clean', async (ctx) => {
    const sc = await execa('shellcheck', ['--version'], { reject: false });
    if (sc.exitCode !== 0) {
      console.log('shellcheck check skipped: shellcheck is not installed');
      ctx.skip();
    }
    const r = await execa('shellcheck', [GATHER], { reject: false });
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(0);
  });
});

describe('the CI examples', () => {
  const documented = readFileSync(GATHER, 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n');
  /** The options a gather.sh command line uses, each of which the script's header must document. */
  const optionsOf = (command: string) => [...command.matchAll(/(?<=\s)--[a-z-]+/g)].map((m) => m[0]);

  it('GitHub Actions: on failure, gather, upload the folder, publish the JUnit', () => {
    const wf = parse(readFileSync('examples/ci/github-actions.yml', 'utf8'));
    const steps = Object.values(wf.jobs as Record<string, { steps: Record<string, any>[] }>)[0].steps;
    const at = (pred: (s: Record<string, any>) => boolean) => steps.findIndex(pred);
    const test = at((s) => /npm run test/.test(s.run ?? ''));
    const gatherStep = at((s) => /gather\.sh/.test(s.run ?? ''));
    const upload = at((s) => /^actions\/upload-artifact@/.test(s.uses ?? ''));
    const junit = at((s) => /junit/.test(s.uses ?? ''));
    expect(test).toBeGreaterThanOrEqual(0);
    expect([gatherStep, upload, junit].every((i) => i > test)).toBe(true);
    for (const i of [gatherStep, upload, junit]) expect(steps[i].if).toBe('failure()');
    const out = wf.jobs[Object.keys(wf.jobs)[0]].env.CLW_GATHER_OUT;
    expect(steps[upload].with.path).toBe(`${out}/`);
    expect(steps[junit].with.report_paths).toBe(`${out}/junit.xml`);
    for (const opt of optionsOf(steps[gatherStep].run)) expect(documented).toContain(`#   ${opt} `);
  });

  it('GitLab CI: after_script gathers on failure; artifacts always, with the JUnit report', () => {
    const ci = parse(readFileSync('examples/ci/gitlab-ci.yml', 'utf8'));
    const job = ci['load-test'];
    const after = (job.after_script as string[]).join('\n');
    expect(after).toMatch(/CI_JOB_STATUS.*failed[\s\S]*gather\.sh/);
    const out = job.variables.CLW_GATHER_OUT;
    expect(job.artifacts).toMatchObject({ when: 'always', paths: [`${out}/`], reports: { junit: `${out}/junit.xml` } });
    expect(job.artifacts.expire_in).toMatch(/^\d+ \w+$/);
    for (const opt of optionsOf(after)) expect(documented).toContain(`#   ${opt} `);
  });
});
