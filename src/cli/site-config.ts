// The site's own settings: /etc/clw-diag/config.toml (or --config FILE) for thresholds and rule
// folders, /etc/clw-diag/rules.d/ for site rules. Flags win over the file, the file over defaults.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import type { CompiledRuleSet } from '../rules/compile.js';
import { loadRuleSets, type LoadResult } from '../rules/loader.js';
import { readLinearRegexes } from '../rules/redos.js';
import { overrideThresholds } from '../rules/thresholds.js';
import { UsageError } from './errors.js';
import { DEFAULT_LINEAR_REGEXES, DEFAULT_RULES_DIR, rulesCacheFor, rulesDir } from './options.js';

export const SITE_CONFIG = '/etc/clw-diag/config.toml';
export const SITE_RULES_DIR = '/etc/clw-diag/rules.d';

const ConfigSchema = z.object({
  thresholds: z.record(z.union([z.number(), z.string()])).default({}),
  rules: z.object({ dirs: z.array(z.string()).default([]) }).strict().default({}),
}).strict();

export type SiteConfig = z.infer<typeof ConfigSchema> & { file: string | null };

/** The config file named by --config (which must exist), else the site's when there is one. */
export function readSiteConfig(path: string | undefined, defaultPath = process.env.CLW_DIAG_CONFIG ?? SITE_CONFIG): SiteConfig {
  const file = path ?? (existsSync(defaultPath) ? defaultPath : null);
  if (!file) return { thresholds: {}, rules: { dirs: [] }, file: null };
  let text: string;
  try {
    // A device or a pipe would be read without end (`--config /dev/zero`); a settings file is a file.
    if (!statSync(file).isFile()) throw new UsageError(`--config ${file}: not a file`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--config ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`}`);
  }
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid TOML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = ConfigSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || '(file)';
    const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : '';
    throw new UsageError(`${file}: ${where}:${keys} ${issue.message}; expected [thresholds] and [rules] dirs = [...]`);
  }
  return { ...parsed.data, file };
}

/** `NAME=VALUE` pairs of --threshold. */
export function parseThresholdFlags(flags: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const m = /^([a-z_][\w]*)=(.+)$/.exec(f.trim());
    if (!m) throw new UsageError(`--threshold ${JSON.stringify(f)}: expected NAME=VALUE, e.g. --threshold gc_pause_ms=500`);
    out[m[1]] = m[2];
  }
  return out;
}

export interface RuleSetArgs {
  rules?: string;
  rulesDir?: string[];
  config?: string;
  threshold?: string[];
}

/** The bundled rules (or --rules), then site folders; thresholds from defaults, config, flags. */
export function loadConfiguredRules(args: RuleSetArgs): LoadResult & { ruleSet: CompiledRuleSet } {
  const config = readSiteConfig(args.config);
  const bundled = rulesDir(args.rules);
  const siteDirs = [...(existsSync(SITE_RULES_DIR) ? [SITE_RULES_DIR] : []), ...config.rules.dirs, ...(args.rulesDir ?? [])];
  for (const d of [...config.rules.dirs, ...(args.rulesDir ?? [])]) {
    if (!existsSync(d)) throw new UsageError(`--rules-dir ${d}: no such folder`);
    if (!statSync(d).isDirectory() && !/\.ya?ml$/.test(d)) throw new UsageError(`--rules-dir ${d}: not a folder or a .yaml file`);
  }
  // The shipped rules were checked for slow regexes before release; any other folder is checked now.
  const loaded = loadRuleSets([
    { dir: bundled, cacheFile: rulesCacheFor(bundled), checkRegexes: bundled !== DEFAULT_RULES_DIR },
    ...siteDirs.map((dir) => ({ dir, checkRegexes: true })),
  ], siteDirs.length || bundled !== DEFAULT_RULES_DIR ? readLinearRegexes(DEFAULT_LINEAR_REGEXES) : undefined);
  let thresholds = loaded.ruleSet.thresholds;
  for (const [overrides, origin] of [[config.thresholds, config.file ?? 'config'], [parseThresholdFlags(args.threshold), '--threshold']] as const) {
    const r = overrideThresholds(thresholds, overrides, origin);
    if (r.problems.length) throw new UsageError(r.problems[0]);
    thresholds = r.thresholds;
  }
  loaded.ruleSet.thresholds = thresholds;
  return loaded;
}
