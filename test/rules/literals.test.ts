import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../src/rules/literals.js';

const lits = (src: string, flags = '') => requiredLiterals(src, flags)?.literals ?? null;

describe('requiredLiterals', () => {
  it('takes the longest fixed run of a sequence', () => {
    expect(lits('Out of memory: Killed process (?<pid>\\d+)')).toEqual(['Out of memory: Killed process ']);
  });

  it('gives every branch of a required alternation', () => {
    expect(lits('(?:segfault|general protection) at')).toEqual(['segfault at', 'general protection at']);
    expect(lits('(?:segfault|general protection)\\d')).toEqual(['segfault', 'general protection']);
    expect(lits('(?:ab|cd) happened here')).toEqual(['ab happened here', 'cd happened here']);
  });

  it('skips optional parts and keeps the first certain repetition', () => {
    expect(lits('(?:Worker )?exceeded memory limit')).toEqual(['exceeded memory limit']);
    // b+ ends in a certain b, which the run after it can keep.
    expect(lits('ab+cdef')).toEqual(['bcdef']);
  });

  it('expands small classes into variants', () => {
    expect(lits('[Ss]upervisor: (\\w+)')).toEqual(['Supervisor: ', 'supervisor: ']);
    expect(lits('[A-Z]upervisor')).toEqual(['upervisor']);
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
