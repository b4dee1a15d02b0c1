// Re-cuts a byte stream into chunks that end on a line boundary, so the matcher never sees half a
// line. Chunks are views, not copies: only the line that straddles two reads is copied. A line
// longer than `maxLine` is cut there and the rest of it skipped, keeping memory flat.

export interface AlignOptions {
  maxLine?: number;
  /** Called when an over-long line ends, with its 1-based number and full length. */
  onLongLine?: (line: number, bytes: number) => void;
}

const DEFAULT_MAX_LINE = 1 << 20;
const NEWLINE = Buffer.from('\n');

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

export async function* alignLines(input: AsyncIterable<Buffer | string>, opts: AlignOptions = {}): AsyncGenerator<Buffer> {
  const maxLine = opts.maxLine ?? DEFAULT_MAX_LINE;
  let carry: Buffer[] = [];
  let carried = 0;
  let skipping = false;
  let skipped = 0;
  // Lines handed over so far; the reader runs ahead of the matcher, so it counts for itself.
  let lines = 0;
  const give = (b: Buffer) => { lines += countNewlines(b); return b; };
  for await (const piece of input) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) { skipped += chunk.length; continue; }
      opts.onLongLine?.(lines, maxLine + skipped + nl);
      skipping = false;
      chunk = chunk.subarray(nl + 1);
    }
    const first = chunk.indexOf(10);
    if (first < 0) {
      carry.push(chunk);
      carried += chunk.length;
      if (carried > maxLine) {
        // Hand over the start of the long line as a line of its own; drop the rest up to its newline.
        const all = Buffer.concat(carry);
        yield give(Buffer.concat([all.subarray(0, maxLine), NEWLINE]));
        skipping = true;
        skipped = all.length - maxLine;
        carry = [];
        carried = 0;
      }
      continue;
    }
    if (carried) {
      // The straddling line, completed: a small copy.
      yield give(Buffer.concat([...carry, chunk.subarray(0, first + 1)]));
      carry = [];
      carried = 0;
      chunk = chunk.subarray(first + 1);
    }
    const last = chunk.lastIndexOf(10);
    if (last >= 0) yield give(chunk.subarray(0, last + 1));
    const rest = chunk.subarray(last + 1);
    if (rest.length) {
      carry.push(rest);
      carried = rest.length;
    }
  }
  if (skipping) opts.onLongLine?.(lines, maxLine + skipped);
  else if (carried) yield Buffer.concat(carry);
}
