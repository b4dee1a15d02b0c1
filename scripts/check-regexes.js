// Checks every bundled rule regex with recheck and writes the linear ones to
// rules/linear-regexes.json, which lets site rules that reuse them skip the check. Prints each
// regex that is not linear; exits 1 when one is polynomial or exponential. Run after editing rules
// (after `npm run build`); it takes minutes, recheck being thorough. `--only-new` keeps the regexes
// the file already lists (still used) and checks the others only.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_LINEAR_REGEXES, DEFAULT_RULES_DIR } from '../dist/cli/options.js';
import { loadRules } from '../dist/rules/loader.js';
import { checkRegex, isSlow, readLinearRegexes, regexKey, ruleRegexes } from '../dist/rules/redos.js';

const { ruleSet, problems } = loadRules(DEFAULT_RULES_DIR);
if (problems.length) throw new Error(problems.join('\n'));
const where = new Map();
for (const r of ruleSet.rules) {
  for (const { where: w, source } of ruleRegexes(r.rule)) {
    const key = regexKey(source, r.rule.flags);
    if (!where.has(key)) where.set(key, { source, flags: r.rule.flags, at: [] });
    where.get(key).at.push(`${basename(r.file)} ${r.rule.id} ${w}`);
  }
}
const known = process.argv.includes('--only-new') ? readLinearRegexes(DEFAULT_LINEAR_REGEXES) : new Set();
const linear = [];
let slow = 0;
for (const [key, { source, flags, at }] of where) {
  if (known.has(key)) { linear.push(key); continue; }
  const v = checkRegex(source, flags);
  if (v.complexity === 'linear') { linear.push(key); continue; }
  if (isSlow(v)) slow++;
  console.log(`${v.complexity}: ${at.join(', ')}: /${source}/ (${v.summary})${v.attack ? ` on ${v.attack}` : ''}`);
}
writeFileSync(DEFAULT_LINEAR_REGEXES, JSON.stringify({ linear: linear.sort() }, null, 0).replace(/","/g, '",\n"') + '\n');
console.log(`${where.size} regexes: ${linear.length} linear, ${slow} slow, ${where.size - linear.length - slow} unknown`);
process.exitCode = slow ? 1 : 0;
