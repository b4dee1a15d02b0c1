// Keeps binary data out of the line scanner. A run of NUL bytes at the start is padding, not a
// binary file: copytruncate leaves such a hole when the writer does not append (O_APPEND) and
// goes on writing at its old offset; what follows it is read as text. NUL bytes after text mean a
// core, an archive or an image.
import { InputError } from './source.js';

/** Bytes of the text that are looked at for NULs. */
const SNIFF_BYTES = 8192;
/** Beyond this much leading NUL, it is not a hole before a log (/dev/zero, a zeroed disk image). */
const MAX_PADDING = 1 << 30;

export interface TextContext {
  name: string;
  /** Something the user should know: the padding skipped, a binary file passed over. */
  note: (message: string) => void;
  /** Named by the user: a binary file is an input error. Found in a folder: a note, and skipped. */
  named: boolean;
}

/** The first bytes after any leading NULs hold a NUL: not text. */
export function looksBinary(head: Buffer): boolean {
  let i = 0;
  while (i < head.length && head[i] === 0) i++;
  return head.subarray(i).includes(0);
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** The input without its leading NULs; stops with a note (or an InputError when named) at binary
 *  data. Nothing is held back: a live pipe's first line is scanned as soon as it comes. */
export async function* textOnly(input: AsyncIterable<Buffer>, ctx: TextContext): AsyncGenerator<Buffer> {
  let padding = 0;
  let seen = 0;
  const binary = (why: string) => {
    const msg = `${ctx.name}: binary file${why}, not a log; skipped`;
    if (ctx.named) throw new InputError(msg);
    ctx.note(msg);
  };
  for await (let chunk of input) {
    if (!seen) {
      let i = 0;
      while (i < chunk.length && chunk[i] === 0) i++;
      padding += i;
      if (padding > MAX_PADDING) return binary(` (more than ${bytes(MAX_PADDING)} of NUL bytes)`);
      if (i === chunk.length) continue;
      chunk = chunk.subarray(i);
    }
    if (seen < SNIFF_BYTES && chunk.subarray(0, SNIFF_BYTES - seen).includes(0)) return binary('');
    if (!seen && padding) ctx.note(`${ctx.name}: ${bytes(padding)} of NUL bytes at the start skipped (the hole copytruncate leaves when the writer does not append)`);
    seen += chunk.length;
    yield chunk;
  }
  if (padding && !seen) binary(' (only NUL bytes)');
}
