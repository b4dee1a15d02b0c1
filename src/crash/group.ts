// The same crash in N cores is one incident with count N: analyses with the same signature fold
// into one group, whose CrashInfo lists every core (oldest first) and whose representative is the
// newest analysis (the most recent evidence of the crash).
import type { CrashInfo } from '../types.js';
import type { CoreAnalysis } from './core-analysis.js';

export interface CrashGroup {
  signature: string;
  /** The newest core's crash, with `cores` listing every core of the group. */
  crash: CrashInfo;
  kind: CoreAnalysis['kind'];
  count: number;
  /** The analyses in the group, oldest first. */
  analyses: CoreAnalysis[];
  firstSeen: number;
  lastSeen: number;
}

export function groupCrashes(analyses: CoreAnalysis[]): CrashGroup[] {
  const groups = new Map<string, CoreAnalysis[]>();
  for (const a of analyses) {
    if (!a.crash) continue;
    const list = groups.get(a.crash.signature);
    if (list) list.push(a);
    else groups.set(a.crash.signature, [a]);
  }
  return [...groups.entries()].map(([signature, list]) => {
    list.sort((x, y) => x.time - y.time);
    const newest = list[list.length - 1];
    return {
      signature,
      crash: { ...newest.crash!, cores: list.map((a) => a.core) },
      kind: newest.kind,
      count: list.length,
      analyses: list,
      firstSeen: list[0].time,
      lastSeen: newest.time,
    };
  }).sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen);
}
