// Compressed logs, told by their first bytes, not their names (a pipe has no name to go by): gzip
// through zlib; zstd, xz and lz4 through the system tool, as a stream, so a rotated log is never
// unpacked to disk or held in memory.
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { InputError } from './source.js';

interface Format {
  name: string;
  magic: number[];
  /** The system tool and the Debian package it comes in; none for gzip (zlib). */
  tool?: { file: string; args: string[]; pkg: string };
}

const FORMATS: Format[] = [
  { name: 'gzip', magic: [0x1f, 0x8b] },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], tool: { file: 'zstd', args: ['-dcq'], pkg: 'zstd' } },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], tool: { file: 'xz', args: ['-dcq'], pkg: 'xz-utils' } },
  { name: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18], tool: { file: 'lz4', args: ['-dcq'], pkg: 'lz4' } },
];

/** Bytes enough to tell every format above. */
export const MAGIC_BYTES = 6;

export function compression(head: Buffer): Format | null {
  return FORMATS.find((f) => head.length >= f.magic.length && f.magic.every((b, i) => head[i] === b)) ?? null;
}

export interface DecompressContext {
  name: string;
  /** The tool is missing: the input is left unread with this note. */
  missing: (message: string) => void;
}

/** The first bytes, gathered until a format can be told, and the stream put back together. */
async function peek(input: AsyncIterable<Buffer>): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = input[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let got = 0;
  let ended = false;
  while (got < MAGIC_BYTES) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    first.push(r.value);
    got += r.value.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* first;
    if (ended) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { head: Buffer.concat(first).subarray(0, MAGIC_BYTES), all: all() };
}

/** The input's text: unpacked when its first bytes say it is compressed, as it is otherwise. */
export async function* decompressed(input: AsyncIterable<Buffer>, ctx: DecompressContext): AsyncGenerator<Buffer> {
  const { head, all } = await peek(input);
  const format = compression(head);
  if (!format) return yield* all;
  if (!format.tool) {
    try {
      // pipeline, not pipe: a read error of the file must end the unpacking, not stall it.
      const gunzip = createGunzip({ chunkSize: 1 << 20 });
      pipeline(Readable.from(all), gunzip, () => {});
      return yield* gunzip;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new InputError(`${ctx.name}: corrupt gzip data`);
      throw err;
    }
  }
  yield* throughTool(all, format, ctx);
}

async function* throughTool(input: AsyncIterable<Buffer>, format: Format, ctx: DecompressContext): AsyncGenerator<Buffer> {
  const tool = format.tool!;
  const child = execa(tool.file, tool.args, {
    input: Readable.from(input), encoding: 'buffer', buffer: { stdout: false, stderr: true }, reject: false, stripFinalNewline: false,
  });
  let read = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
    read = true;
  } finally {
    // The reader stopped early: the tool is not needed any more.
    if (!read) child.kill();
  }
  const result = await child;
  if ((result as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String(result.message ?? ''))) {
    ctx.missing(`${ctx.name}: compressed with ${format.name}, and ${tool.file} is not installed; apt-get install ${tool.pkg}`);
    return;
  }
  if (result.exitCode !== 0) {
    const said = Buffer.from(result.stderr as unknown as Uint8Array).toString('utf8').trim().split('\n')[0];
    throw new InputError(`${ctx.name}: corrupt ${format.name} data${said ? ` (${tool.file}: ${said.replace(/^\S+:\s*/, '').replace(/^(?:\/\*stdin\*\\|\(stdin\))\s*:\s*/, '')})` : ''}`);
  }
}
