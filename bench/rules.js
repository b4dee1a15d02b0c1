// What the benchmark takes from the rule set: the expected events for the generated log, and the
// patterns file for the grep peer. Uses the built code in dist/.
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../dist/rules/loader.js';
import { eventsFor } from '../dist/rules/tester.js';

export const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'rules');

export function loadRuleSet(dir = RULES_DIR) {
  return loadRules(dir);
}

/** Changes when the loaded rules change in any way the matcher sees. */
export function fingerprint(ruleSet) {
  const h = createHash('sha1');
  for (const r of ruleSet.rules) h.update(JSON.stringify(r.rule)).update('\0');
  return h.digest('hex').slice(0, 12);
}

/**
 * The events one instance of a kind makes, by rule: the instance's lines run through the real
 * matcher on their own, between two healthy lines. This is the rule set's line-by-line verdict;
 * the benchmark then checks the fast path (chunks, prefilter, blocks across chunk ends) agrees
 * at scale.
 */
function verdict(ruleSet, lines, context) {
  const events = eventsFor(ruleSet, [context, ...lines, context]);
  const byRule = {};
  for (const e of events) {
    if (e.line < 2 || e.line > lines.length + 1) continue;
    byRule[e.rule] = (byRule[e.rule] ?? 0) + 1;
  }
  return byRule;
}

const same = (a, b) => {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
};
const show = (o) => (Object.keys(o).length ? Object.entries(o).map(([k, v]) => `${k}×${v}`).join(', ') : 'no event');

/**
 * Expected events for the generated log under this rule set.
 * Returns { rulesFingerprint, rules, events, byRule, byKind, problems, warnings }:
 * problems are canonical lines the rule set no longer counts as the issue says (a FAIL);
 * warnings are kinds whose samples disagree or healthy lines a rule claims.
 */
export function expectedFor(meta, loaded = loadRuleSet()) {
  const { ruleSet } = loaded;
  const ids = new Set(ruleSet.rules.map((r) => r.rule.id));
  const context = meta.kinds['healthy.task-done'].samples[0][0];
  const byRule = {};
  const byKind = {};
  const problems = [];
  const warnings = [];
  let events = 0;
  for (const k of Object.values(meta.kinds)) {
    if (!k.instances) continue;
    const verdicts = k.samples.map((s) => verdict(ruleSet, s, context));
    const v = verdicts[0];
    if (verdicts.some((x) => !same(x, v))) {
      warnings.push(`${k.id}: its sample lines do not all give the same events (${verdicts.map(show).join(' | ')}); counted as the first`);
    }
    if (k.expect) {
      const missing = Object.keys(k.expect).filter((r) => !ids.has(r));
      if (missing.length) problems.push(`${k.id}: rule ${missing.join(', ')} does not load, so these issue lines are not checked`);
      else if (!same(v, k.expect)) problems.push(`${k.id}: the issue says ${show(k.expect)} per instance; the rule set gives ${show(v)} for: ${JSON.stringify(k.samples[0].join('\n'))}`);
    }
    if (k.kind === 'healthy' && Object.keys(v).length) {
      warnings.push(`${k.id}: healthy line claimed by ${show(v)} (a false positive?): ${JSON.stringify(k.samples[0][0])}`);
    }
    const perInstance = Object.values(v).reduce((a, b) => a + b, 0);
    if (perInstance) byKind[k.id] = { family: k.family, instances: k.instances, perInstance: v };
    for (const [rule, n] of Object.entries(v)) {
      byRule[rule] = (byRule[rule] ?? 0) + n * k.instances;
      events += n * k.instances;
    }
  }
  return {
    rulesFingerprint: fingerprint(ruleSet),
    rules: ruleSet.rules.length,
    events,
    byRule: Object.fromEntries(Object.entries(byRule).sort()),
    byKind,
    problems,
    warnings,
  };
}

/** POSIX ERE: escape what is special outside brackets. `]` and `}` are plain there already. */
function ereEscape(s) {
  return s.replace(/[.[()*+?{|^$\\]/g, '\\$&');
}

function caselessEre(s) {
  return [...s].map((ch) => {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    return ch.charCodeAt(0) < 0x80 && lo !== up ? `[${lo}${up}]` : ereEscape(ch);
  }).join('');
}

/**
 * One ERE per line for `grep -E -f`: the same alternatives the prefilter searches (each rule's
 * required literals, their journald-JSON-escaped forms, caseless for /i rules), as bytes.
 */
export function grepPatterns(ruleSet) {
  const out = new Set();
  for (const r of ruleSet.rules) {
    for (const lit of r.literals) {
      for (const v of new Set([lit, JSON.stringify(lit).slice(1, -1)])) {
        const bytes = Buffer.from(v, 'utf8').toString('latin1');
        out.add(r.ignoreCase ? caselessEre(bytes) : ereEscape(bytes));
      }
    }
  }
  return Buffer.from([...out].join('\n') + '\n', 'latin1');
}

/**
 * The scanner's own prefilter as one ERE per alternative (the compiled rule set's searchLiterals,
 * caseless ones as [aA] classes), so grep with these selects exactly the lines the scanner takes as
 * candidates.
 */
export function prefilterPatterns(ruleSet) {
  const alts = ruleSet.searchLiterals.map(({ text, ignoreCase }) => {
    const s = Buffer.from(text, 'utf8').toString('latin1');
    return ignoreCase ? caselessEre(s) : ereEscape(s);
  });
  return Buffer.from([...new Set(alts)].join('\n') + (alts.length ? '\n' : ''), 'latin1');
}
