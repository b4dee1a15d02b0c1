// Every piece of report text that reaches the page goes through here: log lines, titles, facts and
// paths are user text. Escaped for both element content and quoted attributes; control characters
// (a log's ANSI colour escapes, NULs) become their visible Unicode pictures (␛, ␀); C1 controls,
// which have no pictures and which a terminal showing the file may obey, become \x9b-style text.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value)
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch])
    // C0 controls but tab and newline, DEL, and lone surrogates (not valid in a document).
    .replace(/[\u0000-\u0008\u000b-\u001f]/g, (ch) => String.fromCharCode(0x2400 + ch.charCodeAt(0)))
    .replace(/\u007f/g, '\u2421')
    .replace(/[\u0080-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16)}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A fragment identifier safe in an id and an href: incident ids are hex, but make sure. */
export function anchor(id: string): string {
  return 'inc-' + id.replace(/[^A-Za-z0-9_-]/g, '_');
}
