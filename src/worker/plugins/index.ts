// Task plugins from task.plugin_dir: shared objects (*.so, *.so.N) exporting
// `int clw_handle_<name>(const char *payload_json)`. Each handler is the task type <name>; the
// built-in type `plugin` (payload {plugin, handler}) names one directly. At start the worker loads
// every plugin for real, with dlopen(3) through the plugin host (native/plugin-host.ts, an N-API
// addon built with the system cc): a plugin the loader refuses is logged with the loader's own words
// and its task types are disabled, so their tasks go back to the queue for a worker that has them.
// A handler runs in a task child (task.isolation = "fork") or inside the worker itself ("none").
import { dirname, isAbsolute, join } from 'node:path';
import type { WorkerConfig } from '../config.js';
import type { WorkerLog } from '../log.js';
import type { Claim, Task } from '../queue.js';
import { callPlugin, openPlugin, type PluginCall } from './call.js';
import { HANDLER_PREFIX, handlerNames, pluginFiles } from './exports.js';
import { pluginHost, type PluginHost } from './host.js';

export { HANDLER_PREFIX, handlerNames, pluginFiles, PLUGIN_FILE } from './exports.js';
export { pluginHostUnavailable } from './host.js';
export { runPluginCall } from './call.js';

interface Handler {
  plugin: string;
  symbol: string;
  handle: number;
}

/** What the runner does with a claimed task. */
export type Route =
  | { run: 'child'; task: Task }
  | { run: 'done'; ok: boolean }
  | { run: 'rejected' };

export class Plugins {
  /** task type -> its handler, for the plugins that loaded */
  private readonly handlers = new Map<string, Handler>();
  /** the task types of the plugins the loader refused */
  private readonly disabled = new Set<string>();
  /** plugin path -> its handle (loaded) or null (refused) */
  private readonly plugins = new Map<string, number | null>();
  /** the queue keys of tasks this worker put back: another worker has to take them */
  private readonly rejected = new Set<string>();

  constructor(
    private readonly cfg: WorkerConfig,
    private readonly log: WorkerLog,
    /** whether a task type is built in (task-types.ts): a handler of the same name does not replace it */
    private readonly builtIn: (type: string) => boolean,
  ) {}

  /** claim()'s skip: the tasks this worker has already turned down. */
  readonly skip = (key: string): boolean => this.rejected.has(key);

  /** Loads every plugin in plugin_dir (none when it is unset) and logs what it got. */
  load(): void {
    const dir = this.cfg.task.plugin_dir;
    if (!dir) return;
    let files: string[];
    try {
      files = pluginFiles(dir);
    } catch (err) {
      this.log.error(`plugin_dir ${dir}: cannot list it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); no task handlers loaded`);
      return;
    }
    let h: PluginHost | null = null;
    try {
      if (files.length) h = pluginHost();
    } catch (err) {
      this.log.error(`plugin host unavailable: ${(err as Error).message}; no plugin in ${dir} can be loaded`);
    }
    for (const file of files) this.loadOne(h, file);
    this.log.info(`loaded ${this.handlers.size} task handlers from ${dir}`);
    if (this.cfg.task.isolation === 'none' && this.handlers.size) {
      this.log.info('task.isolation = none: plugin handlers run inside the worker process, without timeout_sec or max_memory_gb; a crash in one ends the worker');
    }
  }

  private loadOne(h: PluginHost | null, file: string): void {
    const names = handlerNames(file);
    let handle: number | null = null;
    if (h) {
      try {
        handle = openPlugin(file);
      } catch (err) {
        this.log.error(`plugin ${file} failed to load: ${(err as Error).message}`);
      }
    }
    this.plugins.set(file, handle);
    const name = file.slice(dirname(file).length + 1);
    if (handle === null) {
      for (const type of names) {
        if (this.handlers.has(type) || this.builtIn(type)) continue;
        this.disabled.add(type);
        this.log.warn(`task type ${type} disabled: no handler (plugin ${name} not loaded)`);
      }
      return;
    }
    if (!names.length) this.log.warn(`plugin ${file} exports no ${HANDLER_PREFIX}* function: no task type from it`);
    for (const type of names) {
      const symbol = HANDLER_PREFIX + type;
      const other = this.handlers.get(type);
      if (other || this.builtIn(type)) {
        this.log.warn(`plugin ${file}: ${symbol} ignored: task type ${type} is already handled by ${other?.plugin ?? 'a built-in type'}`);
      } else if (h!.has(handle, symbol)) {
        this.handlers.set(type, { plugin: file, symbol, handle });
        this.disabled.delete(type);
      }
    }
  }

  /** The handler a task asks for: by its type, or for a `plugin` task by its payload; a string says
   *  why it has none here (then the task goes back to the queue); null: not a plugin task, or a
   *  `plugin` task that names no plugin or handler (it fails in its child, as any bad payload does). */
  private handlerFor(task: Task): Handler | string | null {
    if (task.type !== 'plugin') {
      const h = this.handlers.get(task.type);
      if (h) return h;
      // The "task type T disabled" line at start said which plugin would have had it.
      return this.disabled.has(task.type) ? 'no handler for type' : null;
    }
    const p = task.payload;
    if (typeof p.plugin !== 'string' || !p.plugin || typeof p.handler !== 'string' || !p.handler) return null;
    const symbol = p.handler.startsWith(HANDLER_PREFIX) ? p.handler : HANDLER_PREFIX + p.handler;
    const dir = this.cfg.task.plugin_dir;
    if (!dir) return 'no handler: task.plugin_dir is not set';
    const file = isAbsolute(p.plugin) ? p.plugin : join(dir, p.plugin);
    const handle = this.plugins.get(file);
    if (handle === undefined) return `no handler: no plugin ${p.plugin} in plugin_dir ${dir}`;
    if (handle === null) return `no handler: plugin ${p.plugin} not loaded`;
    if (!pluginHost().has(handle, symbol)) return `no handler: ${p.plugin} has no ${symbol}`;
    return { plugin: file, symbol, handle };
  }

  /** Decides where a claimed task runs. A plugin task this worker cannot run is put back in the queue
   *  (and passed over from then on); with isolation = "none" a plugin task runs here and now. */
  route(c: Claim): Route {
    const { task } = c;
    const h = this.handlerFor(task);
    if (h === null) return { run: 'child', task };
    const queue = this.cfg.worker.queue;
    if (typeof h === 'string') {
      try {
        c.release();
        this.rejected.add(c.key);
        this.log.warn(`task '${task.id}' (type=${task.type}) rejected: ${h}; returned to queue ${queue}`);
      } catch (err) {
        this.log.warn(`task '${task.id}' (type=${task.type}) rejected: ${h}; could not return it to queue ${queue} (${(err as Error).message})`);
        c.finish('failed');
      }
      return { run: 'rejected' };
    }
    const call: PluginCall = { plugin: h.plugin, handler: h.symbol, id: task.id, type: task.type, log: this.log.file, payload: task.payload };
    if (this.cfg.task.isolation === 'fork') return { run: 'child', task: { ...task, type: 'plugin', payload: { ...call } } };
    return { run: 'done', ok: this.runHere(c, call) };
  }

  // In the worker process: the lines OpenClaw writes around a task, the crash lines from the host.
  private runHere(c: Claim, call: PluginCall): boolean {
    const { task } = c;
    this.log.info(`Starting task '${task.id}' (type=${task.type}, attempt ${task.attempt ?? 1})`);
    const started = Date.now();
    let ok = false;
    try {
      const rc = callPlugin(call);
      ok = rc === 0;
      if (ok) this.log.info(`Task '${task.id}' completed in ${Date.now() - started}ms`);
      else this.log.warn(`task '${task.id}' failed: ${call.handler} returned ${rc}`);
    } catch (err) {
      this.log.error(`task '${task.id}' failed: ${(err as Error).message}`);
    }
    try {
      c.finish(ok ? 'done' : 'failed');
    } catch (err) {
      this.log.warn(`task '${task.id}': could not move it out of claimed: ${(err as Error).message}`);
    }
    return ok;
  }
}
