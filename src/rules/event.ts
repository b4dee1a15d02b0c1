// Builds an event from the lines a rule matched: typed facts, subjects, title and evidence.
import type { DiagEvent, Evidence, Facts, LogRecord, SourceKind } from '../types.js';
import { emptySubjects } from '../types.js';
import type { CompiledRule } from './compile.js';
import { convertFact, signalFromExitCode } from './facts.js';
import { fillTemplate } from './template.js';

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

function evidenceOf(rec: LogRecord): Evidence {
  const text = rec.raw.length > EVIDENCE_MAX ? rec.raw.slice(0, EVIDENCE_MAX) + '…' : rec.raw;
  return { source: rec.source, line: rec.line, time: rec.time === null ? null : new Date(rec.time).toISOString(), text };
}

function push<T>(list: T[], value: T | undefined): void {
  if (value !== undefined && value !== null && value !== '' && !list.includes(value)) list.push(value);
}

export function buildEvent(rule: CompiledRule, main: LogRecord, lines: LogRecord[], facts: Facts, sourceKind: SourceKind): DiagEvent {
  const r = rule.rule;
  Object.assign(facts, { ...r.set, ...facts });
  if (r.envelope) {
    if (facts.pid === undefined && main.pid !== undefined) facts.pid = main.pid;
    if (facts.process === undefined && main.process !== undefined && main.process !== 'kernel') facts.process = main.process;
  }
  if (facts.unit === undefined && main.unit) facts.unit = main.unit;
  if (typeof facts.exitCode === 'number' && facts.signal === undefined) {
    const sig = signalFromExitCode(facts.exitCode);
    if (sig) facts.signal = sig;
  }
  const subjects = emptySubjects();
  push(subjects.pids, typeof facts.pid === 'number' ? facts.pid : undefined);
  push(subjects.processes, typeof facts.process === 'string' ? facts.process : undefined);
  push(subjects.workers, typeof facts.worker === 'string' ? facts.worker : undefined);
  push(subjects.units, typeof facts.unit === 'string' ? facts.unit : undefined);
  push(subjects.hosts, typeof facts.host === 'string' ? facts.host : main.host);
  return {
    rule: r.id,
    category: r.category,
    severity: r.severity,
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
