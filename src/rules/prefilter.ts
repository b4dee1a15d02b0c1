// Finds where any of many literals occurs in a buffer: Wu-Manber, with 3-byte blocks hashed into a
// shift table. V8's regex engine slows down roughly linearly with the number of alternatives; this
// skips up to (shortest literal - 2) bytes per step whatever their number. Bytes are case-folded in
// the hash so case-insensitive literals share the table; the final comparison is exact for the rest.

const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 65 && i <= 90 ? i + 32 : i;

const BITS = 15;
const MASK = (1 << BITS) - 1;
const BLOCK = 3;

function hash(a: number, b: number, c: number): number {
  return ((FOLD[a] << 10) ^ (FOLD[b] << 5) ^ FOLD[c]) & MASK;
}

export interface Literal {
  text: string;
  ignoreCase: boolean;
}

export class LiteralSearch {
  /** Length of the shortest literal, in bytes. */
  readonly minLength: number;
  private readonly patterns: Buffer[];
  private readonly caseless: boolean[];
  private readonly shift: Uint8Array;
  private readonly buckets: number[][];

  constructor(literals: Literal[]) {
    this.patterns = literals.map((l) => Buffer.from(l.text, 'utf8'));
    this.caseless = literals.map((l) => l.ignoreCase);
    const m = this.patterns.length ? Math.min(...this.patterns.map((p) => p.length)) : 0;
    if (this.patterns.length && m < BLOCK) throw new Error(`prefilter literals need ${BLOCK} bytes or more`);
    this.minLength = m;
    this.shift = new Uint8Array(1 << BITS).fill(Math.max(1, m - BLOCK + 1));
    this.buckets = Array.from({ length: 1 << BITS }, () => []);
    this.patterns.forEach((p, index) => {
      for (let j = BLOCK; j <= m; j++) {
        const h = hash(p[j - 3], p[j - 2], p[j - 1]);
        const s = m - j;
        if (s < this.shift[h]) this.shift[h] = s;
        if (s === 0) this.buckets[h].push(index);
      }
    });
  }

  /** Start of the first literal at or after `from` and ending by `end`, or -1. */
  find(buf: Uint8Array, from: number, end: number): number {
    return this.scan(buf, from, end, null);
  }

  /** The first literal of every line that holds one: the candidate lines of a chunk. */
  candidateLines(buf: Uint8Array, end: number): Int32Array {
    const hits: number[] = [];
    let pos = 0;
    for (;;) {
      const hit = this.find(buf, pos, end);
      if (hit < 0) break;
      hits.push(hit);
      const nl = buf.indexOf(10, hit);
      if (nl < 0) break;
      pos = nl + 1;
    }
    return Int32Array.from(hits);
  }

  /** Indices of every literal that occurs in buf[from, end) (a candidate line). */
  findAll(buf: Uint8Array, from: number, end: number): Set<number> {
    const found = new Set<number>();
    this.scan(buf, from, end, found);
    return found;
  }

  /** With `found`, collects every literal to `end`; without, stops at the first. */
  private scan(buf: Uint8Array, from: number, end: number, found: Set<number> | null): number {
    const m = this.minLength;
    if (!this.patterns.length) return -1;
    const shift = this.shift;
    let i = from + m - 1;
    while (i < end) {
      const h = ((FOLD[buf[i - 2]] << 10) ^ (FOLD[buf[i - 1]] << 5) ^ FOLD[buf[i]]) & MASK;
      const s = shift[h];
      if (s !== 0) {
        i += s;
        continue;
      }
      const start = i - m + 1;
      const bucket = this.buckets[h];
      for (let k = 0; k < bucket.length; k++) {
        if (!this.matchesAt(buf, start, end, bucket[k])) continue;
        if (!found) return start;
        found.add(bucket[k]);
      }
      i++;
    }
    return -1;
  }

  private matchesAt(buf: Uint8Array, start: number, end: number, index: number): boolean {
    const p = this.patterns[index];
    if (start + p.length > end) return false;
    if (this.caseless[index]) {
      for (let q = 0; q < p.length; q++) if (FOLD[buf[start + q]] !== FOLD[p[q]]) return false;
    } else {
      for (let q = 0; q < p.length; q++) if (buf[start + q] !== p[q]) return false;
    }
    return true;
  }
}
