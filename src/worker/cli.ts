// `clw-worker run | enqueue`: parses arguments, validates the config, hands over. Thin on purpose.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, loadConfig, type WorkerConfig } from './config.js';
import { enqueue, newTask } from './queue.js';
import { benchCommand } from './bench.js';
import { BenchArgumentError } from './bench/options.js';
import { OutFolderError, reproduce } from './reproduce.js';
import { SCENARIOS } from './scenarios/index.js';
import { supervise } from './supervisor.js';
import { TASK_TYPES } from './task-types.js';
import { reportConfigError } from './worker-main.js';

class UsageError extends Error {}

// Every built-in type, so the help stays right as types are added.
const TYPE_HELP = `task type: ${Object.keys(TASK_TYPES).join(', ')}`;

// The config is checked before anything starts, so a bad one fails at once with exit 78
// instead of a supervisor respawning a worker that can never start.
function config(path: string): WorkerConfig | number {
  try {
    return loadConfig(path);
  } catch (err) {
    if (err instanceof ConfigError) return reportConfigError(err);
    throw err;
  }
}

export async function main(argv = hideBin(process.argv)): Promise<number> {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('clw-worker')
    .usage('$0 <command>  the reference OpenClaw worker runtime')
    .command('run', 'run a supervised worker that takes tasks from the queue', (y) => y
      .option('config', { alias: 'c', type: 'string', demandOption: true, describe: 'worker.toml' }),
    async (a) => {
      const cfg = config(a.config);
      code = typeof cfg === 'number' ? cfg : await supervise(cfg);
    })
    .command('enqueue', 'add a task to the queue of a worker.toml', (y) => y
      .option('config', { alias: 'c', type: 'string', demandOption: true, describe: 'worker.toml' })
      .option('type', { alias: 't', type: 'string', demandOption: true, describe: TYPE_HELP })
      .option('payload', { type: 'string', default: '{}', describe: 'task payload as JSON, e.g. {"ms":500}' })
      .option('id', { type: 'string', describe: 'task id (default: TYPE-random)' })
      .option('count', { type: 'number', default: 1, describe: 'how many such tasks' }),
    (a) => {
      let payload: unknown;
      try {
        payload = JSON.parse(a.payload);
      } catch {
        throw new UsageError(`--payload is not JSON: ${a.payload}`);
      }
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError('--payload must be a JSON object');
      const cfg = config(a.config);
      if (typeof cfg === 'number') {
        code = cfg;
        return;
      }
      for (let i = 0; i < a.count; i++) {
        const task = newTask(a.type, payload as Record<string, unknown>, a.id && a.count > 1 ? `${a.id}-${i + 1}` : a.id);
        enqueue(cfg.worker.queue, task);
        process.stdout.write(`${task.id}\n`);
      }
    })
    .command('reproduce <scenario>', 'run the real worker into a failure and keep what an operator would have', (y) => y
      .positional('scenario', { type: 'string', demandOption: true, choices: Object.keys(SCENARIOS), describe: 'the failure' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'folder for worker.toml, worker.log, dmesg.txt, cores' }),
    async (a) => {
      const r = await reproduce(a.scenario, a.out).catch((err: unknown) => {
        throw err instanceof OutFolderError ? new UsageError(err.message) : err;
      });
      for (const n of r.notes) process.stderr.write(`clw-worker: note: ${n}\n`);
      process.stdout.write(`${a.scenario}: ${r.reproduced ? 'reproduced' : 'NOT reproduced'} in ${r.dir} (worker exit ${r.exitCode})\n`);
      code = r.reproduced ? 0 : 1;
    })
    .command('bench', 'load-run the real worker: N tasks at a concurrency; completed, failed, retried, crashes, peak RSS', (y) => y
      .option('tasks', { alias: 'n', type: 'number', demandOption: true, describe: 'how many tasks to queue' })
      .option('type', { alias: 't', type: 'string', demandOption: true, describe: TYPE_HELP })
      .option('concurrency', { type: 'number', demandOption: true, describe: 'tasks at once (overrides the config\'s)' })
      .option('payload', { type: 'string', default: '{}', describe: 'each task\'s payload as JSON, e.g. {"mib":64}' })
      .option('config', { alias: 'c', type: 'string', describe: 'worker.toml to take the settings from (queue and logs stay in the run folder)' })
      .option('timeout', { type: 'number', describe: 'seconds to wait for the queue to empty (default 600)' })
      .option('out', { alias: 'o', type: 'string', describe: 'run folder (default: a new temporary one)' })
      .option('json', { type: 'boolean', default: false, describe: 'one JSON object instead of the table' }),
    async (a) => {
      try {
        code = await benchCommand(a);
      } catch (err) {
        throw err instanceof BenchArgumentError ? new UsageError(err.message) : err;
      }
    })
    .demandCommand(1)
    .strict()
    .help()
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
    return code;
  } catch (err) {
    process.stderr.write(`clw-worker: ${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

export function run(): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`clw-worker: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
