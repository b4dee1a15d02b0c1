// The contracts between stages. Every stage imports only earlier stages and this file.

export const CATEGORIES = [
  'crash.segv', 'crash.abort', 'crash.signal',
  'oom.killed', 'oom.runtime', 'oom.limit', 'leak.memory', 'gc.pause', 'swap.thrash',
  'timeout', 'hang', 'config.invalid', 'lib.load',
  'signal.sigpipe', 'signal.kill', 'resource.fd', 'restart.loop',
  'dispatch.unavailable', 'connection.drop',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SOURCE_KINDS = ['file', 'worker-log', 'dmesg', 'journal', 'stdin', 'cores'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Typed facts: numbers in bytes, milliseconds or seconds; strings otherwise. */
export type FactValue = string | number | boolean;
export type Facts = Record<string, FactValue>;

/** One line of input after its envelope (time, host, process, pid) is read off. */
export interface LogRecord {
  source: string;
  line: number;
  /** Milliseconds since the epoch, the line's own or inherited from the last line with one. */
  time: number | null;
  host?: string;
  process?: string;
  pid?: number;
  unit?: string;
  /** The line format (formats/*.json) or 'json' that read this line's head, when not the built-in
   *  shapes: its rules may need the whole line, head included. */
  format?: string;
  /** The worker a line comes from, where its envelope names one (a Heroku dyno). */
  worker?: string;
  level?: string;
  /** The message with its envelope removed. */
  text: string;
  /** The line as it was read. */
  raw: string;
  /** Structured fields, for sources that carry them (journald). */
  fields?: Record<string, string>;
}

export interface Evidence {
  source: string;
  line: number;
  time: string | null;
  text: string;
  /** Extension: the line the rule matched, as against the lines of its block. */
  matched?: boolean;
}

export interface Subjects {
  pids: number[];
  processes: string[];
  workers: string[];
  units: string[];
  hosts: string[];
}

/** What one rule found in one line (or one multi-line block). */
export interface DiagEvent {
  rule: string;
  category: Category;
  severity: Severity;
  code: string | null;
  title: string;
  source: string;
  sourceKind: SourceKind;
  line: number;
  time: number | null;
  facts: Facts;
  subjects: Subjects;
  evidence: Evidence[];
  crash?: CrashInfo;
}

export interface Frame {
  function: string;
  file: string | null;
  line: number | null;
  library: string | null;
}

export interface CrashInfo {
  executable: string;
  signal: string;
  faultAddress: string;
  signature: string;
  frames: Frame[];
  abortMessage: string | null;
  cores: string[];
  threads: number;
}

export interface Recommendation {
  title: string;
  steps: string[];
  config: string | null;
}

export interface ConsequenceRef {
  id: string;
  category: Category;
  title: string;
  count: number;
}

export interface Incident {
  rank: number;
  id: string;
  rule: string;
  category: Category;
  code: string | null;
  title: string;
  severity: Severity;
  score: number;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  subjects: Subjects;
  facts: Facts;
  evidence: Evidence[];
  consequences: ConsequenceRef[];
  /** Extension: the id of the root cause this incident is a consequence of. */
  causedBy: string | null;
  crash: CrashInfo | null;
  recommendations: Recommendation[];
}

export interface SourceSummary {
  kind: SourceKind;
  name: string;
  lines: number;
  bytes: number;
  errors: string[];
}

export interface Report {
  schemaVersion: 1;
  generatedAt: string;
  window: { since: string | null; until: string | null };
  sources: SourceSummary[];
  incidents: Incident[];
  summary: {
    incidents: number;
    events: number;
    bySeverity: Partial<Record<Severity, number>>;
    byCategory: Partial<Record<Category, number>>;
  };
  notes: string[];
}

/** A time window in epoch milliseconds; null ends are open. */
export interface TimeWindow {
  since: number | null;
  until: number | null;
}

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 3, error: 2, warning: 1, info: 0 };

/** An incident of this severity fails the run under --fail-on (the README's exit codes). */
export function failsRun(severity: Severity, failOn: Severity | 'never'): boolean {
  return failOn !== 'never' && SEVERITY_ORDER[severity] >= SEVERITY_ORDER[failOn];
}

export function emptySubjects(): Subjects {
  return { pids: [], processes: [], workers: [], units: [], hosts: [] };
}
