// Scans chunks of a source for rule matches. The hot path touches bytes, not lines: the prefilter
// finds candidate lines in the raw bytes; only those are decoded, given an envelope and run through
// the rules' regexes.
import type { DiagEvent, Facts, LogRecord, SourceKind, TimeWindow } from '../types.js';
import { parseEnvelope, type EnvelopeOptions } from '../records/envelope.js';
import type { CompiledRule, CompiledRuleSet, CompiledSide } from './compile.js';
import { addGroups, buildEvent } from './event.js';
import { OutlierTracker } from './outliers.js';

export interface MatcherOptions {
  source: string;
  sourceKind: SourceKind;
  window?: TimeWindow;
  envelope?: EnvelopeOptions;
  /** Lines longer than this are matched on their first part only. */
  maxLineLength?: number;
  /** Hand over each event as soon as its chunk is read (standard input), instead of holding back
   *  the last few lines' events in case a later block walks back over them. */
  live?: boolean;
  onEvent: (event: DiagEvent) => void;
  onNote?: (note: string) => void;
}

interface OpenBlock {
  rule: CompiledRule;
  main: LogRecord;
  lines: LogRecord[];
  facts: Facts;
}

const TIME_LOOKBACK_LINES = 200;
const TAIL_LINES = 120;

export class Matcher {
  lines = 0;
  bytes = 0;
  /** Matches dropped because their time fell outside the window. */
  outsideWindow = 0;
  /** Facts of the document being read, set by context rules. */
  readonly context: Facts = {};
  private lastTime: number | null = null;
  private block: OpenBlock | null = null;
  private tail: string[] = [];
  private pending: DiagEvent[] = [];
  private warnedUtf8 = false;
  private buf: Buffer = Buffer.alloc(0);
  private countedTo = 0;
  private lineNo = 1;
  private readonly outliers: OutlierTracker;

  /** How far back a block can walk: events this close to the end of a chunk wait for the next. */
  private readonly holdBack: number;

  constructor(private readonly rules: CompiledRuleSet, private readonly opts: MatcherOptions) {
    this.holdBack = opts.live ? 0 : Math.max(0, ...rules.rules.map((r) => r.before?.max ?? 0));
    this.outliers = new OutlierTracker(rules.thresholds);
  }

  /** `chunk` holds whole lines; only the last chunk of a source may end without a newline. */
  /** `hits`: the chunk's candidate lines, when the search already ran elsewhere (a worker thread). */
  feed(chunk: Buffer, hits?: Int32Array): void {
    this.bytes += chunk.length;
    let next = 0;
    this.buf = chunk;
    this.countedTo = 0;
    const len = chunk.length;
    const startLine = this.lineNo;
    let pos = 0;
    while (pos < len) {
      if (this.block) {
        pos = this.continueBlock(pos);
        continue;
      }
      let hit: number;
      if (hits) {
        while (next < hits.length && hits[next] < pos) next++;
        hit = next < hits.length ? hits[next] : -1;
      } else {
        hit = this.rules.prefilter.find(chunk, pos, len);
      }
      if (hit < 0) break;
      const lineStart = hit === 0 ? 0 : chunk.lastIndexOf(10, hit - 1) + 1;
      const lineEnd = this.lineEndAt(hit);
      this.matchLine(lineStart, lineEnd);
      pos = lineEnd + 1;
    }
    this.advanceTo(len);
    const endsWithNewline = chunk[len - 1] === 10;
    this.lines += this.lineNo - startLine + (endsWithNewline || len === 0 ? 0 : 1);
    if (!endsWithNewline && len) this.lineNo++;
    this.rememberTail();
    this.flush(this.lineNo - this.holdBack);
  }

  /** Live input went quiet: a block still open is complete, as far as anyone watching can tell,
   *  unless its rule knows the line that ends it (the kernel's OOM report ends with the kill) and
   *  `force` is not set: a slow pipe must not cut such a block in two. Returns false while it waits. */
  idle(force = false): boolean {
    if (this.block && !force && this.block.rule.after?.end) {
      this.flush(this.block.lines[0].line);
      return false;
    }
    if (this.block) this.closeBlock();
    this.flush(Infinity);
    return true;
  }

  /** End of input: close an open block and hand over what is pending. */
  finish(): void {
    if (this.block) this.closeBlock();
    this.pending.push(...this.outliers.outliers(this.rules.byId));
    this.flush(Infinity);
  }

  private lineEndAt(index: number): number {
    const e = this.buf.indexOf(10, index);
    return e < 0 ? this.buf.length : e;
  }

  /** Counts newlines up to `pos`, a line start, so `lineNo` is that line's number. */
  private advanceTo(pos: number): void {
    // Latin1 decoding keeps byte offsets, and the buffer search is the faster one.
    const buf = this.buf;
    let i = buf.indexOf(10, this.countedTo);
    while (i !== -1 && i < pos) {
      this.lineNo++;
      i = buf.indexOf(10, i + 1);
    }
    this.countedTo = Math.max(this.countedTo, pos);
  }

  private decode(lineStart: number, lineEnd: number): string {
    const max = this.opts.maxLineLength ?? 65_536;
    let end = Math.min(lineEnd, lineStart + max);
    if (end > lineStart && this.buf[end - 1] === 13) end--;
    return this.buf.toString('utf8', lineStart, end);
  }

  /** A line read as a record, from the chunk or from the lines kept from the chunk before: said once
   *  when it is not valid UTF-8, with its own number, wherever the chunks were cut. */
  private record(raw: string, line: number): LogRecord {
    if (!this.warnedUtf8 && raw.includes('\uFFFD')) {
      this.warnedUtf8 = true;
      this.opts.onNote?.(`${this.opts.source}: line ${line} is not valid UTF-8; shown with replacement characters`);
    }
    return parseEnvelope(raw, this.opts.source, line, this.opts.envelope);
  }

  /** The rules a candidate line may match: those needing a literal that occurs in it, in order. */
  private candidates(lineStart: number, lineEnd: number): CompiledRule[] {
    const found = this.rules.prefilter.findAll(this.buf, lineStart, lineEnd);
    if (found.size === 1) return this.rules.rulesOfLiteral[found.values().next().value as number];
    const set = new Set<CompiledRule>();
    for (const index of found) for (const r of this.rules.rulesOfLiteral[index]) set.add(r);
    return this.rules.rules.filter((r) => set.has(r));
  }

  private matchLine(lineStart: number, lineEnd: number): void {
    this.advanceTo(lineStart);
    const rules = this.candidates(lineStart, lineEnd);
    if (!rules.length) return;
    const rec = this.record(this.decode(lineStart, lineEnd), this.lineNo);
    for (const rule of rules) {
      // A rule written against the whole line (a program's own head included) still matches
      // when a line format (not the built-in shapes) has taken that head off.
      const m = this.firstMatch(rule, rec.text) ?? (rec.format !== undefined ? this.firstMatch(rule, rec.raw) : null);
      if (!m) continue;
      if (rec.time === null) rec.time = this.inheritedTime(lineStart);
      const facts: Facts = {};
      addGroups(rule, m.groups, facts);
      const block: OpenBlock = { rule, main: rec, lines: [rec], facts };
      if (rule.before) this.collectBefore(block, rule.before, lineStart);
      this.block = block;
      if (!rule.after) this.closeBlock();
      return;
    }
  }

  private firstMatch(rule: CompiledRule, text: string): RegExpExecArray | null {
    for (const re of rule.regexes) {
      const m = re.exec(text);
      if (m) return rule.excludes.some((x) => x.test(text)) ? null : m;
    }
    return null;
  }

  /** Reads the lines of an open block one by one; returns where fast scanning resumes. */
  private continueBlock(pos: number): number {
    const block = this.block!;
    const side = block.rule.after!;
    while (pos < this.buf.length) {
      const lineEnd = this.lineEndAt(pos);
      this.advanceTo(pos);
      const rec = this.record(this.decode(pos, lineEnd), this.lineNo);
      if (!this.continues(block, side, rec)) {
        this.closeBlock();
        return pos;
      }
      if (rec.time === null) rec.time = block.lines[block.lines.length - 1].time;
      block.lines.push(rec);
      pos = lineEnd + 1;
      if (side.end?.test(rec.text) || block.lines.length > side.max) {
        this.advanceTo(Math.min(pos, this.buf.length));
        this.closeBlock();
        return pos;
      }
    }
    return pos;
  }

  private continues(block: OpenBlock, side: CompiledSide, rec: LogRecord): boolean {
    // A line with no envelope of its own (dmesg's untimed Mem-Info lines) belongs to the one before.
    if (side.sameProcess && rec.process !== undefined && rec.process !== block.main.process) return false;
    return side.continue.test(rec.text);
  }

  /** Walks back from the matched line to take in the lines that lead up to it. */
  private collectBefore(block: OpenBlock, side: CompiledSide, lineStart: number): void {
    const earlier: LogRecord[] = [];
    let line = block.main.line;
    for (const raw of this.previousLines(lineStart, side.max)) {
      const rec = this.record(raw, --line);
      if (side.sameProcess && rec.process !== block.main.process) break;
      const isStart = side.start?.test(rec.text) ?? false;
      if (!isStart && !side.continue.test(rec.text)) break;
      earlier.unshift(rec);
      if (isStart) break;
    }
    if (!earlier.length) return;
    const first = earlier[0].line;
    // Those lines are this event's evidence now, not events of their own.
    this.pending = this.pending.filter((e) => e.source !== this.opts.source || e.line < first || e.line >= block.main.line);
    block.lines.unshift(...earlier);
  }

  private *previousLines(lineStart: number, max: number): Generator<string> {
    let end = lineStart - 1;
    let n = 0;
    while (end >= 0 && n < max) {
      const start = end === 0 ? 0 : this.buf.lastIndexOf(10, end - 1) + 1;
      yield this.decode(start, end);
      n++;
      end = start - 1;
    }
    for (let i = this.tail.length - 1; i >= 0 && n < max; i--, n++) yield this.tail[i];
  }

  private inheritedTime(lineStart: number): number | null {
    let line = this.lineNo;
    for (const raw of this.previousLines(lineStart, TIME_LOOKBACK_LINES)) {
      const t = this.record(raw, --line).time;
      if (t !== null) return t;
    }
    return this.lastTime;
  }

  private closeBlock(): void {
    const block = this.block!;
    this.block = null;
    const { rule, facts } = block;
    for (const { re, last } of rule.extract) {
      const lines = last ? [...block.lines].reverse() : block.lines;
      const found: Facts = {};
      for (const rec of lines) addGroups(rule, re.exec(rec.text)?.groups, found);
      for (const [k, v] of Object.entries(found)) if (facts[k] === undefined) facts[k] = v;
    }
    if (rule.rule.context) {
      Object.assign(this.context, facts);
      return;
    }
    for (const [k, v] of Object.entries(this.context)) if (facts[k] === undefined) facts[k] = v;
    const event = buildEvent(rule, block.main, block.lines, facts, this.opts.sourceKind);
    const w = this.opts.window;
    if (w && event.time !== null && ((w.since !== null && event.time < w.since) || (w.until !== null && event.time > w.until))) {
      this.outsideWindow++;
      return;
    }
    if (!this.outliers.admit(rule, event)) return;
    this.pending.push(event);
  }

  /** Keeps the last lines of the chunk, for blocks that walk back and times inherited across chunks. */
  private rememberTail(): void {
    const buf = this.buf;
    let end = buf.length;
    if (buf[end - 1] === 10) end--;
    const lines: string[] = [];
    while (end > 0 && lines.length < TAIL_LINES) {
      const start = buf.lastIndexOf(10, end - 1) + 1;
      lines.unshift(buf.toString('utf8', start, Math.min(end, start + 4096)));
      end = start - 1;
    }
    this.tail = [...this.tail, ...lines].slice(-TAIL_LINES);
    for (let i = this.tail.length - 1; i >= Math.max(0, this.tail.length - TIME_LOOKBACK_LINES); i--) {
      const t = parseEnvelope(this.tail[i], this.opts.source, 0, this.opts.envelope).time;
      if (t !== null) { this.lastTime = t; break; }
    }
  }

  /** Hands over pending events from lines before `beforeLine`. */
  private flush(beforeLine: number): void {
    const out = this.pending.filter((e) => e.line < beforeLine);
    this.pending = this.pending.filter((e) => e.line >= beforeLine);
    for (const e of out) this.opts.onEvent(e);
  }
}
