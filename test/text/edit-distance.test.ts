import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/text/edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('gc_pause_ms', 'gc_pause_ms')).toBe(0);
    expect(editDistance('gc_pause_msx', 'gc_pause_ms')).toBe(1);
    expect(editDistance('max_memroy_gb', 'max_memory_gb')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
