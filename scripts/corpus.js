#!/usr/bin/env node
// Runs the built CLI on each real-log case below the given folders (default test/corpus/real) and
// prints what it named first against what the case expects, then recall: found and ranked first.
//   node scripts/corpus.js [FOLDER..] [--misses] [--json]
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { listCases, placeOf } from './corpus-cases.js';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const roots = args.filter((a) => !a.startsWith('--'));
const cases = (roots.length ? roots : ['test/corpus/real']).flatMap((r) => listCases(resolve(r)));
const bin = resolve('bin/clw-diag.js');
const rows = [];
for (const c of cases) {
  let report;
  try {
    const out = execFileSync(process.execPath, [bin, c.log, '--format', 'json', '--fail-on', 'never'], {
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' }, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20,
    });
    report = JSON.parse(out.toString());
  } catch (e) {
    report = { incidents: [], error: String(e.message).split('\n')[0] };
  }
  const place = placeOf(report, c.meta.expect);
  const first = report.incidents[0];
  rows.push({ case: c.name, expect: c.meta.expect, place, first: first ? `${first.category} (${first.rule})` : '-' });
}
if (flags.has('--json')) {
  console.log(JSON.stringify(rows, null, 1));
} else {
  for (const r of rows) {
    if (flags.has('--misses') && r.place === 1) continue;
    console.log(`${r.place === 1 ? 'ok  ' : r.place ? `#${r.place}  ` : 'MISS'} ${r.case}  expect ${r.expect}  first ${r.first}`);
  }
}
const n = rows.length || 1;
const found = rows.filter((r) => r.place > 0).length;
const first = rows.filter((r) => r.place === 1).length;
console.error(`${rows.length} cases: found ${found} (${((100 * found) / n).toFixed(1)}%), ranked first ${first} (${((100 * first) / n).toFixed(1)}%)`);
process.exitCode = first === rows.length ? 0 : 1;
