// What a plugin exports: its clw_handle_<name> functions, read from the ELF dynamic symbol table
// without loading it, and the plugin files of plugin_dir.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseHeader, View } from '../../crash/elf.js';

export const HANDLER_PREFIX = 'clw_handle_';
/** The file names plugin_dir is searched for. */
export const PLUGIN_FILE = /\.so(?:\.\d+)*$/;

const SHT_DYNSYM = 11;
const STT_FUNC = 2;

/** The <name>s of the clw_handle_<name> functions a plugin defines, read from its ELF dynamic symbol
 *  table: known even for a plugin the loader refuses, so the task types it would have are named. */
export function handlerNames(file: string): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  const at = (offset: number, length: number): Buffer => {
    if (!Number.isSafeInteger(offset) || offset < 0 || !(length > 0) || length > 64 << 20) return Buffer.alloc(0);
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(fd, buf, 0, length, offset));
  };
  try {
    const head = at(0, 64);
    const h = parseHeader(head);
    if (!h) return [];
    const ehdr = new View(head, h.le, h.is64);
    const half = 0x18 + 3 * ehdr.wordSize + 4; // e_ehsize; then phentsize, phnum, shentsize, shnum
    const shentsize = ehdr.u16(half + 6);
    const shnum = ehdr.u16(half + 8);
    const table = new View(at(h.shoff, shentsize * shnum), h.le, h.is64);
    const section = (i: number) => {
      const o = i * shentsize;
      return h.is64
        ? { type: table.u32(o + 4), offset: table.size(o + 24), size: table.size(o + 32), link: table.u32(o + 40), entsize: table.size(o + 56) }
        : { type: table.u32(o + 4), offset: table.u32(o + 16), size: table.u32(o + 20), link: table.u32(o + 24), entsize: table.u32(o + 36) };
    };
    const names = new Set<string>();
    for (let i = 0; i < shnum; i++) {
      const s = section(i);
      if (s.type !== SHT_DYNSYM || s.link >= shnum) continue;
      const strtab = section(s.link);
      const syms = new View(at(s.offset, s.size), h.le, h.is64);
      const strs = new View(at(strtab.offset, strtab.size), h.le, h.is64);
      const ent = s.entsize || (h.is64 ? 24 : 16);
      for (let o = 0; o + ent <= syms.buf.length; o += ent) {
        const [nameAt, info, shndx] = h.is64 ? [syms.u32(o), syms.buf[o + 4], syms.u16(o + 6)] : [syms.u32(o), syms.buf[o + 12], syms.u16(o + 14)];
        const name = strs.cstring(nameAt, 256);
        // Defined here (not an import) and a function.
        if (shndx !== 0 && (info & 0xf) === STT_FUNC && name.startsWith(HANDLER_PREFIX) && name.length > HANDLER_PREFIX.length) {
          names.add(name.slice(HANDLER_PREFIX.length));
        }
      }
    }
    return [...names].sort();
  } finally {
    closeSync(fd);
  }
}

/** The plugin files of a folder, in name order. */
export function pluginFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.isDirectory() && PLUGIN_FILE.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

