// Loads rules/*.yaml. A file or rule that does not validate is left out with a one-line problem;
// the others load.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readRuleCache } from './cache.js';
import { buildRuleSet, compileRule, type CompiledRule, type CompiledRuleSet } from './compile.js';
import { slowRegexProblem } from './redos.js';
import { RuleSchema } from './schema.js';

export interface LoadResult {
  ruleSet: CompiledRuleSet;
  problems: string[];
  /** What is worth knowing but is no mistake: a site rule replacing a bundled one. */
  notes: string[];
}

function zodProblem(issues: { path: (string | number)[]; message: string }[]): string {
  const first = issues[0];
  return `${first.path.join('.') || '(file)'}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
}

export function ruleFiles(dir: string): string[] {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new Error(`rules folder ${dir} does not exist`);
  if (st.isFile()) return [dir];
  if (!st.isDirectory()) throw new Error(`rules ${dir} is neither a folder nor a file`);
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
}

/** `linear`: when given, every regex of a rule is checked for super-linear backtracking (those in
 *  the set are known linear already) and a rule with a slow one is refused. */
export function loadRuleFile(file: string, problems: string[], parsed?: unknown, linear?: Set<string>): CompiledRule[] {
  let doc: unknown = parsed;
  if (doc === undefined) {
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
      return [];
    }
  }
  // The file's shape is checked first; then each rule on its own, so one bad rule spares the rest.
  const family = (doc as { family?: unknown } | null)?.family;
  const rawRules = (doc as { rules?: unknown } | null)?.rules;
  if (typeof family !== 'string' || !Array.isArray(rawRules) || rawRules.length === 0) {
    problems.push(`${basename(file)}: ${typeof family === 'string' && Array.isArray(rawRules) ? 'no rules' : 'expected `family:` and a list of `rules:`'}`);
    return [];
  }
  const out: CompiledRule[] = [];
  rawRules.forEach((raw, i) => {
    const parsed = RuleSchema.safeParse(raw);
    const id = (raw as { id?: string })?.id ?? `#${i + 1}`;
    if (!parsed.success) {
      problems.push(`${basename(file)}: rule ${id}: ${zodProblem(parsed.error.issues)}`);
      return;
    }
    try {
      const compiled = compileRule({ rule: parsed.data, family, file });
      // One hostile line must not stall the run.
      const slow = linear ? slowRegexProblem(parsed.data, linear) : null;
      if (slow) throw new Error(slow);
      out.push(compiled);
    } catch (err) {
      problems.push(`${basename(file)}: rule ${id}: ${(err as Error).message}`);
    }
  });
  return out;
}

/** `cacheFile`: documents parsed at build time, used only when they match the files on disk. */
export function loadRules(dirOrFile: string, cacheFile?: string): LoadResult {
  return loadRuleSets([{ dir: dirOrFile, cacheFile }]);
}

export interface RuleSource {
  dir: string;
  cacheFile?: string;
  /** Check the regexes with recheck and refuse a rule with a slow one (site and user rules; the
   *  bundled ones are checked ahead of time). */
  checkRegexes?: boolean;
}

/** `linear`: regexes known linear (rules/linear-regexes.json), not checked again.
 *  Rules from several folders, in order: the bundled set first, then site folders. A site rule
 *  whose id a folder before it already used replaces that rule (and says so); within one folder a
 *  repeated id is a problem. */
export function loadRuleSets(sources: RuleSource[], linear: Set<string> = new Set()): LoadResult {
  const problems: string[] = [];
  const notes: string[] = [];
  const byId = new Map<string, CompiledRule>();
  sources.forEach(({ dir, cacheFile, checkRegexes }, index) => {
    const seenHere = new Set<string>();
    const files = ruleFiles(dir);
    const cached = cacheFile ? readRuleCache(cacheFile, files) : null;
    for (const file of files) {
      for (const r of loadRuleFile(file, problems, cached?.get(file), checkRegexes ? linear : undefined)) {
        const id = r.rule.id;
        if (seenHere.has(id)) {
          problems.push(`${basename(file)}: rule ${id}: the id is already used by another rule`);
          continue;
        }
        seenHere.add(id);
        if (index > 0 && byId.has(id)) notes.push(`${file}: rule ${id} replaces the rule of that id from ${byId.get(id)!.file}`);
        byId.set(id, r);
      }
    }
  });
  return { ruleSet: buildRuleSet([...byId.values()]), problems, notes };
}
