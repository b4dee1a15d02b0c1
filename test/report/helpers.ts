// Reports for the renderers' tests: real ones, from the samples through the built CLI, and made-up
// ones for what the samples lack (crash frames, hostile text).
import { join, resolve } from 'node:path';
import { clw } from '../e2e/cli.js';
import { ReportSchema } from '../e2e/report-schema.js';
import type { Incident, Report } from '../../src/types.js';
import { emptySubjects } from '../../src/types.js';
import { report as baseReport } from './fixture.js';

export const NOW = { CLW_DIAG_NOW: '2026-11-23T00:00:00Z' };

/** A sample analysed as the samples test does, as a Report. */
export async function sampleReport(name: string, args: string[] = []): Promise<Report> {
  const r = await clw([join(resolve('samples'), name), '--format', 'json', ...args], { env: NOW });
  return ReportSchema.parse(JSON.parse(r.stdout)) as unknown as Report;
}

export function incident(over: Partial<Incident> = {}): Incident {
  return {
    rank: 1, id: 'i1', rule: 'r', category: 'crash.abort', code: null, title: 't', severity: 'critical', score: 0.5, count: 1,
    firstSeen: '2026-11-20T10:00:00.000Z', lastSeen: '2026-11-20T10:00:00.000Z', subjects: emptySubjects(), facts: {},
    evidence: [{ source: 'logs/worker.log', line: 7, time: null, text: 'FATAL: it broke', matched: true }],
    consequences: [], causedBy: null, crash: null, recommendations: [{ title: 'Fix it', steps: ['do this'], config: null }],
    ...over,
  };
}

/** fixture.ts's report, with one input (logs/worker.log) as of the samples' CLW_DIAG_NOW. */
export function report(incidents: Incident[], over: Partial<Report> = {}): Report {
  return baseReport(incidents, {
    generatedAt: '2026-11-23T00:00:00.000Z', sources: [{ kind: 'file', name: 'logs/worker.log', lines: 100, bytes: 4000, errors: [] }], ...over,
  });
}

/** A core's crash: libc's abort frames, then the handler that asserted. */
export const ABORT_CRASH: NonNullable<Incident['crash']> = {
  executable: '/opt/clw/bin/clw-worker', signal: 'SIGABRT', faultAddress: '', signature: '7b1699933b4b05b4',
  frames: [
    { function: '__pthread_kill_implementation', file: './nptl/pthread_kill.c', line: 44, library: '/usr/lib/x86_64-linux-gnu/libc.so.6' },
    { function: '__GI_abort', file: './stdlib/abort.c', line: 79, library: '/usr/lib/x86_64-linux-gnu/libc.so.6' },
    { function: 'check_budget', file: 'src/native/budget.c', line: 42, library: null },
    { function: 'main', file: 'src/native/main.c', line: 9, library: null },
  ],
  abortMessage: 'clw-worker: src/native/budget.c:42: check_budget: Assertion `left > 0\' failed.',
  cores: ['/var/lib/systemd/coredump/core.clw-worker.1000.1.4242'], threads: 1,
};
