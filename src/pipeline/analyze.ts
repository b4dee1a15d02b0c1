// The whole analysis: every source scanned, events folded into incidents, the report built.
import type { DiagEvent, Report, SourceSummary, TimeWindow } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import type { NoteKind, Source } from '../sources/source.js';
import { Aggregator } from '../incidents/aggregator.js';
import { cloneDraft } from '../incidents/draft.js';
import type { LiveUpdate } from '../incidents/live.js';
import { buildReport, buildReportWithDrafts, type BuiltReport } from '../incidents/report.js';
import type { CoreOptions } from '../crash/core-analysis.js';
import { scanCores } from './cores.js';
import { LiveFeed } from './live-feed.js';
import { scanSource } from './scan.js';

export interface AnalyzeRequest {
  sources: Source[];
  rules: CompiledRuleSet;
  window: TimeWindow;
  top?: number;
  /** Problems found before scanning (a missing path): reported, and the rest analysed. */
  notes?: string[];
  /** Live input: called as an incident opens, escalates or gains an occurrence (--stream, --follow). */
  onLive?: (update: LiveUpdate) => void;
  onNote?: (note: string, kind?: NoteKind) => void;
  onProgress?: (source: Source, bytes: number) => void;
  /** Ends live sources. */
  signal?: AbortSignal;
  /** "Now" for year-less syslog stamps (default: the clock). */
  now?: number;
  /** Core dumps to read with gdb, and how. */
  cores?: string[];
  coreOptions?: CoreOptions;
}

/** Drafts kept open on live input; beyond this the longest-quiet are summarised. */
const LIVE_MAX_DRAFTS = 500;
/** Drafts kept per rule whatever the input: beyond this the least recent are summarised. */
const MAX_DRAFTS_PER_RULE = 1000;

export class Analysis {
  readonly aggregator: Aggregator;
  readonly summaries: SourceSummary[] = [];
  readonly notes: string[];
  /** Lines read so far, all sources together (for the status line). */
  lines = 0;
  /** Wall time of the last matched line. */
  lastEventAt: number | null = null;
  private readonly live: LiveFeed | null;
  private readonly linesOf = new Map<Source, number>();

  constructor(private readonly req: AnalyzeRequest) {
    const live = Boolean(req.onLive) && req.sources.some((s) => s.live);
    this.aggregator = new Aggregator(req.rules, { maxDraftsPerRule: MAX_DRAFTS_PER_RULE, ...(live ? { maxDrafts: LIVE_MAX_DRAFTS } : {}) });
    this.notes = [...(req.notes ?? [])];
    this.live = live ? new LiveFeed({ rules: req.rules, build: () => this.provisional(), onUpdate: req.onLive! }) : null;
  }

  private add(e: DiagEvent): void {
    const { draft, opened, escalated } = this.aggregator.add(e);
    this.lastEventAt = Date.now();
    this.live?.event(draft, e, opened || escalated);
  }

  /** Incidents announced live so far. */
  get liveIncidents(): number {
    return this.live?.incidents ?? 0;
  }

  /** The report as it stands, built from copies so the drafts keep gathering. */
  provisional(): BuiltReport {
    return buildReportWithDrafts({
      drafts: [...this.aggregator.drafts.values()].map(cloneDraft),
      rules: this.req.rules, sources: [], window: this.req.window, notes: [], fixes: false,
      events: this.aggregator.events, unitsOfPid: this.aggregator.unitsOfPid,
    });
  }

  async scan(src: Source): Promise<void> {
    const summary = await scanSource(src, {
      rules: this.req.rules,
      window: this.req.window,
      onEvent: (e) => this.add(e),
      onNote: (n, kind) => { this.notes.push(n); this.req.onNote?.(n, kind); },
      onProgress: (b, lines) => {
        this.lines += lines - (this.linesOf.get(src) ?? 0);
        this.linesOf.set(src, lines);
        this.req.onProgress?.(src, b);
      },
      size: src.size?.(),
      signal: this.req.signal,
      now: this.req.now,
    });
    this.summaries.push(summary);
  }

  report(): Report {
    this.live?.close();
    return buildReport({
      retired: [...this.aggregator.retired.values()],
      drafts: [...this.aggregator.drafts.values()],
      rules: this.req.rules,
      sources: this.summaries,
      window: this.req.window,
      notes: this.notes,
      events: this.aggregator.events,
      unitsOfPid: this.aggregator.unitsOfPid,
      top: this.req.top,
    });
  }

  async scanCores(): Promise<void> {
    if (!this.req.cores?.length) return;
    this.summaries.push(await scanCores(this.req.cores, {
      rules: this.req.rules, window: this.req.window, core: this.req.coreOptions ?? {},
      onEvent: (e) => this.add(e),
      onNote: (n, kind) => { this.notes.push(n); this.req.onNote?.(n, kind); },
    }));
  }

  /** Saved inputs one after another (their order is the report's), live ones side by side, cores
   *  alongside (gdb runs in other processes while the logs are scanned). */
  async scanAll(onScanned?: (src: Source) => void): Promise<void> {
    const cores = this.scanCores();
    const live = this.req.sources.filter((s) => s.live);
    const saved = this.req.sources.filter((s) => !s.live);
    const watching = live.map((s) => this.scan(s).then(() => onScanned?.(s)));
    for (const src of saved) {
      await this.scan(src);
      onScanned?.(src);
    }
    await Promise.all([...watching, cores]);
  }
}

export async function analyze(req: AnalyzeRequest): Promise<Report> {
  const analysis = new Analysis(req);
  await analysis.scanAll();
  return analysis.report();
}
