// Just enough ELF to read a core's notes and a binary's build-id without gdb: the header, the
// program headers and note records, for both word sizes and byte orders. Every read is bounds-checked
// (a core is untrusted input); addresses are bigints because kernel and tagged addresses pass 2^53.
import type { FileHandle } from 'node:fs/promises';

export const ET_CORE = 4;
export const PT_LOAD = 1;
export const PT_NOTE = 4;
const PN_XNUM = 0xffff;

export interface ElfHeader {
  is64: boolean;
  le: boolean;
  type: number;
  machine: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
}

export interface Phdr {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
  memsz: number;
}

export interface Note {
  name: string;
  type: number;
  desc: Buffer;
}

/** Reads up to `length` bytes at `offset`; shorter (or empty) past the end. */
export type Reader = (offset: number, length: number) => Promise<Buffer>;

/** Never allocates more than the file holds (when its size is known) or 64 MiB: headers lie. */
export function fileReader(fh: FileHandle, size = Infinity): Reader {
  return async (offset, want) => {
    const length = Math.min(want, size - offset, 64 << 20);
    if (offset < 0 || !(length > 0) || !Number.isSafeInteger(offset)) return Buffer.alloc(0);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  };
}

/** Fixed-width reads in the file's byte order; out-of-range reads return 0 rather than throw. */
export class View {
  constructor(readonly buf: Buffer, readonly le: boolean, readonly is64: boolean) {}
  get wordSize(): number {
    return this.is64 ? 8 : 4;
  }
  u16(o: number): number {
    if (o < 0 || o + 2 > this.buf.length) return 0;
    return this.le ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }
  u32(o: number): number {
    if (o < 0 || o + 4 > this.buf.length) return 0;
    return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }
  i32(o: number): number {
    return this.u32(o) | 0;
  }
  u64(o: number): bigint {
    if (o < 0 || o + 8 > this.buf.length) return 0n;
    return this.le ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o);
  }
  word(o: number): bigint {
    return this.is64 ? this.u64(o) : BigInt(this.u32(o));
  }
  /** A word as a file offset or size; values past 2^53 become Infinity so bounds checks fail. */
  size(o: number): number {
    const w = this.word(o);
    return w > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(w);
  }
  cstring(o: number, max: number): string {
    const end = Math.min(this.buf.length, o + max);
    let i = o;
    while (i < end && this.buf[i] !== 0) i++;
    return this.buf.toString('utf8', o, i);
  }
}

export function parseHeader(buf: Buffer): ElfHeader | null {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) return null;
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return null;
  const v = new View(buf, data === 1, cls === 2);
  if (v.is64 && buf.length < 64) return null;
  const w = v.wordSize;
  // e_entry, e_phoff, e_shoff follow e_version (at 0x14); the u16 fields follow e_flags.
  const phoff = v.size(0x18 + w);
  const shoff = v.size(0x18 + 2 * w);
  const half = 0x18 + 3 * w + 4;
  return {
    is64: v.is64, le: v.le, type: v.u16(0x10), machine: v.u16(0x12),
    phoff, shoff, phentsize: v.u16(half + 2), phnum: v.u16(half + 4),
  };
}

/** The program headers; a core with more than 65534 of them keeps the count in section 0. */
export async function readPhdrs(read: Reader, h: ElfHeader, maxCount = 1 << 20): Promise<Phdr[]> {
  let count = h.phnum;
  if (count === PN_XNUM && Number.isFinite(h.shoff)) {
    const sh = new View(await read(h.shoff, h.is64 ? 64 : 40), h.le, h.is64);
    count = sh.u32(h.is64 ? 44 : 28); // sh_info of section 0
  }
  const ent = h.phentsize;
  if (!Number.isFinite(h.phoff) || ent < (h.is64 ? 56 : 32) || count === 0) return [];
  count = Math.min(count, maxCount);
  const buf = await read(h.phoff, count * ent);
  const v = new View(buf, h.le, h.is64);
  const out: Phdr[] = [];
  for (let i = 0; (i + 1) * ent <= buf.length; i++) {
    const o = i * ent;
    out.push(h.is64
      ? { type: v.u32(o), offset: v.size(o + 8), vaddr: v.u64(o + 16), filesz: v.size(o + 32), memsz: v.size(o + 40) }
      : { type: v.u32(o), offset: v.u32(o + 4), vaddr: BigInt(v.u32(o + 8)), filesz: v.u32(o + 16), memsz: v.u32(o + 20) });
  }
  return out;
}

/** Note records: namesz, descsz, type, then name and desc, each padded to 4 bytes. */
export function parseNotes(buf: Buffer, le: boolean): Note[] {
  const v = new View(buf, le, false);
  const out: Note[] = [];
  let o = 0;
  while (o + 12 <= buf.length) {
    const namesz = v.u32(o);
    const descsz = v.u32(o + 4);
    const type = v.u32(o + 8);
    const nameAt = o + 12;
    const descAt = nameAt + ((namesz + 3) & ~3);
    const next = descAt + ((descsz + 3) & ~3);
    if (descAt + descsz > buf.length || next <= o) break;
    out.push({ name: v.cstring(nameAt, namesz), type, desc: buf.subarray(descAt, descAt + descsz) });
    o = next;
  }
  return out;
}

const NT_GNU_BUILD_ID = 3;

/** The GNU build-id of an ELF image read through `read` (a file, or a mapping in a core's memory). */
export async function buildIdOf(read: Reader): Promise<string | null> {
  const h = parseHeader(await read(0, 64));
  if (!h) return null;
  for (const p of await readPhdrs(read, h, 256)) {
    if (p.type !== PT_NOTE || !Number.isFinite(p.offset) || p.filesz > 1 << 16) continue;
    for (const n of parseNotes(await read(p.offset, p.filesz), h.le)) {
      if (n.name === 'GNU' && n.type === NT_GNU_BUILD_ID && n.desc.length > 0) return n.desc.toString('hex');
    }
  }
  return null;
}
