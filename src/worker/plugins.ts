// Task plugins from task.plugin_dir: shared objects (*.so, *.so.N) exporting
// `int clw_handle_<name>(const char *payload_json)`. Each handler is the task type <name>; the
// built-in type `plugin` (payload {plugin, handler}) names one directly. At start the worker loads
// every plugin for real, with dlopen(3) through the plugin host (native/plugin-host.ts, an N-API
// addon built with the system cc): a plugin the loader refuses is logged with the loader's own words
// and its task types are disabled, so their tasks go back to the queue for a worker that has them.
// A handler runs in a task child (task.isolation = "fork") or inside the worker itself ("none").
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parseHeader, View } from '../crash/elf.js';
import type { WorkerConfig } from './config.js';
import { WorkerLog } from './log.js';
import { corePatternProblem, findCore, nativeCacheDir } from './native.js';
import { PLUGIN_HOST_C } from './native/plugin-host.js';
import type { Claim, Task } from './queue.js';

export const HANDLER_PREFIX = 'clw_handle_';
/** The file names plugin_dir is searched for. */
export const PLUGIN_FILE = /\.so(?:\.\d+)*$/;

/** The plugin host's functions (see the C source for their contracts). */
interface PluginHost {
  open(path: string): number;
  has(handle: number, symbol: string): boolean;
  call(handle: number, symbol: string, payload: string, logFile: string, prefix: string, task: string): number;
}

// ---------------------------------------------------------------- building and loading the host

function includeDirs(): string[] {
  return [join(dirname(dirname(process.execPath)), 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
}

const nodeApiDir = () => includeDirs().find((d) => existsSync(join(d, 'node_api.h'))) ?? null;

/** Why no plugin can be loaded here (no cc, no Node headers to build the host with), or null. */
export function pluginHostUnavailable(): string | null {
  try {
    execFileSync('sh', ['-c', 'command -v cc'], { stdio: 'ignore' });
  } catch {
    return 'no C compiler (cc) to build the plugin host';
  }
  if (!nodeApiDir()) return `no node_api.h in ${includeDirs().join(', ')} to build the plugin host (install Node's headers)`;
  return null;
}

/** The built host addon, named by the source's hash (a changed source is rebuilt), in the native cache. */
export function buildPluginHost(): string {
  const hash = createHash('sha256').update(PLUGIN_HOST_C).update(process.arch).digest('hex').slice(0, 12);
  const dir = nativeCacheDir();
  const addon = join(dir, `clw-plugin-host-${hash}.node`);
  if (existsSync(addon)) return addon;
  const why = pluginHostUnavailable();
  if (why) throw new Error(why);
  mkdirSync(dir, { recursive: true });
  const src = join(dir, `clw-plugin-host-${hash}.c`);
  writeFileSync(src, PLUGIN_HOST_C);
  // A temporary name, then a rename: a worker and a task child building at once never load half a file.
  const tmp = `${addon}.${process.pid}.tmp`;
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-g', '-O2', `-I${nodeApiDir()}`, '-o', tmp, src], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n').slice(0, 3).join(' ');
    throw new Error(`cc could not build the plugin host: ${stderr || (err as Error).message}`);
  }
  renameSync(tmp, addon);
  return addon;
}

let host: PluginHost | null = null;

/** The host, built on first use and loaded into this process. */
export function pluginHost(): PluginHost {
  host ??= createRequire(import.meta.url)(buildPluginHost()) as PluginHost;
  return host;
}

// ---------------------------------------------------------------- what a plugin exports

const SHT_DYNSYM = 11;
const STT_FUNC = 2;

/** The <name>s of the clw_handle_<name> functions a plugin defines, read from its ELF dynamic symbol
 *  table: known even for a plugin the loader refuses, so the task types it would have are named. */
export function handlerNames(file: string): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  const at = (offset: number, length: number): Buffer => {
    if (!Number.isSafeInteger(offset) || offset < 0 || !(length > 0) || length > 64 << 20) return Buffer.alloc(0);
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(fd, buf, 0, length, offset));
  };
  try {
    const head = at(0, 64);
    const h = parseHeader(head);
    if (!h) return [];
    const ehdr = new View(head, h.le, h.is64);
    const half = 0x18 + 3 * ehdr.wordSize + 4; // e_ehsize; then phentsize, phnum, shentsize, shnum
    const shentsize = ehdr.u16(half + 6);
    const shnum = ehdr.u16(half + 8);
    const table = new View(at(h.shoff, shentsize * shnum), h.le, h.is64);
    const section = (i: number) => {
      const o = i * shentsize;
      return h.is64
        ? { type: table.u32(o + 4), offset: table.size(o + 24), size: table.size(o + 32), link: table.u32(o + 40), entsize: table.size(o + 56) }
        : { type: table.u32(o + 4), offset: table.u32(o + 16), size: table.u32(o + 20), link: table.u32(o + 24), entsize: table.u32(o + 36) };
    };
    const names = new Set<string>();
    for (let i = 0; i < shnum; i++) {
      const s = section(i);
      if (s.type !== SHT_DYNSYM || s.link >= shnum) continue;
      const strtab = section(s.link);
      const syms = new View(at(s.offset, s.size), h.le, h.is64);
      const strs = new View(at(strtab.offset, strtab.size), h.le, h.is64);
      const ent = s.entsize || (h.is64 ? 24 : 16);
      for (let o = 0; o + ent <= syms.buf.length; o += ent) {
        const [nameAt, info, shndx] = h.is64 ? [syms.u32(o), syms.buf[o + 4], syms.u16(o + 6)] : [syms.u32(o), syms.buf[o + 12], syms.u16(o + 14)];
        const name = strs.cstring(nameAt, 256);
        // Defined here (not an import) and a function.
        if (shndx !== 0 && (info & 0xf) === STT_FUNC && name.startsWith(HANDLER_PREFIX) && name.length > HANDLER_PREFIX.length) {
          names.add(name.slice(HANDLER_PREFIX.length));
        }
      }
    }
    return [...names].sort();
  } finally {
    closeSync(fd);
  }
}

/** The plugin files of a folder, in name order. */
export function pluginFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.isDirectory() && PLUGIN_FILE.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

// ---------------------------------------------------------------- calling a handler

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

// ---------------------------------------------------------------- cores

const CORE_SIGNALS = new Set(['SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGSYS', 'SIGXCPU', 'SIGXFSZ']
  .map((s) => constants.signals[s as NodeJS.Signals]));

/** Whether a death by this signal (its number) leaves a core, given the limit allows one. */
export const dumpsCore = (signal: number): boolean => CORE_SIGNALS.has(signal);

/** After a worker or task process (pid) died by a signal: its core in core_dir, renamed core.PID, is
 *  logged in that process's name (as its own crash handler would have), or why there is none. */
export function reportCore(log: WorkerLog, coreDir: string, pid: number): string | null {
  let core: string | null = null;
  try {
    core = findCore(coreDir, pid);
  } catch {
    /* no core_dir */
  }
  const as = new WorkerLog(log.file, 'clw-worker', pid, log.toStderr);
  if (core) as.log('CRITICAL', `Core dump written to ${core}`);
  else as.warn(`no core dump of pid ${pid} in core_dir ${coreDir} (${corePatternProblem() ?? 'the core size limit, or a signal that dumps none'})`);
  return core;
}

// ---------------------------------------------------------------- the worker's handlers

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
