// Builds the Report (the README's "The JSON report") from the drafts: trends evaluated, sightings joined, causes
// ranked, facts and fixes filled in.
import { createHash } from 'node:crypto';
import type { Category, Incident, Report, Severity, SourceSummary, TimeWindow } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { fillTemplate } from '../rules/template.js';
import type { RetiredSummary } from './aggregator.js';
import { evidenceOf, type Draft } from './draft.js';
import { joinDrafts, linkUnits } from './join.js';
import { rankDrafts, type Ranked } from './rank.js';
import { recommend } from './recommend.js';
import { evaluateTrend } from './trend.js';

export interface ReportInput {
  drafts: Draft[];
  rules: CompiledRuleSet;
  sources: SourceSummary[];
  window: TimeWindow;
  notes: string[];
  events: number;
  unitsOfPid?: Map<number, Set<string>>;
  top?: number;
  now?: Date;
  /** false: leave the fixes out (live updates, built every second, do not print them). */
  fixes?: boolean;
  /** Drafts retired to keep a long live run's memory flat: said in a note. */
  retired?: RetiredSummary[];
}

/** The report, and the draft behind each incident (with the keys of the drafts joined into it). */
export interface BuiltReport {
  report: Report;
  draftOf: Map<string, Draft>;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Trend drafts become leak incidents when the value grows steadily, and vanish when it does not. */
function applyTrends(drafts: Draft[], rules: CompiledRuleSet): Draft[] {
  return drafts.filter((d) => {
    const rule = rules.byId.get(d.rule)?.rule;
    if (!rule?.trend) return true;
    const th = (name: string, fallback: number) => rules.thresholds.get(name)?.value ?? fallback;
    const spec = {
      ...rule.trend,
      minPoints: rule.trend.minPoints ?? th('leak_min_points', 6),
      minGrowthPct: rule.trend.minGrowthPct ?? th('leak_growth_pct', 20),
    };
    const found = evaluateTrend(d.samples, spec, d.facts);
    if (!found) return false;
    Object.assign(d.facts, found.facts);
    d.severity = found.severity;
    return true;
  });
}

/** From the earliest sighting joined in, not the one that names it: a kernel OOM kill that joins
 *  an exit 137 already announced live leaves the incident's id as it was. */
export function incidentId(d: Draft): string {
  return createHash('sha1').update(`${d.origin.rule}|${d.origin.key}`).digest('hex').slice(0, 10);
}

/** Filled again from all the facts gathered, not only the first event's. */
function titleOf(d: Draft, rules: CompiledRuleSet): string {
  const rule = rules.byId.get(d.rule)?.rule;
  if (!rule) return d.title;
  // Six crashes of six pids: the title names the first and says there were more.
  const pids = d.subjects.pids;
  const facts = pids.length > 1 && d.facts.pid !== undefined ? { ...d.facts, pid: `${d.facts.pid} and ${pids.length - 1} more` } : d.facts;
  return fillTemplate(rule.title, facts) + outlierNote(d, rule.threshold?.name, rules);
}

/** A value under its threshold is reported only as an outlier: the title says against what. */
function outlierNote(d: Draft, threshold: string | undefined, rules: CompiledRuleSet): string {
  const { outlierX, typicalValue } = d.facts;
  if (typeof outlierX !== 'number' || typeof typicalValue !== 'number' || !threshold) return '';
  return ` (${outlierX}x this log's median of ${typicalValue} ${rules.thresholds.get(threshold)?.unit ?? ''})`.replace(' )', ')');
}

function toIncident(r: Ranked, rank: number, rules: CompiledRuleSet, fixes = true): Incident {
  const d = r.draft;
  const rule = rules.byId.get(d.rule)!.rule;
  return {
    rank, id: incidentId(d), rule: d.rule, category: d.category, code: d.code, title: titleOf(d, rules),
    severity: d.severity, score: r.score, count: d.count,
    firstSeen: iso(d.firstSeen), lastSeen: iso(d.lastSeen),
    subjects: d.subjects, facts: d.facts, evidence: evidenceOf(d),
    consequences: r.descendants.map((c) => ({ id: incidentId(c.draft), category: c.draft.category, title: titleOf(c.draft, rules), count: c.draft.count })),
    causedBy: null,
    crash: d.crash,
    recommendations: fixes ? recommend(rule, d.facts) : [],
  };
}

export function buildReport(input: ReportInput): Report {
  return buildReportWithDrafts(input).report;
}

function retiredNote(retired: RetiredSummary[]): string | null {
  if (!retired.length) return null;
  const drafts = retired.reduce((n, r) => n + r.drafts, 0);
  const parts = [...retired].sort((a, b) => b.events - a.events).slice(0, 5)
    .map((r) => `${r.category} (${r.rule}) ${r.drafts} incident${r.drafts === 1 ? '' : 's'}, ${r.events} event${r.events === 1 ? '' : 's'}${r.lastSeen !== null ? `, last ${iso(r.lastSeen)}` : ''}`);
  return `${drafts} incident${drafts === 1 ? '' : 's'} quiet longest were summarised to keep memory bounded (counted in the summary, not listed): ${parts.join('; ')}${retired.length > 5 ? `; and ${retired.length - 5} more kinds` : ''}`;
}

export function buildReportWithDrafts(input: ReportInput): BuiltReport {
  const trended = applyTrends(input.drafts, input.rules);
  if (input.unitsOfPid) linkUnits(trended, input.unitsOfPid);
  const joined = joinDrafts(trended, input.rules).filter((d) => !input.rules.byId.get(d.rule)?.rule.evidenceOnly);
  const ranked = rankDrafts(joined, input.rules);
  let incidents = ranked.map((r, i) => toIncident(r, i + 1, input.rules, input.fixes));
  const idOf = new Map(ranked.map((r, i) => [r, incidents[i].id]));
  const draftOf = new Map(ranked.map((r, i) => [incidents[i].id, r.draft]));
  ranked.forEach((r, i) => { incidents[i].causedBy = r.parent ? idOf.get(r.parent) ?? null : null; });
  const bySeverity: Partial<Record<Severity, number>> = {};
  const byCategory: Partial<Record<Category, number>> = {};
  for (const inc of incidents) bySeverity[inc.severity] = (bySeverity[inc.severity] ?? 0) + 1;
  // events: every matched line, heartbeats that showed no trend included; byCategory: the events
  // behind the incidents reported, by the category of the incident that holds them.
  for (const r of ranked) {
    for (const [cat, n] of r.draft.eventsByCategory) byCategory[cat] = (byCategory[cat] ?? 0) + n;
  }
  // Summarised incidents still count: in the totals, not as incidents of their own.
  for (const r of input.retired ?? []) byCategory[r.category] = (byCategory[r.category] ?? 0) + r.events;
  const retiredCount = (input.retired ?? []).reduce((n, r) => n + r.drafts, 0);
  const events = input.events;
  const notes = [...input.notes];
  const retired = retiredNote(input.retired ?? []);
  if (retired) notes.push(retired);
  if (input.top !== undefined && incidents.length > input.top) {
    notes.push(`${incidents.length - input.top} more incidents not shown (--top ${input.top})`);
    incidents = incidents.slice(0, input.top);
  }
  const report: Report = {
    schemaVersion: 1,
    generatedAt: (input.now ?? new Date()).toISOString(),
    window: { since: iso(input.window.since), until: iso(input.window.until) },
    sources: input.sources,
    incidents,
    summary: { incidents: ranked.length + retiredCount, events, bySeverity, byCategory },
    notes,
  };
  return { report, draftOf };
}
