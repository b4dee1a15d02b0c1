// Joins drafts that are one failure seen from several sources: the worker log's exit 137 and the
// kernel's OOM kill of that pid, the journald unit failure of the same unit.
import type { Subjects } from '../types.js';
import { SEVERITY_ORDER } from '../types.js';
import type { CompiledRuleSet } from '../rules/compile.js';
import { absorb, type Draft } from './draft.js';
import { addTo } from './group.js';
import { SubjectIndex } from './subject-index.js';

/** How far apart in time two sightings of one failure may be. */
const JOIN_WINDOW_MS = 10 * 60_000;

function intersects<T>(a: T[], b: T[]): boolean {
  return a.some((v) => b.includes(v));
}

/** The same process or unit: a pid, a unit or a worker id in common. */
export function sameSubject(a: Subjects, b: Subjects): boolean {
  return intersects(a.pids, b.pids) || intersects(a.units, b.units) || intersects(a.workers, b.workers);
}

export function closeInTime(a: Draft, b: Draft, windowMs = JOIN_WINDOW_MS): boolean {
  if (a.firstSeen === null || b.firstSeen === null) return true;
  const aEnd = a.lastSeen ?? a.firstSeen;
  const bEnd = b.lastSeen ?? b.firstSeen;
  return b.firstSeen <= aEnd + windowMs && a.firstSeen <= bEnd + windowMs;
}

function joinsInto(rules: CompiledRuleSet, from: Draft, into: Draft): boolean {
  if (from === into || !sameSubject(from.subjects, into.subjects) || !closeInTime(from, into)) return false;
  if (from.category === into.category) return from.rule !== into.rule;
  return rules.byId.get(from.rule)?.rule.joins.includes(into.category) ?? false;
}

function weight(rules: CompiledRuleSet, d: Draft): number {
  const rule = rules.byId.get(d.rule)?.rule;
  // A specific rule's sighting names the failure better than a generic one's, whatever its severity.
  return (rule?.layer === 'generic' ? 0 : 10_000) + SEVERITY_ORDER[d.severity] * 1000 + (rule?.priority ?? 0) * 10 + Object.keys(d.facts).length;
}

/** Gives a draft that knows only a pid the unit that pid ran in, so the kernel's view of a process
 *  and systemd's view of its unit can meet. */
export function linkUnits(drafts: Draft[], unitsOfPid: Map<number, Set<string>>): void {
  for (const d of drafts) {
    for (const pid of d.subjects.pids) {
      for (const unit of unitsOfPid.get(pid) ?? []) if (!d.subjects.units.includes(unit)) d.subjects.units.push(unit);
    }
  }
}

export function joinDrafts(drafts: Draft[], rules: CompiledRuleSet): Draft[] {
  // The weightier sighting keeps the title; the others become its evidence.
  const kept: Draft[] = [];
  const index = new SubjectIndex<Draft>();
  for (const d of [...drafts].sort((a, b) => weight(rules, b) - weight(rules, a))) {
    const target = index.sharing(d.subjects).find((k) => joinsInto(rules, d, k));
    if (target) {
      absorb(target, d);
      index.update(target);
    } else {
      kept.push(d);
      index.add(d);
    }
  }
  // A joiner can outweigh its target (an exit 137 logged as critical, a kernel kill as error): the
  // target still names the failure, since it says what the joiner only shows.
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < kept.length; i++) {
      const d = kept[i];
      const target = index.sharing(d.subjects).find((k) => k.category !== d.category && joinsInto(rules, d, k));
      if (!target) continue;
      absorb(target, d);
      index.remove(d);
      index.update(target);
      kept.splice(i--, 1);
      changed = true;
    }
  }
  return joinSameCategory(joinAnonymous(kept, rules));
}

const anonymous = (d: Draft) => !d.subjects.pids.length && !d.subjects.units.length && !d.subjects.workers.length;

/** A crash on stderr often names no pid and no time (Python's faulthandler, a JVM's stderr): it
 *  still is the failure behind a worker's exit status when that exit is the only one it fits.
 *  Linear in the drafts for a given number of anonymous ones: live mode builds this every second. */
function joinAnonymous(drafts: Draft[], rules: CompiledRuleSet): Draft[] {
  const anon = drafts.filter(anonymous);
  if (!anon.length) return drafts;
  const anonOf = new Map<string, Draft[]>();
  for (const a of anon) addTo(anonOf, a.category, a);
  const joinsOf = (d: Draft) => rules.byId.get(d.rule)?.rule.joins ?? [];
  const kept = new Set(drafts);
  // How many kept drafts with a subject could join each category: a second one is a rival.
  const joiners = new Map<string, number>();
  const count = (d: Draft, by: number) => { for (const c of joinsOf(d)) joiners.set(c, (joiners.get(c) ?? 0) + by); };
  for (const d of drafts) if (!anonymous(d)) count(d, 1);
  for (const d of drafts) {
    const joins = joinsOf(d);
    if (!joins.length || anonymous(d) || !kept.has(d)) continue;
    const fits = joins.flatMap((c) => anonOf.get(c) ?? []).filter((k) => kept.has(k) && anonymous(k) && (k.firstSeen === null || closeInTime(d, k)));
    if (fits.length !== 1 || (joiners.get(fits[0].category) ?? 0) > 1) continue;
    // Where each names the other as the same failure (a JVM's SIGSEGV report and the shell's
    // "Aborted" after it), the more telling one keeps the title.
    const mutual = joinsOf(fits[0]).includes(d.category);
    const [into, from] = mutual && weight(rules, d) > weight(rules, fits[0]) ? [d, fits[0]] : [fits[0], d];
    const wasAnonymous = anonymous(into);
    absorb(into, from);
    kept.delete(from);
    if (!anonymous(from)) count(from, -1);
    if (wasAnonymous && !anonymous(into)) count(into, 1);
  }
  return drafts.filter((d) => kept.has(d));
}

/** Facts that name one thing (a file, a task, a library): equal values say two drafts saw the same. */
const NAMING_FACTS = ['path', 'task', 'plugin', 'library', 'corePath'];

/** Two drafts saw the same thing: a naming fact in common, and no fact they disagree on. */
function sameThing(a: Draft, b: Draft): boolean {
  const shared = Object.entries(a.facts).filter(([k]) => b.facts[k] !== undefined);
  return shared.every(([k, v]) => b.facts[k] === v) && shared.some(([k]) => NAMING_FACTS.includes(k));
}

/** A pid-less line of a failure (Node's EMFILE on stderr) and the worker's account of it (the task's
 *  EMFILE, with its pid) are one incident when that account is the only one of its category that
 *  fits and both name the same file: it keeps its title and subjects, and gains the other's evidence. */
function joinSameCategory(drafts: Draft[]): Draft[] {
  const named = new Map<string, Draft[]>();
  for (const k of drafts) if (!anonymous(k)) addTo(named, k.category, k);
  const gone = new Set<Draft>();
  for (const d of drafts) {
    if (!anonymous(d)) continue;
    const fits = (named.get(d.category) ?? []).filter((k) => closeInTime(d, k));
    if (fits.length !== 1 || !sameThing(d, fits[0])) continue;
    absorb(fits[0], d);
    gone.add(d);
  }
  return gone.size ? drafts.filter((d) => !gone.has(d)) : drafts;
}
