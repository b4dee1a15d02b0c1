// The folder a bench runs in: worker.toml, the queue, logs/worker.log and logs/stderr.log, cores.
// The worker's settings come from the operator's worker.toml (or the worker's defaults), but its
// queue, logs and cores always live here: a bench never adds tasks to a live queue or lines to a
// live log, and logs/ holds only this run's lines for clw-diag.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { ConfigError, loadConfig, type WorkerConfig } from '../config.js';
import { enqueue, newTask } from '../queue.js';
import { TASK_TYPES } from '../task-types.js';
import { BenchArgumentError, type BenchOptions } from './options.js';

export interface RunFolder {
  dir: string;
  config: WorkerConfig;
  logDir: string;
}

function emptyFolder(out: string | null): string {
  if (!out) return mkdtempSync(join(tmpdir(), 'clw-bench-'));
  const dir = resolve(out);
  // A second run's lines in the same worker.log would mix two runs in one count and one diagnosis.
  if (existsSync(dir) && readdirSync(dir).length) throw new BenchArgumentError(`--out ${dir} is not empty: give bench an empty or new folder`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function validated(path: string): WorkerConfig {
  try {
    return loadConfig(path);
  } catch (err) {
    if (err instanceof ConfigError) throw new BenchArgumentError(err.message);
    throw err;
  }
}

/** The operator's worker.toml with the run folder's paths and the bench's concurrency. */
function benchToml(o: BenchOptions, given: WorkerConfig | null): string {
  const raw = (given ? parse(readFileSync(given.path, 'utf8')) : {}) as Record<string, Record<string, unknown>>;
  const worker = { ...raw.worker };
  const task = { ...raw.task };
  // A JSON-lines queue stays one, so the run exercises the same queue code as production.
  worker.queue = given?.worker.queue.endsWith('.jsonl') ? 'queue.jsonl' : 'queue';
  worker.log_file = 'logs/worker.log';
  worker.stderr_file = 'logs/stderr.log';
  worker.core_dir = 'cores';
  task.concurrency = o.concurrency;
  if (given?.task.plugin_dir) task.plugin_dir = given.task.plugin_dir;
  return stringify({ ...raw, worker, task });
}

/** Creates the run folder, writes its worker.toml and queues the tasks. */
export function prepareRun(o: BenchOptions): RunFolder {
  if (o.config && !existsSync(o.config)) throw new BenchArgumentError(`--config ${o.config}: no such file`);
  const given = o.config ? validated(o.config) : null;
  const toml = benchToml(o, given);
  // Without plugins only the built-in types exist: a typo would otherwise fail every task.
  if (!given?.task.plugin_dir && !Object.hasOwn(TASK_TYPES, o.type)) {
    throw new BenchArgumentError(`--type ${o.type} is not a task type (known: ${Object.keys(TASK_TYPES).join(', ')})`);
  }
  const dir = emptyFolder(o.out);
  const file = join(dir, 'worker.toml');
  writeFileSync(file, toml);
  const config = validated(file);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const width = String(o.tasks).length;
  for (let i = 1; i <= o.tasks; i++) {
    enqueue(config.worker.queue, newTask(o.type, o.payload, `bench-${o.type}-${String(i).padStart(width, '0')}`));
  }
  return { dir, config, logDir: join(dir, 'logs') };
}
