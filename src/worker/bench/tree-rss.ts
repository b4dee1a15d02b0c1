// RSS of a worker's whole process tree (supervisor, worker, task children, native handlers), from
// /proc. A process belongs to the tree when it descends from the root or sits in the root's process
// group: the group also holds a task child orphaned by a dying worker, which no longer descends from it.
import { readdirSync, readFileSync } from 'node:fs';
import { rssOf } from '../memory.js';
import { statFields } from '../proc-stat.js';

interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
}

function procEntries(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const f = statFields(stat);
    if (!f) continue;
    // ppid is proc(5)'s field 4, pgrp field 5.
    out.push({ pid: Number(name), ppid: Number(f[1]), pgrp: Number(f[2]) });
  }
  return out;
}

/** The pids of root's tree, root included when it still runs. */
export function treePids(root: number): number[] {
  const entries = procEntries();
  const inTree = new Set(entries.filter((e) => e.pid === root || e.pgrp === root).map((e) => e.pid));
  // Descendants that left the group (setsid) are found by following parents until nothing changes.
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of entries) {
      if (!inTree.has(e.pid) && inTree.has(e.ppid)) {
        inTree.add(e.pid);
        grew = true;
      }
    }
  }
  return [...inTree];
}

export interface TreeSample {
  rssBytes: number;
  processes: number;
}

export function sampleTree(root: number): TreeSample {
  const pids = treePids(root);
  return { rssBytes: pids.reduce((sum, pid) => sum + rssOf(pid), 0), processes: pids.length };
}

/** Keeps the largest tree RSS seen over repeated samples. */
export class PeakTracker {
  peakRssBytes = 0;
  peakProcesses = 0;
  samples = 0;

  constructor(private readonly root: number) {}

  sample(): void {
    const s = sampleTree(this.root);
    this.samples++;
    this.peakRssBytes = Math.max(this.peakRssBytes, s.rssBytes);
    this.peakProcesses = Math.max(this.peakProcesses, s.processes);
  }
}
