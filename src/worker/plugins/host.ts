// The plugin host: a small N-API addon (native/plugin-host.ts) built with the system cc on first use,
// through which the worker and its task children dlopen(3) plugins and call their handlers.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { nativeCacheDir } from '../native.js';
import { PLUGIN_HOST_C } from '../native/plugin-host.js';

/** The plugin host's functions (see the C source for their contracts). */
export interface PluginHost {
  open(path: string): number;
  has(handle: number, symbol: string): boolean;
  call(handle: number, symbol: string, payload: string, logFile: string, prefix: string, task: string): number;
}

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
