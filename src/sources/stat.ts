// stat that never throws: a link loop (ELOOP) or an unreadable parent is the reader's to name, in
// one line, not a crash of the run that looked first.
import { lstatSync, statSync, type Stats } from 'node:fs';

/** The path's stat, following links; undefined when there is none or it cannot be had. */
export function statQuiet(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Something is there by that name, if only a link that leads nowhere or round in a loop. */
export function entryExists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}
