// Orders incidents root cause first. A draft whose category a related draft's rule `causes` (or
// whose rule lists that category in `consequenceOf`) hangs under it; roots are ranked by score.
import type { Severity, Subjects } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import type { Draft } from './draft.js';
import { sameSubject } from './join.js';
import { addTo } from './group.js';
import { SubjectIndex, subjectTokens } from './subject-index.js';

const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 1, error: 0.75, warning: 0.45, info: 0.15 };
const BEFORE_SLACK_MS = 5 * 60_000;
const AFTER_WINDOW_MS = 30 * 60_000;

export interface Ranked {
  draft: Draft;
  parent: Ranked | null;
  descendants: Ranked[];
  score: number;
}

function causes(rules: CompiledRuleSet, a: Draft, b: Draft): boolean {
  const ra = rules.byId.get(a.rule)?.rule;
  const rb = rules.byId.get(b.rule)?.rule;
  return (ra?.causes.includes(b.category) ?? false) || (rb?.consequenceOf.includes(a.category) ?? false);
}

/** Both name pids (or workers, or units), and, unless they share one, different ones. */
function apart(a: Subjects, b: Subjects): boolean {
  const both = (x: unknown[], y: unknown[]) => x.length > 0 && y.length > 0;
  return both(a.pids, b.pids) || both(a.workers, b.workers) || both(a.units, b.units);
}

/** 3: same pid, unit or worker; 2: soon after, in the same process, host or file; 1: the same,
 *  untimed; 0: unrelated, which two incidents of different pids always are. */
function relatedness(a: Draft, b: Draft): number {
  const timed = a.firstSeen !== null && b.firstSeen !== null;
  // Even in the same unit, a consequence starts soon after its cause: a unit lives for days.
  const soonAfter = timed && b.firstSeen! >= a.firstSeen! - BEFORE_SLACK_MS && b.firstSeen! <= (a.lastSeen ?? a.firstSeen!) + AFTER_WINDOW_MS;
  if (sameSubject(a.subjects, b.subjects)) return !timed || soonAfter ? 3 : 0;
  if (apart(a.subjects, b.subjects)) return 0;
  const shared = a.subjects.processes.some((p) => b.subjects.processes.includes(p))
    || a.subjects.hosts.some((h) => b.subjects.hosts.includes(h))
    || [...a.sources].some((s) => b.sources.has(s));
  if (!shared) return 0;
  if (!timed) return 1;
  return soonAfter ? 2 : 0;
}

function isAncestor(candidate: Ranked, of: Ranked): boolean {
  for (let p: Ranked | null = candidate; p; p = p.parent) if (p === of) return true;
  return false;
}

function score(r: Ranked, latest: number | null, earliest: number | null): number {
  const d = r.draft;
  const count = Math.min(1, Math.log10(d.count + 0.5) / 2);
  let recency = 0.5;
  if (latest !== null && earliest !== null && d.lastSeen !== null) {
    recency = latest === earliest ? 1 : 1 - (latest - d.lastSeen) / (latest - earliest);
  }
  const corroboration = Math.min(1, (d.sources.size - 1) / 2);
  const causal = Math.min(1, r.descendants.length / 3);
  // A root is as grave as the worst thing it led to: a warning GC pause that ended in an OOM kill.
  const severity = Math.max(SEVERITY_WEIGHT[d.severity], ...r.descendants.map((x) => SEVERITY_WEIGHT[x.draft.severity]));
  const s = 0.45 * severity + 0.1 * count + 0.1 * recency + 0.15 * corroboration + 0.2 * causal;
  return Math.round(s * 1000) / 1000;
}

/** Severity of a root, counting what it led to (as the score does). */
function gravity(n: Ranked): number {
  return Math.max(SEVERITY_WEIGHT[n.draft.severity], ...n.descendants.map((x) => SEVERITY_WEIGHT[x.draft.severity]));
}

/** A generic rule's root moves after every specific root at least as grave as it is; otherwise
 *  the order by score stands. */
function genericAfterSpecific(roots: Ranked[], isGeneric: (n: Ranked) => boolean): Ranked[] {
  const out = roots.filter((n) => !isGeneric(n));
  for (const g of roots.filter(isGeneric)) {
    const byScore = out.findIndex((n) => n.score < g.score || (isGeneric(n) && roots.indexOf(n) > roots.indexOf(g)));
    let at = byScore < 0 ? out.length : byScore;
    for (let i = out.length - 1; i >= at; i--) {
      if (!isGeneric(out[i]) && gravity(out[i]) >= gravity(g)) { at = i + 1; break; }
    }
    out.splice(at, 0, g);
  }
  return out;
}

/** The drafts that could be `node`'s cause: of a category its rule hangs under, or whose rule
 *  causes its category; and, unless it names no pid, unit or worker, only those that share one or
 *  name none (two incidents of different pids are never related). In the order of `nodes`. */
function causeCandidates(nodes: Ranked[], rules: CompiledRuleSet): (node: Ranked) => Ranked[] {
  const position = new Map(nodes.map((n, i) => [n, i]));
  const byCategory = new Map<string, Ranked[]>();
  const causersOf = new Map<string, Ranked[]>();
  for (const n of nodes) {
    addTo(byCategory, n.draft.category, n);
    for (const c of rules.byId.get(n.draft.rule)?.rule.causes ?? []) addTo(causersOf, c, n);
  }
  const index = new SubjectIndex(nodes.map((n) => ({ subjects: n.draft.subjects, node: n })));
  return (node) => {
    const causal = new Set([...(causersOf.get(node.draft.category) ?? []), ...(rules.byId.get(node.draft.rule)?.rule.consequenceOf ?? []).flatMap((c) => byCategory.get(c) ?? [])]);
    if (!causal.size) return [];
    let found: Ranked[];
    if (!subjectTokens(node.draft.subjects).length || causal.size < 64) found = [...causal];
    else {
      const near = new Set(index.sharing(node.draft.subjects).map((x) => x.node));
      found = [...causal].filter((c) => near.has(c) || !apart(c.draft.subjects, node.draft.subjects));
    }
    return found.sort((a, b) => position.get(a)! - position.get(b)!);
  };
}

export function rankDrafts(drafts: Draft[], rules: CompiledRuleSet): Ranked[] {
  const nodes: Ranked[] = drafts.map((draft) => ({ draft, parent: null, descendants: [], score: 0 }));
  const candidatesFor = causeCandidates(nodes, rules);
  for (const node of nodes) {
    let best: { by: Ranked; rel: number } | null = null;
    for (const cand of candidatesFor(node)) {
      if (cand === node || !causes(rules, cand.draft, node.draft)) continue;
      // Where each could cause the other, the earlier one is the cause.
      if (causes(rules, node.draft, cand.draft) && (node.draft.firstSeen ?? 0) < (cand.draft.firstSeen ?? 0)) continue;
      const rel = relatedness(cand.draft, node.draft);
      if (rel === 0) continue;
      if (!best || rel > best.rel || (rel === best.rel && (cand.draft.firstSeen ?? 0) < (best.by.draft.firstSeen ?? 0))) best = { by: cand, rel };
    }
    if (best && !isAncestor(best.by, node)) node.parent = best.by;
  }
  const children = new Map<Ranked, Ranked[]>();
  for (const node of nodes) if (node.parent) addTo(children, node.parent, node);
  const byTime = (a: Ranked, b: Ranked) => (a.draft.firstSeen ?? 0) - (b.draft.firstSeen ?? 0);
  // Depth first, earliest first: a root's consequences read as the chain they form.
  const chain = (node: Ranked): Ranked[] => (children.get(node) ?? []).sort(byTime).flatMap((c) => [c, ...chain(c)]);
  for (const node of nodes) node.descendants = chain(node);
  const times = drafts.flatMap((d) => [d.firstSeen, d.lastSeen]).filter((t): t is number => t !== null);
  const latest = times.length ? Math.max(...times) : null;
  const earliest = times.length ? Math.min(...times) : null;
  for (const node of nodes) node.score = score(node, latest, earliest);
  const scored = nodes.filter((n) => !n.parent).sort((a, b) => b.score - a.score || byTime(a, b));
  const roots = genericAfterSpecific(scored, (n) => rules.byId.get(n.draft.rule)?.rule.layer === 'generic');
  return [...roots, ...roots.flatMap(chain)];
}
