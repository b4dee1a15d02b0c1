// The crash engine's public surface: the rest of clw-diag imports from here.
export type { CoreAnalysis, CoreOptions } from './core-analysis.js';
export { analyzeCore, analyzeCores, type UnpackedCore } from './analyze-core.js';
export { groupCrashes, type CrashGroup } from './group.js';
export { defaultCacheDir } from './cache.js';
export { DEFAULT_GDB_TIMEOUT_MS, GDB_MISSING_NOTE } from './gdb.js';
