// Calling a plugin handler in this process, through the host: what a `plugin` task child does, and
// what the worker does itself with task.isolation = "none".
import { isAbsolute } from 'node:path';
import { HANDLER_PREFIX } from './exports.js';
import { pluginHost } from './host.js';

/** One handler call: what a `plugin` task child gets as its payload, and what the worker runs itself. */
export interface PluginCall {
  /** absolute path of the plugin */
  plugin: string;
  /** the exported function, clw_handle_<name> */
  handler: string;
  /** the task's id and type, for the crash lines */
  id: string;
  type: string;
  /** worker.log, where the crash lines go (besides stderr) */
  log: string | null;
  /** the task's own payload, handed to the handler as JSON */
  payload: Record<string, unknown>;
}

const opened = new Map<string, number>();

/** dlopen(3)s a plugin into this process once; throws the loader's error (dlerror) when it refuses. */
export function openPlugin(path: string): number {
  let handle = opened.get(path);
  if (handle === undefined) {
    handle = pluginHost().open(path);
    opened.set(path, handle);
  }
  return handle;
}

/** Runs a handler in this process; returns what it returned. A crash (SIGSEGV, SIGABRT, ...) is first
 *  written to worker.log as OpenClaw writes it, then kills this process with its core. */
export function callPlugin(c: PluginCall): number {
  const handle = openPlugin(c.plugin);
  const task = `last task on the crashing thread: '${c.id}' (type=${c.type}, handler ${c.handler} in ${c.plugin})`;
  return pluginHost().call(handle, c.handler, JSON.stringify(c.payload ?? {}), c.log ?? '', `clw-worker[pid=${process.pid}]: `, task);
}

/** The `plugin` task type, in a task child: the payload is the PluginCall the worker made of the task. */
export async function runPluginCall(payload: Record<string, unknown>): Promise<void> {
  const c = payload as unknown as PluginCall;
  if (typeof c.plugin !== 'string' || !isAbsolute(c.plugin) || typeof c.handler !== 'string' || !c.handler.startsWith(HANDLER_PREFIX)) {
    throw new Error('a plugin task names its plugin and handler: {"plugin": "libX.so", "handler": "name"}');
  }
  const rc = callPlugin(c);
  if (rc !== 0) throw new Error(`${c.handler} in ${c.plugin} returned ${rc}`);
}
