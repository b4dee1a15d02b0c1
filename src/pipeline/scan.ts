// Runs one source through the matcher: aligned chunks in, events out, a summary of what was read.
import type { DiagEvent, SourceSummary, TimeWindow } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { Matcher } from '../rules/matcher.js';
import { alignLines } from '../sources/lines.js';
import type { NoteKind, Source } from '../sources/source.js';
import { SearchThread } from './search-thread.js';

/** On live input, how long a quiet stream waits before an open block counts as complete. */
const IDLE_MS = 40;
/** How long a block whose rule knows its last line waits for that line before it is taken as it is. */
const END_WAIT_MS = 3000;

/** Below this a worker thread costs more to start than it saves. */
const THREAD_MIN_BYTES = 16 << 20;

export interface ScanOptions {
  rules: CompiledRuleSet;
  window: TimeWindow;
  onEvent: (e: DiagEvent) => void;
  onNote: (note: string, kind?: NoteKind) => void;
  /** Bytes and lines read so far of this source, for a progress bar or status line. */
  onProgress?: (bytes: number, lines: number) => void;
  /** The source's size when known: large files are searched on a worker thread. */
  size?: number;
  /** Ends live sources (Ctrl-C, SIGTERM). */
  signal?: AbortSignal;
  /** "Now" for year-less syslog stamps. */
  now?: number;
}

export async function scanSource(src: Source, opts: ScanOptions): Promise<SourceSummary> {
  const summary: SourceSummary = { kind: src.kind, name: src.name, lines: 0, bytes: 0, errors: [] };
  const matcher = new Matcher(opts.rules, {
    source: src.name,
    sourceKind: src.kind,
    window: opts.window,
    envelope: { kernelOnly: src.kernelOnly, bootTime: src.bootTime, reference: opts.now },
    live: src.live,
    onEvent: opts.onEvent,
    onNote: (n) => { summary.errors.push(n); opts.onNote(n); },
  });
  const longLine = (line: number, bytes: number) => {
    const note = `${src.name}: line ${line} is ${(bytes / 1024 ** 2).toFixed(1)} MiB long; only its first MiB was read`;
    summary.errors.push(note);
    opts.onNote(note);
  };
  const thread = !src.live && (opts.size ?? 0) >= THREAD_MIN_BYTES ? new SearchThread(opts.rules.searchLiterals) : null;
  try {
    const note = (n: string, kind?: NoteKind) => { summary.errors.push(n); opts.onNote(n, kind); };
    const chunks = alignLines(src.open({ signal: opts.signal, note }), { onLongLine: longLine });
    if (thread) {
      for await (const { chunk, hits } of thread.pipeline(chunks)) {
        matcher.feed(chunk, hits);
        opts.onProgress?.(matcher.bytes, matcher.lines);
      }
    } else {
      let quiet: NodeJS.Timeout | undefined;
      for await (const chunk of chunks) {
        clearTimeout(quiet);
        matcher.feed(chunk);
        opts.onProgress?.(matcher.bytes, matcher.lines);
        // A block (a panic, an OOM report) ends with the next line, which may never come; one whose
        // rule knows its last line waits for it, up to END_WAIT_MS of quiet.
        if (src.live) {
          quiet = setTimeout(() => {
            if (!matcher.idle()) quiet = setTimeout(() => matcher.idle(true), END_WAIT_MS - IDLE_MS);
          }, IDLE_MS);
        }
      }
      clearTimeout(quiet);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const msg = e.name === 'InputError' ? e.message : `${src.name}: ${e.code === 'Z_DATA_ERROR' ? 'corrupt gzip data' : e.message}`;
    summary.errors.push(msg);
    // The input could not be read to its end: that is the user's input failing, not a finding.
    opts.onNote(msg, 'input-error');
  } finally {
    matcher.finish();
    await thread?.close();
  }
  if (matcher.outsideWindow) opts.onNote(`${src.name}: ${matcher.outsideWindow} matching line${matcher.outsideWindow === 1 ? '' : 's'} outside the --since/--until window left out`);
  summary.lines = matcher.lines;
  summary.bytes = matcher.bytes;
  if (summary.bytes === 0 && !summary.errors.length) {
    const note = src.kind === 'journal' && !src.size ? `${src.name}: no journal entries${opts.window.since !== null || opts.window.until !== null ? ' in the window' : ''} (journalctl found none; is systemd-journald writing a journal here?)` : `${src.name}: empty`;
    summary.errors.push(note);
    opts.onNote(note);
  }
  return summary;
}
