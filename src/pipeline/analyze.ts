// The whole analysis: every source scanned, events folded into incidents, the report built.
import type { Report, SourceSummary, TimeWindow } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import type { NoteKind, Source } from '../sources/source.js';
import { Aggregator } from '../incidents/aggregator.js';
import type { Draft } from '../incidents/draft.js';
import { buildReport } from '../incidents/report.js';
import type { CoreOptions } from '../crash/core-analysis.js';
import { scanCores } from './cores.js';
import { scanSource } from './scan.js';

export interface AnalyzeRequest {
  sources: Source[];
  rules: CompiledRuleSet;
  window: TimeWindow;
  top?: number;
  /** Problems found before scanning (a missing path): reported, and the rest analysed. */
  notes?: string[];
  /** Called as an incident opens or grows more severe (for --stream). */
  onIncident?: (draft: Draft, change: 'opened' | 'escalated') => void;
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

export class Analysis {
  readonly aggregator: Aggregator;
  readonly summaries: SourceSummary[] = [];
  readonly notes: string[];

  constructor(private readonly req: AnalyzeRequest) {
    this.aggregator = new Aggregator(req.rules);
    this.notes = [...(req.notes ?? [])];
  }

  async scan(src: Source): Promise<void> {
    const summary = await scanSource(src, {
      rules: this.req.rules,
      window: this.req.window,
      onEvent: (e) => {
        const { draft, opened, escalated } = this.aggregator.add(e);
        if (opened) this.req.onIncident?.(draft, 'opened');
        else if (escalated) this.req.onIncident?.(draft, 'escalated');
      },
      onNote: (n, kind) => { this.notes.push(n); this.req.onNote?.(n, kind); },
      onProgress: (b) => this.req.onProgress?.(src, b),
      size: src.size?.(),
      signal: this.req.signal,
      now: this.req.now,
    });
    this.summaries.push(summary);
  }

  report(): Report {
    return buildReport({
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
      onEvent: (e) => {
        const { draft, opened } = this.aggregator.add(e);
        if (opened) this.req.onIncident?.(draft, 'opened');
      },
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
