// The table of `clw-worker reproduce` scenarios, gathered from one file per family.
import { BASIC_SCENARIOS } from './basic.js';
import { PLUGIN_SCENARIOS } from './plugins.js';
import { PROCESS_SCENARIOS } from './process.js';
import { RUNTIME_SCENARIOS } from './runtime.js';
import type { Scenario } from './types.js';

export type { QueuedTask, Scenario } from './types.js';

// Family by family, as `reproduce --help` lists them: limits and crashes, the runtime, the process, plugins.
export const SCENARIOS: Record<string, Scenario> = {
  ...BASIC_SCENARIOS,
  ...RUNTIME_SCENARIOS,
  ...PROCESS_SCENARIOS,
  ...PLUGIN_SCENARIOS,
};
