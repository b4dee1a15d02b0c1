// Every line format in formats/ carries sample lines; each must read as its sample says, through
// the same envelope reader the matcher uses. Adding a format needs no new test code.
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/records/envelope.js';
import { DEFAULT_FORMATS_DIR, loadFormats, readHead } from '../../src/records/formats.js';

const problems: string[] = [];
const formats = loadFormats(DEFAULT_FORMATS_DIR, problems);

describe('line formats', () => {
  it('all load', () => {
    expect(problems).toEqual([]);
    expect(formats.length).toBeGreaterThan(0);
  });

  it('have distinct names', () => {
    const names = formats.map((f) => f.format.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const { format, re } of formats) {
    describe(format.name, () => {
      for (const sample of format.samples) {
        it(sample.line.slice(0, 90), () => {
          // The sample is this format's, and no format tried earlier claims it first.
          const sameRole = formats.filter((f) => f.format.role === format.role);
          expect(re.test(sample.line)).toBe(true);
          expect(readHead(sample.line, sameRole)?.format).toBe(format.name);
          const rec = parseEnvelope(sample.line, 'sample', 1);
          const { hasTime, ...fields } = sample.expect;
          expect(rec).toMatchObject(fields);
          if (hasTime !== undefined) expect(rec.time !== null).toBe(hasTime);
        });
      }
    });
  }
});
