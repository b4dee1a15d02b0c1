// Runs one source through the matcher: aligned chunks in, events out, a summary of what was read.
import type { DiagEvent, SourceSummary, TimeWindow } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { Matcher } from '../rules/matcher.js';
import { alignLines } from '../sources/lines.js';
import type { Source } from '../sources/source.js';

export interface ScanOptions {
  rules: CompiledRuleSet;
  window: TimeWindow;
  onEvent: (e: DiagEvent) => void;
  onNote: (note: string) => void;
  /** Bytes read so far of this source, for a progress bar. */
  onProgress?: (bytes: number) => void;
}

export async function scanSource(src: Source, opts: ScanOptions): Promise<SourceSummary> {
  const summary: SourceSummary = { kind: src.kind, name: src.name, lines: 0, bytes: 0, errors: [] };
  const matcher = new Matcher(opts.rules, {
    source: src.name,
    sourceKind: src.kind,
    window: opts.window,
    envelope: { kernelOnly: src.kernelOnly, bootTime: src.bootTime },
    live: src.kind === 'stdin',
    onEvent: opts.onEvent,
    onNote: (n) => { summary.errors.push(n); opts.onNote(n); },
  });
  // The over-long line was the last one handed to the matcher.
  const longLine = (bytes: number) => {
    const note = `${src.name}: line ${matcher.lines} is ${(bytes / 1024 ** 2).toFixed(1)} MiB long; only its first MiB was read`;
    summary.errors.push(note);
    opts.onNote(note);
  };
  try {
    for await (const chunk of alignLines(src.open(), { onLongLine: longLine })) {
      matcher.feed(chunk);
      opts.onProgress?.(matcher.bytes);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const msg = e.name === 'InputError' ? e.message : `${src.name}: ${e.code === 'Z_DATA_ERROR' ? 'corrupt gzip data' : e.message}`;
    summary.errors.push(msg);
    opts.onNote(msg);
  } finally {
    matcher.finish();
  }
  if (matcher.outsideWindow) opts.onNote(`${src.name}: ${matcher.outsideWindow} matching line${matcher.outsideWindow === 1 ? '' : 's'} outside the --since/--until window left out`);
  summary.lines = matcher.lines;
  summary.bytes = matcher.bytes;
  if (summary.bytes === 0 && !summary.errors.length) {
    const note = `${src.name}: empty`;
    summary.errors.push(note);
    opts.onNote(note);
  }
  return summary;
}
