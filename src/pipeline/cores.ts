// Core dumps into the pipeline: each analysed core becomes one crash event (a summary line, with the
// backtrace attached), which the `core-dump` rule gives its category, joins and fix.
import type { DiagEvent, Facts, LogRecord, SourceSummary, TimeWindow } from '../types.js';
import { rmSync } from 'node:fs';
import { analyzeCores, type UnpackedCore } from '../crash/analyze-core.js';
import { atExit } from '../crash/at-exit.js';
import type { CoreAnalysis, CoreOptions } from '../crash/core-analysis.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { addGroups, buildEvent } from '../rules/event.js';
import { coreFolder, isCompressedCore, unpackCore } from '../sources/cores.js';
import type { NoteKind } from '../sources/source.js';

const KIND_TEXT: Record<string, string> = {
  'null-dereference': 'NULL dereference', 'stack-overflow': 'stack overflow', assertion: 'failed assertion', abort: 'abort',
};

export function coreSummary(a: CoreAnalysis): string {
  const c = a.crash!;
  // The first frame that is not raise, abort or libc: the code that went wrong.
  const top = a.topFrame ?? c.frames[0];
  const where = top?.file ? ` at ${top.file}:${top.line ?? 0}` : '';
  return `core dump ${a.core} of ${a.process ?? (c.executable.split('/').pop() || '?')} (pid ${a.pid ?? 0}): ${c.signal}`
    + `${/^0x[0-9a-f]+$/.test(c.faultAddress) ? ` at ${c.faultAddress}` : ''}${top ? ` in ${top.function}` : ''}${where}`;
}

export function coreEvent(a: CoreAnalysis, rules: CompiledRuleSet): DiagEvent | null {
  const rule = rules.byId.get('core-dump');
  if (!rule || !a.crash) return null;
  const text = coreSummary(a);
  const rec: LogRecord = { source: a.core, line: 1, time: a.time, text, raw: text };
  const facts: Facts = {};
  addGroups(rule, rule.regexes[0].exec(text)?.groups, facts);
  const c = a.crash;
  Object.assign(facts, {
    executable: c.executable, signature: c.signature, threads: c.threads, corePath: a.core,
    ...((a.topFrame ?? c.frames[0])?.library ? { library: (a.topFrame ?? c.frames[0])!.library! } : {}),
    ...(c.abortMessage ? { abortMessage: c.abortMessage } : {}),
    ...(a.kind && KIND_TEXT[a.kind] ? { crashKind: KIND_TEXT[a.kind] } : {}),
    ...(a.kind === 'null-dereference' ? { nullDereference: c.faultAddress } : {}),
    ...(a.kind === 'stack-overflow' ? { stackOverflow: 'yes' } : {}),
  });
  const event = buildEvent(rule, rec, [rec], facts, 'cores');
  event.crash = { ...c, cores: [a.core] };
  return event;
}

export interface CoreScan {
  rules: CompiledRuleSet;
  window: TimeWindow;
  core: CoreOptions;
  onEvent: (e: DiagEvent) => void;
  onNote: (note: string, kind?: NoteKind) => void;
}

/** Runs `fn` with a private folder for unpacked cores when `needed`, removed afterwards however
 *  the run ends (an error, process.exit, a fatal signal). */
async function withCoreFolder<T>(needed: boolean, fn: (dir: string | null) => Promise<T>): Promise<T> {
  if (!needed) return fn(null);
  const dir = coreFolder();
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const drop = atExit(remove);
  try {
    return await fn(dir);
  } finally {
    drop();
    remove();
  }
}

export async function scanCores(paths: string[], opts: CoreScan): Promise<SourceSummary> {
  const summary: SourceSummary = { kind: 'cores', name: paths.length === 1 ? paths[0] : `${paths.length} cores`, lines: 0, bytes: 0, errors: [] };
  const note = (n: string, kind?: NoteKind) => { summary.errors.push(n); opts.onNote(n, kind); };
  const analyses = await withCoreFolder(paths.some(isCompressedCore), async (dir) => {
    const unpacked: (string | UnpackedCore)[] = [];
    for (const p of paths) {
      const notes: string[] = [];
      const file = dir ? await unpackCore(p, dir, notes) : p;
      for (const n of notes) note(n);
      if (file) unpacked.push(file === p ? p : { file, origin: p });
    }
    return analyzeCores(unpacked, opts.core);
  });
  const said = new Set<string>();
  for (const a of analyses) {
    summary.lines++;
    // A note about the machine (no gdb) is the same for every core: say it once.
    for (const n of a.notes) {
      if (!said.has(n)) note(n, a.unreadable ? 'input-error' : undefined);
      said.add(n);
    }
    const { until } = opts.window;
    if (until !== null && a.time > until) continue;
    const event = coreEvent(a, opts.rules);
    if (event) opts.onEvent(event);
  }
  return summary;
}
