// A log line (and a file name) carrying terminal control sequences: an OSC window title, a screen
// clear, an OSC 8 link, a C1 CSI. Whatever the format, the terminal gets them as visible escapes,
// never raw. NO_COLOR=1 (the CLI's test environment) means clw-diag adds no escape codes of its own,
// so any ESC on stdout or stderr came from the input.
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clw, tempDir } from './cli.js';
import { FORMATS } from '../../src/report/index.js';

// ESC, BEL, and the C1 controls (U+009B is a CSI on its own).
const RAW = /[\u001b\u0007\u0080-\u009f]/;
const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\\u009b31m';
const CRASH = `2026-11-20T10:00:01.250Z clw-worker[pid=812]: ${HOSTILE}FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`;

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The file name carries a sequence too: it is shown as the evidence's source.
const log = join(dir, 'worker\x1b[2J.log');
writeFileSync(log, CRASH);
const missing = join(dir, 'gone\x1b]0;title\x07.log');

function raw(s: string): string | null {
  const m = RAW.exec(s);
  return m ? JSON.stringify(s.slice(Math.max(0, m.index - 40), m.index + 20)) : null;
}

describe('control characters from logs', () => {
  it('reach the text report as escapes, and stderr as well', async () => {
    const r = await clw([log, missing]);
    expect(r.exitCode).toBe(2);
    expect(raw(r.stdout)).toBeNull();
    expect(raw(r.stderr)).toBeNull();
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07\\x1b[2J');
    expect(r.stdout).toContain('worker\\x1b[2J.log');
    expect(r.stderr).toContain('gone\\x1b]0;title\\x07.log');
    expect(r.stdout).toMatch(/crash\.segv/);
  });

  it.each(FORMATS.filter((f) => f !== 'text'))('leave no raw control character in --format %s', async (format) => {
    const r = await clw([log, '--format', format]);
    expect(r.exitCode).toBe(1);
    expect(raw(r.stdout)).toBeNull();
    expect(r.stdout.length).toBeGreaterThan(100);
  });

  it('leave none in GitHub annotations', async () => {
    const r = await clw([log, '--format', 'json', '--output', join(dir, 'report.json')], { env: { GITHUB_ACTIONS: 'true' } });
    expect(r.stdout).toMatch(/^::error /);
    expect(raw(r.stdout)).toBeNull();
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07');
  });

  it('leave none in the live lines of --stream', async () => {
    const r = await clw(['--stream'], { input: CRASH.repeat(3) });
    expect(r.stdout).toMatch(/CRITICAL +crash\.segv/);
    expect(raw(r.stdout)).toBeNull();
    expect(raw(r.stderr)).toBeNull();
  });
});
