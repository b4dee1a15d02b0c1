// Reads what the kernel wrote about the dead process into an ELF core's notes, without gdb: pid and
// comm (NT_PRPSINFO), signal and fault address (NT_SIGINFO), threads and registers (NT_PRSTATUS),
// the file mappings (NT_FILE) and AT_EXECFN from the auxiliary vector. This names the executable
// before gdb runs, tells a truncated core from a whole one, and is all there is when gdb is missing.
import { open } from 'node:fs/promises';
import { buildIdOf, ET_CORE, fileReader, parseHeader, parseNotes, PT_LOAD, PT_NOTE, readPhdrs, View, type Phdr, type Reader } from './elf.js';

const NT_PRSTATUS = 1;
const NT_PRPSINFO = 3;
const NT_AUXV = 6;
const NT_SIGINFO = 0x53494749;
const NT_FILE = 0x46494c45;
const AT_ENTRY = 9n;
const AT_EXECFN = 31n;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
/** Notes beyond this are not read: tens of thousands of threads, not a crash's story. */
const MAX_NOTES_BYTES = 64 << 20;

export interface Mapping {
  start: bigint;
  end: bigint;
  /** Offset in the file, in bytes. */
  offset: bigint;
  path: string;
}

export interface CoreFacts {
  /** 'core' when it is an ELF core; otherwise why it is not one. */
  format: 'core' | 'not-elf' | 'not-core';
  size: number;
  /** The size the program headers promise; more than `size` means the dump was cut short. */
  expectedSize: number;
  pid: number | null;
  comm: string | null;
  psargs: string | null;
  signo: number | null;
  sicode: number | null;
  siAddr: bigint | null;
  threads: number;
  execfn: string | null;
  entry: bigint | null;
  mappings: Mapping[];
  /** The crashing thread's pc and sp, where the register layout is known (x86-64, aarch64). */
  pc: bigint | null;
  sp: bigint | null;
  /** The main executable's mapping (the one holding AT_ENTRY) and its build-id read from memory. */
  exePath: string | null;
  exeBuildId: string | null;
}

function emptyFacts(format: CoreFacts['format'], size: number): CoreFacts {
  return { format, size, expectedSize: size, pid: null, comm: null, psargs: null, signo: null, sicode: null, siAddr: null, threads: 0, execfn: null, entry: null, mappings: [], pc: null, sp: null, exePath: null, exeBuildId: null };
}

/** Reads process memory out of the core's PT_LOAD segments (only the parts the kernel dumped). */
export function memoryReader(read: Reader, loads: Phdr[], base: bigint): Reader {
  return async (offset, length) => {
    const addr = base + BigInt(offset);
    const seg = loads.find((p) => p.filesz > 0 && addr >= p.vaddr && addr < p.vaddr + BigInt(p.filesz));
    if (!seg) return Buffer.alloc(0);
    const within = Number(addr - seg.vaddr);
    return read(seg.offset + within, Math.min(length, seg.filesz - within));
  };
}

function parseFileNote(v: View): Mapping[] {
  const w = v.wordSize;
  const count = v.size(0);
  const pageSize = v.word(w);
  if (!Number.isFinite(count) || (2 + 3 * count) * w > v.buf.length) return [];
  const out: Mapping[] = [];
  let s = (2 + 3 * count) * w;
  for (let i = 0; i < count && s < v.buf.length; i++) {
    const o = (2 + 3 * i) * w;
    const path = v.cstring(s, 4096);
    s += Buffer.byteLength(path) + 1;
    out.push({ start: v.word(o), end: v.word(o + w), offset: v.word(o + 2 * w) * pageSize, path });
  }
  return out;
}

function registers(machine: number, v: View): { pc: bigint; sp: bigint } | null {
  // pr_reg follows pr_info, pr_cursig, sigpend, sighold, four pids and four timevals: 112 on LP64.
  if (!v.is64) return null;
  const reg = (i: number) => v.u64(112 + 8 * i);
  if (machine === EM_X86_64) return { pc: reg(16), sp: reg(19) };
  if (machine === EM_AARCH64) return { pc: reg(32), sp: reg(31) };
  return null;
}

export async function readCoreFacts(path: string): Promise<CoreFacts> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const read = fileReader(fh, size);
    const h = parseHeader(await read(0, 64));
    if (!h) return emptyFacts('not-elf', size);
    if (h.type !== ET_CORE) return emptyFacts('not-core', size);
    const facts = emptyFacts('core', size);
    const phdrs = await readPhdrs(read, h);
    facts.expectedSize = phdrs.reduce((m, p) => (Number.isFinite(p.offset + p.filesz) ? Math.max(m, p.offset + p.filesz) : m), 0);
    let noteBytes = 0;
    let auxv: View | null = null;
    for (const p of phdrs) {
      if (p.type !== PT_NOTE || noteBytes >= MAX_NOTES_BYTES) continue;
      const buf = await read(p.offset, Math.min(p.filesz, MAX_NOTES_BYTES - noteBytes));
      noteBytes += buf.length;
      for (const n of parseNotes(buf, h.le)) {
        if (n.name !== 'CORE') continue;
        const v = new View(n.desc, h.le, h.is64);
        if (n.type === NT_PRSTATUS) {
          // The first thread is the one that took the signal (the kernel writes it first).
          if (facts.threads++ === 0) Object.assign(facts, registers(h.machine, v) ?? {});
        } else if (n.type === NT_PRPSINFO && n.desc.length >= 96 + 20) {
          // pr_psargs[80] ends the record, pr_fname[16] before it, then pid, ppid, pgrp, sid.
          const fname = n.desc.length - 96;
          facts.pid = v.i32(fname - 16);
          facts.comm = v.cstring(fname, 16) || null;
          facts.psargs = v.cstring(fname + 16, 80).trim() || null;
        } else if (n.type === NT_SIGINFO && n.desc.length >= 16) {
          facts.signo = v.i32(0);
          facts.sicode = v.i32(8);
          facts.siAddr = v.word(h.is64 ? 16 : 12);
        } else if (n.type === NT_AUXV) {
          auxv = v;
        } else if (n.type === NT_FILE) {
          facts.mappings = parseFileNote(v);
        }
      }
    }
    // Segments cut off by a truncated dump stay: the reader returns what of them was written.
    const loads = phdrs.filter((p) => p.type === PT_LOAD && Number.isFinite(p.offset + p.filesz));
    if (auxv) await readAuxv(auxv, read, loads, facts);
    await findExecutable(read, loads, facts);
    return facts;
  } finally {
    await fh.close();
  }
}

async function readAuxv(v: View, read: Reader, loads: Phdr[], facts: CoreFacts): Promise<void> {
  const w = v.wordSize;
  for (let o = 0; o + 2 * w <= v.buf.length; o += 2 * w) {
    const key = v.word(o);
    if (key === 0n) break;
    if (key === AT_ENTRY) facts.entry = v.word(o + w);
    if (key === AT_EXECFN) {
      const s = await memoryReader(read, loads, v.word(o + w))(0, 4096);
      const nul = s.indexOf(0);
      facts.execfn = nul > 0 ? s.toString('utf8', 0, nul) : null;
    }
  }
}

/** The mapping that holds the entry point is the executable; its first page carries the build-id. */
async function findExecutable(read: Reader, loads: Phdr[], facts: CoreFacts): Promise<void> {
  const { entry, mappings } = facts;
  const hit = entry === null ? undefined : mappings.find((m) => entry >= m.start && entry < m.end);
  if (!hit) return;
  facts.exePath = hit.path;
  const first = mappings.filter((m) => m.path === hit.path && m.offset === 0n).sort((a, b) => (a.start < b.start ? -1 : 1))[0];
  if (first) facts.exeBuildId = await buildIdOf(memoryReader(read, loads, first.start));
}

/** The mapped file (path, and offset into it) an address falls in. */
export function mappingAt(mappings: Mapping[], addr: bigint): { path: string; fileOffset: bigint } | null {
  const m = mappings.find((x) => addr >= x.start && addr < x.end);
  return m ? { path: m.path, fileOffset: addr - m.start + m.offset } : null;
}
