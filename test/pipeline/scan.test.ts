// The search thread must find exactly what the in-thread search finds. The worker loads compiled
// JavaScript, so this runs the built pipeline from dist/.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../e2e/cli.js';

const { scanSource } = await import('../../dist/pipeline/scan.js');
const { fileSource } = await import('../../dist/sources/file.js');
const { loadRules } = await import('../../dist/rules/loader.js');

describe('scanSource', () => {
  it('finds the same events with the search on a worker thread', async () => {
    const lines: string[] = [];
    let planted = 0;
    for (let i = 0; i < 60_000; i++) {
      lines.push(`2026-11-20T10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00Z clw-worker[pid=${100 + (i % 7)}]: INFO: task ${i} done in ${i % 900}ms`);
      planted += Number(i % 997 === 0) + Number(i % 1499 === 0);
      if (i % 997 === 0) lines.push(`2026-11-20T10:00:00Z clw-worker[pid=${i}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)`);
      if (i % 1499 === 0) lines.push('[clw-worker-oom] Worker worker-02 exceeded memory limit: 2147483648 bytes', '[clw] Memory utilization: 100.0% of 2048MB limit');
    }
    const file = join(tempDir(), 'w.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const { ruleSet } = loadRules('rules');
    const run = async (size: number) => {
      const events: { rule: string; line: number; lines: number }[] = [];
      const summary = await scanSource(fileSource(file), {
        rules: ruleSet, window: { since: null, until: null }, size,
        onEvent: (e: { rule: string; line: number; evidence: unknown[] }) => events.push({ rule: e.rule, line: e.line, lines: e.evidence.length }),
        onNote: () => {},
      });
      return { events, lines: summary.lines };
    };
    const inThread = await run(0);
    const threaded = await run(1 << 30);
    expect(inThread.events.length).toBe(planted);
    expect(threaded).toEqual(inThread);
  });
});
