// A small parser for the JavaScript regex syntax rules use. It is not a validator (RegExp is);
// it gives the prefilter its required literals and the lint its nesting of quantifiers.

export type RegexNode =
  | { type: 'char'; ch: string }
  | { type: 'any' }                       // '.', \d, a large or negated class and the like
  | { type: 'class'; chars: string[] }    // a small class of plain characters: [Ee], [-_]
  | { type: 'assert' }                    // ^ $ \b \B and lookarounds: zero width
  | { type: 'backref' }
  | { type: 'group'; body: RegexNode }
  | { type: 'alt'; alts: RegexNode[] }
  | { type: 'seq'; items: RegexNode[] }
  | { type: 'quant'; item: RegexNode; min: number; max: number };

const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'p', 'P']);
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

export function parseRegex(source: string): RegexNode {
  let pos = 0;

  function parseAlt(): RegexNode {
    const alts: RegexNode[] = [parseSeq()];
    while (source[pos] === '|') {
      pos++;
      alts.push(parseSeq());
    }
    return alts.length === 1 ? alts[0] : { type: 'alt', alts };
  }

  function parseSeq(): RegexNode {
    const items: RegexNode[] = [];
    while (pos < source.length && source[pos] !== '|' && source[pos] !== ')') {
      const atom = parseAtom();
      items.push(parseQuantifier(atom));
    }
    return { type: 'seq', items };
  }

  function parseQuantifier(atom: RegexNode): RegexNode {
    const c = source[pos];
    let min = -1;
    let max = -1;
    if (c === '*') { min = 0; max = Infinity; pos++; }
    else if (c === '+') { min = 1; max = Infinity; pos++; }
    else if (c === '?') { min = 0; max = 1; pos++; }
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(pos));
      if (m) {
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        pos += m[0].length;
      }
    }
    if (min < 0) return atom;
    if (source[pos] === '?') pos++; // lazy
    return parseQuantifier({ type: 'quant', item: atom, min, max });
  }

  function parseAtom(): RegexNode {
    const c = source[pos++];
    if (c === '\\') return parseEscape();
    if (c === '[') return parseClass();
    if (c === '.') return { type: 'any' };
    if (c === '^' || c === '$') return { type: 'assert' };
    if (c === '(') return parseGroup();
    return { type: 'char', ch: c };
  }

  function parseEscape(): RegexNode {
    const c = source[pos++];
    if (CLASS_ESCAPES.has(c)) {
      if ((c === 'p' || c === 'P') && source[pos] === '{') pos = source.indexOf('}', pos) + 1;
      return { type: 'any' };
    }
    if (c === 'b' || c === 'B') return { type: 'assert' };
    if (/[1-9]/.test(c)) return { type: 'backref' };
    if (c === 'k') { pos = source.indexOf('>', pos) + 1; return { type: 'backref' }; }
    if (c === 'x') { const hex = source.slice(pos, pos + 2); pos += 2; return { type: 'char', ch: String.fromCharCode(parseInt(hex, 16)) }; }
    if (c === 'u') {
      const hex = source.slice(pos, pos + 4);
      pos += 4;
      return { type: 'char', ch: String.fromCharCode(parseInt(hex, 16)) };
    }
    if (c === 'c') { pos++; return { type: 'any' }; }
    if (c in CONTROL_ESCAPES) return { type: 'char', ch: CONTROL_ESCAPES[c] };
    return { type: 'char', ch: c };
  }

  /** Up to four plain characters become a set; anything else is 'any'. */
  function parseClass(): RegexNode {
    const start = pos;
    while (pos < source.length && source[pos] !== ']') {
      if (source[pos] === '\\') pos++;
      pos++;
    }
    const body = source.slice(start, pos);
    pos++;
    const plain = /^[^\\^\]-]{1,4}$/.test(body) || /^(?:\\[.\-\[\]]|[^\\^\]-]){1,4}$/.test(body);
    if (!plain) return { type: 'any' };
    const chars = [...body.replace(/\\(.)/g, '$1')];
    return { type: 'class', chars: [...new Set(chars)] };
  }

  function parseGroup(): RegexNode {
    let zeroWidth = false;
    if (source[pos] === '?') {
      const next = source[pos + 1];
      if (next === ':') pos += 2;
      else if (next === '=' || next === '!') { pos += 2; zeroWidth = true; }
      else if (next === '<' && (source[pos + 2] === '=' || source[pos + 2] === '!')) { pos += 3; zeroWidth = true; }
      else if (next === '<') pos = source.indexOf('>', pos) + 1;
    }
    const body = parseAlt();
    pos++; // ')'
    return zeroWidth ? { type: 'assert' } : { type: 'group', body };
  }

  return parseAlt();
}
