import { describe, expect, it } from 'vitest';
import { backtrackingRisks } from '../../src/rules/backtracking.js';

describe('backtrackingRisks', () => {
  it.each(['(a+)+$', '(\\w+\\s?)*x', '(?:.*,)*end', '(a|ab)*c', '(\\d|\\w)+!'])('flags %s', (src) => {
    expect(backtrackingRisks(src).length).toBeGreaterThan(0);
  });

  it.each(['Out of memory: Killed process (\\d+) \\(([^)]+)\\)', '(?:ab|cd)+', 'x{2,3}(?:foo)?', '[a-z]+-\\d+'])('accepts %s', (src) => {
    expect(backtrackingRisks(src)).toEqual([]);
  });
});
