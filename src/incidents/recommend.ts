// Recommendations with the incident's facts filled in, plus the figures a fix needs that no log
// line prints: a memory limit with headroom, the concurrency that fits the budget.
import type { Facts, Recommendation } from '../types.js';
import type { Rule } from '../rules/schema.js';
import { fillTemplate } from '../rules/template.js';

const MIB = 1024 ** 2;
const STEP = 256 * MIB;

function num(facts: Facts, key: string): number | undefined {
  const v = facts[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function derivedFacts(facts: Facts): Facts {
  const out: Facts = { ...facts };
  const rss = num(facts, 'rssBytes') ?? num(facts, 'anonRssBytes') ?? num(facts, 'usageBytes');
  const limit = num(facts, 'memoryLimitBytes');
  const peak = Math.max(rss ?? 0, limit ?? 0);
  if (peak > 0 && out.suggestedMemoryBytes === undefined) {
    out.suggestedMemoryBytes = Math.ceil((peak * 1.5) / STEP) * STEP;
    out.suggestedMemoryGb = Number((out.suggestedMemoryBytes / 1024 ** 3).toFixed(2));
  }
  if (typeof out.suggestedMemoryBytes === 'number') out.suggestedMemoryHighBytes = Math.floor((out.suggestedMemoryBytes * 0.85) / MIB) * MIB;
  // The kernel's constraint says whose memory ran out; templates can only test whether a fact exists.
  if (facts.constraint === 'CONSTRAINT_NONE') out.hostWideOom = 'host';
  if (facts.constraint === 'CONSTRAINT_MEMCG') out.cgroupOom = 'cgroup';
  if (rss !== undefined && limit) out.utilizationPct = Math.round((rss / limit) * 1000) / 10;
  const tasks = num(facts, 'activeTasks') ?? num(facts, 'concurrency');
  if (tasks && rss && limit) {
    const perTask = rss / tasks;
    out.perTaskBytes = Math.round(perTask);
    out.fitConcurrency = Math.max(1, Math.floor((limit * 0.8) / perTask));
  }
  const timeout = num(facts, 'timeoutSec');
  if (timeout !== undefined) out.suggestedTimeoutSec = Math.ceil(timeout * 2);
  const pause = num(facts, 'pauseMs');
  if (pause !== undefined && num(facts, 'thresholdMs') !== undefined) out.pauseOverThresholdX = Math.round((pause / (facts.thresholdMs as number)) * 10) / 10;
  const files = num(facts, 'openFiles') ?? num(facts, 'fdLimit');
  out.suggestedNofile = Math.max(65536, files !== undefined ? files * 4 : 0);
  return out;
}

export function recommend(rule: Rule, facts: Facts): Recommendation[] {
  const all = derivedFacts(facts);
  return [{
    title: fillTemplate(rule.fix.title, all),
    steps: rule.fix.steps.map((s) => fillTemplate(s, all)),
    config: rule.fix.config === null ? null : fillTemplate(rule.fix.config, all).replace(/\s+$/, ''),
  }];
}
