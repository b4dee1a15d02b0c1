// The analysis the CLI runs, in the test's own process: the corpora hold hundreds of logs, and a
// process per log spent most of the suite's time starting Node and loading the rules. The CLI
// itself is tested by the other e2e tests.
import { loadConfiguredRules } from '../../src/cli/site-config.js';
import type { CompiledRuleSet } from '../../src/rules/compile.js';
import { analyze } from '../../src/pipeline/analyze.js';
import { discover } from '../../src/sources/discover.js';
import type { Report } from '../../src/types.js';

let rules: CompiledRuleSet | null = null;

/** The report `clw-diag PATH.. --format json` would print (bundled rules, no window). */
export async function analyzePaths(paths: string[]): Promise<Report> {
  rules ??= loadConfiguredRules({}).ruleSet;
  const found = discover(paths);
  return analyze({ sources: found.sources, cores: found.cores, rules, window: { since: null, until: null }, notes: [...found.errors, ...found.notes] });
}
