// --dmesg on the real kernel: a real OOM kill in a memory cgroup read back from the ring buffer,
// and a real refusal when an unprivileged user may not read it.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { BIN, CLI_ENV, clw } from './cli.js';
import { cgroupUnavailable, makeMemoryCgroup, removeSoon } from '../../src/worker/cgroup.js';

const unavailable = cgroupUnavailable();
if (unavailable) console.log(`skipping the kernel OOM test: ${unavailable}`);

describe('--dmesg', () => {
  it.skipIf(unavailable !== null)('finds a real OOM kill in a memory cgroup, with its pid and figures', async () => {
    const cg = makeMemoryCgroup(`clw-diag-test-${process.pid}-${Date.now()}`, 64 << 20);
    try {
      // The shell waits until it is in the cgroup, then becomes python (same pid), which outgrows 64 MiB.
      const child = execa('sh', ['-c', `read go && exec python3 -c "a = b'x' * (256 << 20)"`], { reject: false });
      const pid = child.pid!;
      cg.add(pid);
      child.stdin!.end('go\n');
      const result = await child;
      expect(result.signal).toBe('SIGKILL');
      const r = await clw(['--dmesg', '--since', '5m', '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const kill = report.incidents.find((i: { category: string; subjects: { pids: number[] } }) => i.category === 'oom.killed' && i.subjects.pids.includes(pid));
      expect(kill).toBeDefined();
      // Kills of python3 by earlier runs within the window are the same incident, seen again.
      expect(kill.subjects.processes).toContain('python3');
      expect(kill.facts).toMatchObject({ process: 'python3', memoryLimitBytes: 64 << 20, signal: 'SIGKILL', constraint: 'CONSTRAINT_MEMCG' });
      expect(kill.facts.anonRssBytes).toBeGreaterThan(32 << 20);
      expect(kill.evidence.length).toBeGreaterThan(5);
      expect(report.sources[0]).toMatchObject({ kind: 'dmesg', name: 'dmesg' });
    } finally {
      removeSoon(cg);
    }
  }, 30_000);

  it('leaves out kernel lines older than --since by their own time', async () => {
    const all = JSON.parse((await clw(['--dmesg', '--format', 'json', '--fail-on', 'never'])).stdout);
    const recent = JSON.parse((await clw(['--dmesg', '--since', '1s', '--format', 'json', '--fail-on', 'never'])).stdout);
    expect(recent.summary.events).toBeLessThanOrEqual(all.summary.events);
    for (const inc of recent.incidents) expect(Date.parse(inc.lastSeen)).toBeGreaterThan(Date.now() - 60_000);
  });

  it.skipIf(process.getuid?.() !== 0)('keeps a kernel line written just now inside the window', async () => {
    // Written to the real ring buffer (/dev/kmsg, root); the window allows for the kernel clock's
    // drift from the wall clock, which dmesg's ISO stamps carry.
    const pid = 900_000 + (process.pid % 90_000);
    writeFileSync('/dev/kmsg', `clw-worker[${pid}]: segfault at 0 ip 0000556b1c2d3e4f sp 00007ffd5a6b7c80 error 4 in clw-worker[556b1c2d0000+5000]\n`);
    const recent = JSON.parse((await clw(['--dmesg', '--since', '10s', '--format', 'json', '--fail-on', 'never'])).stdout);
    const crash = recent.incidents.find((i: { subjects: { pids: number[] } }) => i.subjects.pids.includes(pid));
    expect(crash).toMatchObject({ category: 'crash.segv' });
    for (const inc of recent.incidents) expect(Date.parse(inc.firstSeen)).toBeGreaterThan(Date.now() - 60_000);
  });

  it.skipIf(process.getuid?.() !== 0)('notes a refused ring buffer and still analyses the other inputs', async () => {
    const restrict = (await execa('cat', ['/proc/sys/kernel/dmesg_restrict'])).stdout.trim();
    if (restrict !== '1') await execa('sysctl', ['-qw', 'kernel.dmesg_restrict=1']);
    try {
      const log = `${process.cwd()}/samples/segfault-native-handler`;
      const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, log, '--dmesg', '--format', 'json'], { reject: false, env: CLI_ENV });
      expect(r.stderr).toMatch(/dmesg .*: (dmesg: )?read kernel buffer failed: Operation not permitted/);
      const report = JSON.parse(r.stdout);
      expect(report.incidents[0].category).toBe('crash.segv');
      expect(report.notes.join('\n')).toMatch(/Operation not permitted/);
    } finally {
      if (restrict !== '1') await execa('sysctl', ['-qw', `kernel.dmesg_restrict=${restrict}`]);
    }
  });

  it('says plainly when dmesg is not installed', async () => {
    const r = await clw(['--dmesg', '--format', 'json'], { env: { PATH: '/nonexistent' } });
    expect(r.stderr).toMatch(/dmesg: not installed/);
    expect(JSON.parse(r.stdout).sources[0].errors.join()).toMatch(/not installed/);
  });
});
