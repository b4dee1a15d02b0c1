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

const MAX_VARIANTS = 16;

function product(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_VARIANTS) return null;
  return a.flatMap((x) => b.map((y) => x + y));
}

/** The texts a node always matches in full (one of them), or null when it varies too much. */
function fixedTexts(node: RegexNode): string[] | null {
  switch (node.type) {
    case 'char': return [node.ch];
    case 'class': return node.chars;
    case 'group': return fixedTexts(node.body);
    case 'alt': {
      const out: string[] = [];
      for (const a of node.alts) {
        const t = fixedTexts(a);
        if (!t) return null;
        out.push(...t);
      }
      return out.length <= MAX_VARIANTS ? [...new Set(out)] : null;
    }
    case 'seq': {
      let out: string[] | null = [''];
      for (const item of node.items) {
        const t = fixedTexts(item);
        out = t && out ? product(out, t) : null;
        if (!out) return null;
      }
      return out;
    }
    case 'quant': {
      if (node.min !== node.max) return null;
      const t = fixedTexts(node.item);
      let out: string[] | null = [''];
      for (let i = 0; i < node.min && out; i++) out = t ? product(out, t) : null;
      return out;
    }
    default: return null;
  }
}

function required(node: RegexNode): LiteralSet {
  switch (node.type) {
    case 'char': return [node.ch];
    case 'class': return node.chars;
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
  let run: string[] = [''];
  const endRun = () => {
    if (run.some((r) => r)) best = better(best, run);
    run = [''];
  };
  for (const item of items) {
    const texts = fixedTexts(item);
    const joined = texts ? product(run, texts) : null;
    if (joined) {
      run = joined;
      continue;
    }
    if (item.type === 'assert') continue; // zero width: the run goes on
    if (item.type === 'quant' && item.min >= 1) {
      // The first repetition is certain and so is the last: one run ends, the next starts.
      const t = fixedTexts(item.item);
      const head = t ? product(run, t) : null;
      if (t && head) {
        run = head;
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
