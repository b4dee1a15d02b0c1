import { describe, expect, it } from 'vitest';
import { alignLines } from '../../src/sources/lines.js';

async function collect(pieces: string[], maxLine?: number) {
  const notes: [number, number][] = [];
  const out: string[] = [];
  async function* gen() { for (const p of pieces) yield Buffer.from(p); }
  for await (const c of alignLines(gen(), { maxLine, onLongLine: (l, b) => notes.push([l, b]) })) out.push(c.toString());
  return { out, notes };
}

describe('alignLines', () => {
  it('cuts chunks on line ends and keeps a final line without a newline', async () => {
    const { out } = await collect(['ab', 'c\nde', 'f\ngh']);
    expect(out).toEqual(['abc\n', 'def\n', 'gh']);
  });

  it('cuts a line longer than the cap and skips the rest of it', async () => {
    const { out, notes } = await collect(['x\n', 'aaaa', 'aaaa', 'aa\nok\n'], 5);
    expect(out).toEqual(['x\n', 'aaaaa\n', 'ok\n']);
    expect(notes).toEqual([[2, 10]]);
  });

  it('hands over whole lines however the reads are cut', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i} ${'x'.repeat(i % 13)}`).join('\n') + '\n';
    for (const size of [1, 3, 17, 100]) {
      const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      const { out } = await collect(pieces);
      expect(out.join('')).toBe(text);
      for (const c of out) expect(c.endsWith('\n')).toBe(true);
    }
  });
});
