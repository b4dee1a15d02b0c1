// The corpora of real logs in test/corpus: each case is a verbatim excerpt (NAME.log) with a
// sidecar (NAME.json) that says where it came from and what clw-diag should name first.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** Every NAME.log below root that has a NAME.json beside it, sorted by path. */
export function listCases(root) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.log') && existsSync(path.slice(0, -4) + '.json')) {
        const meta = JSON.parse(readFileSync(path.slice(0, -4) + '.json', 'utf8'));
        out.push({ name: relative(root, path).slice(0, -4), log: path, meta });
      }
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** Where the expected category stands in a report: 1 for first, 0 when absent. */
export function placeOf(report, expect) {
  const i = report.incidents.findIndex((x) => x.category === expect);
  return i + 1;
}

/** The problems with a case's sidecar, so a case cannot be added without its source. */
export function metaProblems(meta, categories, healthy) {
  const problems = [];
  if (typeof meta.source !== 'string' || !/^https?:\/\//.test(meta.source)) problems.push('source must be the URL the excerpt was taken from');
  if (!healthy && !categories.includes(meta.expect)) problems.push(`expect must be a category, not ${JSON.stringify(meta.expect)}`);
  if (healthy && meta.expect !== undefined) problems.push('a healthy log expects nothing');
  return problems;
}

export const caseName = (c) => basename(c.log, '.log');
