// Finds regex shapes that can backtrack catastrophically: a repeated piece that itself repeats
// ((a+)+, (\w*\s?)*), or a repeated alternation whose branches can start alike ((a|ab)*).
import { parseRegex, type RegexNode } from './regex-ast.js';

function containsUnbounded(node: RegexNode): boolean {
  switch (node.type) {
    case 'quant': return node.max > 1 || containsUnbounded(node.item);
    case 'group': return containsUnbounded(node.body);
    case 'alt': return node.alts.some(containsUnbounded);
    case 'seq': return node.items.some(containsUnbounded);
    default: return false;
  }
}

function firstChars(node: RegexNode): Set<string> | 'any' {
  switch (node.type) {
    case 'char': return new Set([node.ch]);
    case 'class': return new Set(node.chars);
    case 'group': return firstChars(node.body);
    case 'quant': return firstChars(node.item);
    case 'alt': {
      const out = new Set<string>();
      for (const a of node.alts) {
        const f = firstChars(a);
        if (f === 'any') return 'any';
        f.forEach((c) => out.add(c));
      }
      return out;
    }
    case 'seq': {
      for (const item of node.items) {
        if (item.type === 'assert') continue;
        return firstChars(item);
      }
      return new Set();
    }
    default: return 'any';
  }
}

function overlappingAlternation(node: RegexNode): boolean {
  const body = node.type === 'group' ? node.body : node;
  if (body.type !== 'alt') return false;
  const seen = new Set<string>();
  for (const alt of body.alts) {
    const f = firstChars(alt);
    if (f === 'any') return true;
    for (const c of f) {
      if (seen.has(c)) return true;
      seen.add(c);
    }
  }
  return false;
}

function walk(node: RegexNode, problems: string[]): void {
  if (node.type === 'quant' && node.max > 1) {
    if (containsUnbounded(node.item)) problems.push('a repeated group contains another repetition (nested quantifiers)');
    else if (overlappingAlternation(node.item)) problems.push('a repeated alternation has branches that can match the same text');
  }
  if (node.type === 'quant') walk(node.item, problems);
  else if (node.type === 'group') walk(node.body, problems);
  else if (node.type === 'alt') node.alts.forEach((a) => walk(a, problems));
  else if (node.type === 'seq') node.items.forEach((i) => walk(i, problems));
}

/** Reasons the regex may backtrack catastrophically; empty when it looks safe. */
export function backtrackingRisks(source: string): string[] {
  const problems: string[] = [];
  walk(parseRegex(source), problems);
  return [...new Set(problems)];
}
