import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../src/rules/literals.js';

const lits = (src: string, flags = '') => requiredLiterals(src, flags)?.literals ?? null;

describe('requiredLiterals', () => {
  it('takes the longest fixed run of a sequence', () => {
    expect(lits('Out of memory: Killed process (?<pid>\\d+)')).toEqual(['Out of memory: Killed process ']);
  });

  it('gives every branch of a required alternation', () => {
    // The branches are longer than the run after them, so they make the better prefilter.
    expect(lits('(?:segfault|general protection) at')).toEqual(['segfault', 'general protection']);
    expect(lits('(?:ab|cd) happened here')).toEqual([' happened here']);
  });

  it('skips optional parts and keeps the first certain repetition', () => {
    expect(lits('(?:Worker )?exceeded memory limit')).toEqual(['exceeded memory limit']);
    // b+ ends in a certain b, which the run after it can keep.
    expect(lits('ab+cdef')).toEqual(['bcdef']);
  });

  it('reads escapes as the characters they stand for', () => {
    expect(lits('\\[clw-gc-pause\\]')).toEqual(['[clw-gc-pause]']);
    expect(lits('GLIBC_\\d+\\.\\d+\' not found')).toEqual(["' not found"]);
  });

  it('lowers case for case-insensitive regexes', () => {
    expect(requiredLiterals('Too Many Open Files', 'i')).toEqual({ literals: ['too many open files'], ignoreCase: true });
  });

  it('returns null when nothing is required', () => {
    expect(lits('\\d+|\\w+')).toBeNull();
    expect(lits('(?:abc)?\\d')).toBeNull();
  });
});
