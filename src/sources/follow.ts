// `--follow FILE`: keeps reading a file as it grows, with `tail -F` semantics. First version: polls
// the file's identity and size (rename rotation, copytruncate, a file that appears later).
import { open, stat, type FileHandle } from 'node:fs/promises';
import { CHUNK_BYTES, type OpenContext, type Source } from './source.js';

const POLL_MS = 100;

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

async function* follow(path: string, ctx: OpenContext): AsyncGenerator<Buffer> {
  let fh: FileHandle | null = null;
  let ino = -1;
  let pos = 0;
  let endsWithNewline = true;
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  async function* drain(): AsyncGenerator<Buffer> {
    for (;;) {
      const { bytesRead } = await fh!.read(buf, 0, buf.length, pos);
      if (!bytesRead) return;
      pos += bytesRead;
      endsWithNewline = buf[bytesRead - 1] === 10;
      yield Buffer.from(buf.subarray(0, bytesRead));
    }
  }
  while (!ctx.signal?.aborted) {
    const st = await stat(path).catch(() => null);
    if (st && st.ino !== ino) {
      if (fh) {
        // Rotated: the old file's last lines first, then the new file from its start.
        yield* drain();
        if (!endsWithNewline) yield Buffer.from('\n');
        await fh.close();
        ctx.note?.(`${path}: rotated; reading the new file`);
      }
      fh = await open(path, 'r').catch(() => null);
      ino = fh ? st.ino : -1;
      pos = 0;
    } else if (st && fh && st.size < pos) {
      ctx.note?.(`${path}: truncated; reading again from its start`);
      pos = 0;
    }
    if (fh) yield* drain();
    await sleep(POLL_MS, ctx.signal);
  }
  if (fh) {
    yield* drain();
    await fh.close();
  }
}

export function followSource(path: string, kind: Source['kind'] = 'file'): Source {
  return { kind, name: path, live: true, open: (ctx = {}) => follow(path, ctx) };
}
