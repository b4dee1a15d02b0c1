// Log lines, file names, facts and what gdb read from a core are someone else's bytes, and a
// terminal obeys the control characters in them: ESC starts sequences that set the window title,
// clear the screen, hide text or forge a link (OSC 8), and a C1 character such as U+009B is a CSI
// on its own. Shown as escapes (\x1b, \n) they are visible and inert. Tab stays. Imports nothing,
// so any stage may use it.

// C0 controls but tab, DEL, and the C1 controls.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const HAS_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
// The same, leaving line feeds for text that is several lines on purpose (a rule's config block).
const CONTROL_BUT_LF = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function shown(ch: string): string {
  return NAMED[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** `s` with its control characters (but tab, and line feeds when asked) as visible escapes. */
export function escapeControl(s: string, opts: { keepNewlines?: boolean } = {}): string {
  if (!HAS_CONTROL.test(s)) return s;
  return s.replace(opts.keepNewlines ? CONTROL_BUT_LF : CONTROL, shown);
}

/** A copy of a JSON-shaped value (a report, a live update) with every string escaped; strings
 *  under a key in `multiLine` keep their line feeds. */
export function escapeControlDeep<T>(value: T, multiLine: ReadonlySet<string> = new Set()): T {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return escapeControl(v, { keepNewlines: multiLine.has(key) });
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[escapeControl(k)] = walk(x, k);
      return out;
    }
    return v;
  };
  return walk(value, '') as T;
}

/** JSON text with DEL and the C1 controls as \u escapes, which JSON.stringify leaves raw (it
 *  escapes only C0). Outside strings JSON has no such characters, so the data is unchanged. */
export function jsonControlEscaped(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
