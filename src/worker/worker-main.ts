// The entry of the worker process the supervisor forks: argv[2] is the config path. The worker
// reads the config again itself, because an operator may have changed it between respawns.
import { ConfigError, loadConfig } from './config.js';
import { WorkerLog } from './log.js';
import { Runner } from './runner.js';

/** EX_CONFIG from sysexits.h: the configuration is unusable. */
export const EX_CONFIG = 78;

/** Prints the one clw-init-fail line for a refused config, to the log (when known) and stderr. */
export function reportConfigError(err: ConfigError): number {
  new WorkerLog(err.logFile).fatal(`clw-init-fail: ${err.message}`);
  return EX_CONFIG;
}

/** Runs one worker process to its end and exits with its code. */
export async function workerMain(configPath: string): Promise<never> {
  // The name ps, the kernel's segfault lines and a core's process name show, as for OpenClaw's worker.
  process.title = 'clw-worker';
  let cfg;
  try {
    cfg = loadConfig(configPath);
  } catch (err) {
    if (err instanceof ConfigError) process.exit(reportConfigError(err));
    throw err;
  }
  const log = new WorkerLog(cfg.worker.log_file);
  process.exit(await new Runner(cfg, log).run());
}
