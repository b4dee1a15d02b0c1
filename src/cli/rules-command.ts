// `clw-diag rules list|test|lint`: the rule set as data, its examples run as tests.
import Table from 'cli-table3';
import { basename } from 'node:path';
import { lintRules } from '../rules/lint.js';
import { readLinearRegexes } from '../rules/redos.js';
import { DEFAULT_LINEAR_REGEXES } from './options.js';
import { testRules } from '../rules/tester.js';
import type { Io } from './analyze-command.js';
import { EXIT } from './errors.js';
import { loadConfiguredRules, type RuleSetArgs } from './site-config.js';

export interface RulesArgs extends RuleSetArgs {
  action: 'list' | 'test' | 'lint';
  format: 'text' | 'json';
}

export async function runRules(args: RulesArgs, io: Io): Promise<number> {
  const { ruleSet, problems } = loadConfiguredRules(args);
  for (const p of problems) io.stderr.write(`clw-diag: rules: ${p}\n`);
  if (args.action === 'list') {
    const rows = ruleSet.rules.map((r) => ({ id: r.rule.id, category: r.rule.category, severity: r.rule.severity, code: r.rule.code, family: r.family, title: r.rule.title }));
    if (args.format === 'json') io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else {
      const t = new Table({ head: ['id', 'category', 'severity', 'family'], style: { head: [], border: [] } });
      rows.sort((a, b) => a.family.localeCompare(b.family) || a.id.localeCompare(b.id)).forEach((r) => t.push([r.id, r.category, r.severity, r.family]));
      io.stdout.write(t.toString() + `\n${rows.length} rules\n`);
    }
    return problems.length ? EXIT.usage : EXIT.ok;
  }
  if (args.action === 'test') {
    const results = testRules(ruleSet);
    const failed = results.filter((r) => !r.ok);
    if (args.format === 'json') io.stdout.write(JSON.stringify({ passed: results.length - failed.length, failed }, null, 2) + '\n');
    else {
      for (const f of failed) io.stdout.write(`FAIL ${basename(f.file)} ${f.rule} (${f.kind}): ${f.problem}\n     ${f.text.split('\n')[0]}\n`);
      io.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed\n`);
    }
    return failed.length || problems.length ? EXIT.incidents : EXIT.ok;
  }
  // Regexes already found linear are not checked again unless CLW_DIAG_LINT_ALL is set.
  const lint = lintRules(ruleSet, undefined, process.env.CLW_DIAG_LINT_ALL ? new Set() : readLinearRegexes(DEFAULT_LINEAR_REGEXES));
  for (const p of lint) io.stdout.write(`${basename(p.file)} ${p.rule}: ${p.problem}\n`);
  io.stdout.write(`${ruleSet.rules.length} rules, ${lint.length + problems.length} problems\n`);
  return lint.length || problems.length ? EXIT.incidents : EXIT.ok;
}
