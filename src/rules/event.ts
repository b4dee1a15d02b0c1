// Builds an event from the lines a rule matched: typed facts, subjects, title and evidence.
import type { DiagEvent, Evidence, Facts, LogRecord, Severity, SourceKind } from '../types.js';
import { emptySubjects, SEVERITY_ORDER } from '../types.js';
import type { CompiledRule } from './compile.js';
import { convertFact, signalFromExitCode } from './facts.js';
import { fillTemplate } from './template.js';
import { journalFacts } from './journal-facts.js';
import { levelSeverity } from '../records/levels.js';

const EVIDENCE_MAX = 400;

/** Adds typed facts from regex groups; existing facts are kept unless `overwrite`. */
export function addGroups(rule: CompiledRule, groups: Record<string, string | undefined> | undefined, facts: Facts, overwrite = false): void {
  if (!groups) return;
  for (const [name, text] of Object.entries(groups)) {
    if (text === undefined || text === '') continue;
    if (rule.unitGroups.has(name)) continue;
    const spec = rule.factSpecs.get(name) ?? { type: 'string' as const };
    const key = spec.as ?? name;
    if (!overwrite && facts[key] !== undefined) continue;
    const value = convertFact(text, spec, groups);
    if (value !== null) facts[key] = value;
  }
}

/** The line as read; a journal entry as the message with its unit and process, not its JSON. */
function evidenceText(rec: LogRecord): string {
  if (!rec.fields) return rec.raw;
  const who = `${rec.process ?? rec.fields.SYSLOG_IDENTIFIER ?? 'journal'}${rec.pid !== undefined ? `[${rec.pid}]` : ''}`;
  return `${rec.unit ? `${rec.unit} ` : ''}${who}: ${rec.text}`;
}

function evidenceOf(rec: LogRecord): Evidence {
  const raw = evidenceText(rec);
  const text = raw.length > EVIDENCE_MAX ? raw.slice(0, EVIDENCE_MAX) + '…' : raw;
  return { source: rec.source, line: rec.line, time: rec.time === null ? null : new Date(rec.time).toISOString(), text };
}

function push<T>(list: T[], value: T | undefined): void {
  if (value !== undefined && value !== null && value !== '' && !list.includes(value)) list.push(value);
}

/** The line's own level lowers a rule's severity, never raises it: the rule's is a ceiling. */
function severityOf(ruleSeverity: Severity, fromLevel: Severity | null): Severity {
  return fromLevel !== null && SEVERITY_ORDER[fromLevel] < SEVERITY_ORDER[ruleSeverity] ? fromLevel : ruleSeverity;
}

export function buildEvent(rule: CompiledRule, main: LogRecord, lines: LogRecord[], facts: Facts, sourceKind: SourceKind): DiagEvent {
  const r = rule.rule;
  Object.assign(facts, { ...r.set, ...facts });
  if (r.envelope) {
    if (facts.pid === undefined && main.pid !== undefined) facts.pid = main.pid;
    if (facts.process === undefined && main.process !== undefined && main.process !== 'kernel') facts.process = main.process;
  }
  // The worker a line's envelope names (a Heroku dyno) is the one the line speaks of, even when
  // the line comes from the platform rather than the worker.
  if (facts.worker === undefined && main.worker !== undefined) facts.worker = main.worker;
  for (const [k, v] of Object.entries(journalFacts(main.fields ?? {}, r.envelope))) if (facts[k] === undefined) facts[k] = v;
  if (facts.unit === undefined && main.unit) facts.unit = main.unit;
  if (typeof facts.exitCode === 'number' && facts.signal === undefined) {
    const sig = signalFromExitCode(facts.exitCode);
    if (sig) facts.signal = sig;
  }
  const subjects = emptySubjects();
  push(subjects.pids, typeof facts.pid === 'number' ? facts.pid : undefined);
  // A task's own pid (the forked child) is a subject too: the kernel names it, not the worker's.
  push(subjects.pids, typeof facts.taskPid === 'number' ? facts.taskPid : undefined);
  push(subjects.processes, typeof facts.process === 'string' ? facts.process : undefined);
  push(subjects.workers, typeof facts.worker === 'string' ? facts.worker : undefined);
  // A container is the worker's identity where the kernel and docker meet: its short id.
  push(subjects.workers, typeof facts.containerId === 'string' && /^[0-9a-f]{12,64}$/.test(facts.containerId) ? facts.containerId.slice(0, 12) : undefined);
  push(subjects.units, typeof facts.unit === 'string' ? facts.unit : undefined);
  push(subjects.hosts, typeof facts.host === 'string' ? facts.host : main.host);
  const byCount = r.categoryWhen.find((c) => typeof facts[c.fact] === 'number' && (facts[c.fact] as number) >= c.atLeast)?.category;
  const byFact = byCount ?? (r.categoryFrom ? r.categoryFrom.values[String(facts[r.categoryFrom.fact])] : undefined);
  return {
    rule: r.id,
    category: byFact ?? r.category,
    severity: severityOf(r.severity, r.severityFromLevel ? levelSeverity(main.level) : null),
    code: r.code,
    title: fillTemplate(r.title, facts),
    source: main.source,
    sourceKind,
    line: main.line,
    time: main.time,
    facts,
    subjects,
    evidence: lines.map((rec) => (rec === main ? { ...evidenceOf(rec), matched: true } : evidenceOf(rec))),
  };
}
