// The plugin host: a small N-API addon (native/plugin-host.ts) built with the system cc on first use,
// through which the worker and its task children dlopen(3) plugins and call their handlers.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildCached, compilerUnavailable } from '../native.js';
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
  const noCc = compilerUnavailable('the plugin host');
  if (noCc) return noCc;
  if (!nodeApiDir()) return `no node_api.h in ${includeDirs().join(', ')} to build the plugin host (install Node's headers)`;
  return null;
}

/** The built host addon, in the native cache. */
export function buildPluginHost(): string {
  return buildCached('clw-plugin-host', PLUGIN_HOST_C, {
    flags: ['-shared', '-fPIC', '-g', '-O2', `-I${nodeApiDir()}`], ext: '.node', unavailable: pluginHostUnavailable,
  });
}

let host: PluginHost | null = null;

/** The host, built on first use and loaded into this process. */
export function pluginHost(): PluginHost {
  host ??= createRequire(import.meta.url)(buildPluginHost()) as PluginHost;
  return host;
}
