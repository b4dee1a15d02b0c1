// Required literals: a set of strings such that every match of the regex contains at least one.
// The prefilter searches chunks for these, so only lines that can match reach the full regex.
import { parseRegex, type RegexNode } from './regex-ast.js';

type LiteralSet = string[] | null;

/** Shortest member first; a set is only as selective as its weakest member. */
function strength(set: LiteralSet): number {
  if (!set || set.length === 0) return -1;
  const shortest = Math.min(...set.map((s) => s.length));
  return shortest * 4 - (set.length - 1);
}

function better(a: LiteralSet, b: LiteralSet): LiteralSet {
  return strength(b) > strength(a) ? b : a;
}

/** The literal text a node always matches in full, or null when it varies. */
function fixedText(node: RegexNode): string | null {
  if (node.type === 'char') return node.ch;
  if (node.type === 'group') return fixedText(node.body);
  if (node.type === 'seq') {
    let out = '';
    for (const item of node.items) {
      const t = fixedText(item);
      if (t === null) return null;
      out += t;
    }
    return out;
  }
  if (node.type === 'quant' && node.min === node.max) {
    const t = fixedText(node.item);
    return t === null ? null : t.repeat(node.min);
  }
  return null;
}

function required(node: RegexNode): LiteralSet {
  switch (node.type) {
    case 'char': return [node.ch];
    case 'group': return required(node.body);
    case 'quant': return node.min >= 1 ? required(node.item) : null;
    case 'alt': {
      const out: string[] = [];
      for (const alt of node.alts) {
        const set = required(alt);
        if (!set) return null;
        out.push(...set);
      }
      return [...new Set(out)];
    }
    case 'seq': return requiredInSeq(node.items);
    default: return null;
  }
}

function requiredInSeq(items: RegexNode[]): LiteralSet {
  let best: LiteralSet = null;
  let run = '';
  const endRun = () => {
    if (run) best = better(best, [run]);
    run = '';
  };
  for (const item of items) {
    const text = fixedText(item);
    if (text !== null) {
      run += text;
      continue;
    }
    if (item.type === 'assert') continue; // zero width: the run goes on
    if (item.type === 'quant' && item.min >= 1) {
      // The first repetition is certain: it can end the current run.
      const t = fixedText(item.item);
      if (t !== null) {
        run += t;
        endRun();
        run = t;
        continue;
      }
    }
    endRun();
    best = better(best, required(item));
  }
  endRun();
  return best;
}

export interface RequiredLiterals {
  literals: string[];
  /** The regex is case-insensitive, so the literals are lower case and must be searched so. */
  ignoreCase: boolean;
}

/** Returns the literals, or null when no literal is required (the prefilter cannot help). */
export function requiredLiterals(source: string, flags = ''): RequiredLiterals | null {
  const set = required(parseRegex(source));
  if (!set || set.length === 0) return null;
  const ignoreCase = flags.includes('i');
  return { literals: set.map((s) => (ignoreCase ? s.toLowerCase() : s)), ignoreCase };
}

export function literalStrength(lits: RequiredLiterals | null): number {
  return lits ? Math.min(...lits.literals.map((s) => s.length)) : 0;
}
