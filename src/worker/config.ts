// worker.toml: parsed with smol-toml, validated with zod. Every refusal becomes ONE message in the
// form the clw-init-* rules of rules/openclaw-codes.yaml read: "invalid config PATH: FIELD PROBLEM (got X)".
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { editDistance } from '../text/edit-distance.js';

const WorkerSection = z
  .object({
    id: z.string().regex(/^[\w.-]+$/).default('worker-01'),
    queue: z.string().min(1).default('queue'),
    log_file: z.string().min(1).default('worker.log'),
    core_dir: z.string().min(1).default('cores'),
    max_restarts: z.number().int().nonnegative().default(5),
    restart_backoff_ms: z.number().int().nonnegative().default(1000),
    grace_period_sec: z.number().nonnegative().default(30),
    heartbeat_sec: z.number().positive().default(30),
    // where task children's stdout and stderr go (appended), as journald would keep a unit's
    // output; unset: the worker's own stderr
    stderr_file: z.string().min(1).optional(),
    // 0: never recycle the worker
    max_tasks_per_worker: z.number().int().nonnegative().default(0),
  })
  .strict();

const TaskSection = z
  .object({
    max_memory_gb: z.number().positive().default(4),
    timeout_sec: z.number().positive().default(300),
    concurrency: z.number().int().positive().default(4),
    enable_core_dumps: z.boolean().default(false),
    // task plugins (*.so, *.so.N exporting clw_handle_<name>), loaded at start; must exist when set
    plugin_dir: z.string().min(1).optional(),
    // "fork": each task runs in a child of its own; "none": plugin handlers run inside the worker
    // process, so one that crashes takes the worker (and its other tasks) down
    isolation: z.enum(['fork', 'none']).default('fork'),
    // true: each task child runs in its own memory cgroup limited to max_memory_gb, so the kernel
    // OOM killer enforces it (root only; the RSS watchdog takes over when none can be made).
    memory_cgroup: z.boolean().default(false),
    // a task whose CPU time stands still this long is logged as hung, with the syscall it sits in
    hang_sec: z.number().positive().default(120),
    // RLIMIT_NOFILE (soft and hard) of each task child; unset: the worker's. Node needs ~20 to start.
    max_open_files: z.number().int().min(32).optional(),
    // the V8 old-space limit of each task child (--max-old-space-size), in MiB; unset: Node's default
    heap_mb: z.number().int().positive().optional(),
    // a task child logs each GC pause it measures over this (clw-gc-pause)
    gc_pause_warn_ms: z.number().positive().default(500),
  })
  .strict();

const ConfigSchema = z
  .object({ worker: WorkerSection.default({}), task: TaskSection.default({}) })
  .strict();

export type WorkerConfig = z.infer<typeof ConfigSchema> & { path: string };

/** A config clw-worker refuses; `message` is the text after "clw-init-fail: ". */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** log_file when the file parsed far enough to name one, so the refusal lands in the log too */
    readonly logFile: string | null,
  ) {
    super(message);
  }
}

const KNOWN: string[] = [
  ...Object.keys(WorkerSection.shape).map((k) => `worker.${k}`),
  ...Object.keys(TaskSection.shape).map((k) => `task.${k}`),
];

function suggest(field: string): string {
  const key = field.split('.').pop() ?? field;
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of KNOWN) {
    const d = Math.min(editDistance(field, k), editDistance(key, k.split('.')[1]) + 1);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best && bestD <= 3 ? ` (did you mean ${best}?)` : '';
}

// The rules cut "(got X)" at the first ')', so a value containing one is shortened.
function got(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return ` (got ${text.replace(/[()]/g, '').slice(0, 60)})`;
}

function lookup(raw: unknown, path: (string | number)[]): unknown {
  let v: unknown = raw;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function describe(issue: z.ZodIssue, raw: unknown): string {
  const field = issue.path.join('.');
  const value = lookup(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = [...issue.path, issue.keys[0]].join('.');
      return `unknown key ${key}${suggest(key)}`;
    }
    case 'invalid_type': {
      if (issue.expected === 'integer') return `${field} must be an integer${got(value)}`;
      if (issue.expected === 'boolean') return `${field} must be true or false${got(value)}`;
      if (issue.expected === 'object') return `${field} must be a table${got(value)}`;
      return `${field} must be a ${issue.expected}${got(value)}`;
    }
    case 'too_small':
      return issue.inclusive
        ? `${field} must be at least ${issue.minimum}${got(value)}`
        : `${field} must be greater than ${issue.minimum}${got(value)}`;
    case 'invalid_enum_value':
      return `${field} must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}${got(value)}`;
    case 'invalid_string':
      return `${field} must be a name of letters, digits, '.', '_' or '-'${got(value)}`;
    default:
      return `${field} is not valid: ${issue.message.replace(/[()]/g, '')}${got(value)}`;
  }
}

/** Reads and validates worker.toml; relative paths are taken from the file's folder. */
export function loadConfig(file: string): WorkerConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`, null);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const problem = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    throw new ConfigError(
      `invalid config ${path}: TOML parse error at line ${err.line}, column ${err.column}: ${problem}`,
      null,
    );
  }
  // The refusal goes where the worker would have logged: log_file, or its default.
  const logFile = lookup(raw, ['worker', 'log_file']) ?? 'worker.log';
  const logPath = typeof logFile === 'string' && logFile ? resolve(dirname(path), logFile) : null;
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid config ${path}: ${describe(result.error.issues[0], raw)}`, logPath);
  const cfg = result.data;
  const base = dirname(path);
  const w = cfg.worker;
  w.queue = resolve(base, w.queue);
  w.log_file = resolve(base, w.log_file);
  w.core_dir = resolve(base, w.core_dir);
  if (w.stderr_file) w.stderr_file = resolve(base, w.stderr_file);
  if (cfg.task.plugin_dir) {
    cfg.task.plugin_dir = resolve(base, cfg.task.plugin_dir);
    // The worker loads its handlers from there at start: without the folder it cannot run them.
    const st = statSync(cfg.task.plugin_dir, { throwIfNoEntry: false });
    const problem = !st ? 'does not exist' : st.isDirectory() ? null : 'is not a directory';
    if (problem) throw new ConfigError(`invalid config ${path}: task.plugin_dir ${cfg.task.plugin_dir} ${problem}`, logPath);
  }
  return { ...cfg, path };
}
