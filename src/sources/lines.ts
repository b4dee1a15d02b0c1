// Re-cuts a byte stream into chunks that end on a line boundary, so the matcher never sees half a
// line. A line longer than `maxLine` is cut there and the rest of it skipped, keeping memory flat.

export interface AlignOptions {
  maxLine?: number;
  /** Called once per over-long line with its 1-based number. */
  onLongLine?: (line: number, bytes: number) => void;
}

const DEFAULT_MAX_LINE = 1 << 20;

function countNewlines(buf: Buffer, end = buf.length): number {
  let n = 0;
  let i = buf.indexOf(10, 0);
  while (i !== -1 && i < end) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}

export async function* alignLines(input: AsyncIterable<Buffer | string>, opts: AlignOptions = {}): AsyncGenerator<Buffer> {
  const maxLine = opts.maxLine ?? DEFAULT_MAX_LINE;
  let carry: Buffer = Buffer.alloc(0);
  let skipping = false;
  let skipped = 0;
  let linesBefore = 0;
  for await (const piece of input) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) { skipped += chunk.length; continue; }
      skipped += nl;
      opts.onLongLine?.(linesBefore + 1, maxLine + skipped);
      skipping = false;
      linesBefore++;
      chunk = chunk.subarray(nl + 1);
    }
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      carry = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      if (carry.length > maxLine) {
        // Hand over the start of the long line as a line of its own; drop the rest up to its newline.
        yield Buffer.concat([carry.subarray(0, maxLine), Buffer.from('\n')]);
        skipping = true;
        skipped = carry.length - maxLine;
        carry = Buffer.alloc(0);
      }
      continue;
    }
    const out = carry.length ? Buffer.concat([carry, chunk.subarray(0, last + 1)]) : chunk.subarray(0, last + 1);
    carry = Buffer.from(chunk.subarray(last + 1));
    linesBefore += countNewlines(out);
    yield out;
  }
  if (skipping) opts.onLongLine?.(linesBefore + 1, maxLine + skipped);
  else if (carry.length) yield carry;
}
