// /proc/PID/stat, read by the progress watchdog and by bench's process-tree walk.

/** The fields after the command name, the state first (proc(5)'s field 3 is index 0 here). The
 *  name may hold spaces and parentheses, so the fields start after its last ')'; null when malformed. */
export function statFields(text: string): string[] | null {
  const end = text.lastIndexOf(')');
  return end < 0 ? null : text.slice(end + 2).split(' ');
}
