// Puts what the core's notes say and what gdb read together into the CrashInfo of the contract:
// gdb's answer where it has one, the notes' where it does not (gdb missing, cut off, or refusing a
// damaged core), so a crash is reported with whatever could be known.
import { basename } from 'node:path';
import type { CrashInfo, Frame } from '../types.js';
import type { GdbReport, RawFrame } from './backtrace.js';
import { mappingAt, type CoreFacts } from './core-notes.js';
import { crashKind, signatureOf, type CrashKind, type SignatureInput } from './signature.js';
import { BT_LIMIT } from './gdb.js';

/** Linux's numbering (x86, arm, riscv): used only when gdb did not name the signal itself. */
const SIGNALS = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'];
/** Signals whose si_addr is the faulting address (when the kernel sent them: si_code > 0). */
const FAULTS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTRAP']);

export function signalName(n: number | null): string | null {
  if (n === null || n <= 0) return null;
  return SIGNALS[n] ?? (n >= 34 && n <= 64 ? `SIGRTMIN+${n - 34}` : `SIG${n}`);
}

export interface Built {
  crash: CrashInfo | null;
  kind: CrashKind | null;
  /** The first frame that is not crash machinery: the function to look at. */
  topFrame: Frame | null;
  signatureFrames: string[];
}

function toFrames(raw: RawFrame[], facts: CoreFacts, exe: string | null, pc: bigint | null): SignatureInput[] {
  let addr: bigint | null = pc;
  return raw.map((r, i) => {
    // Frame 0 and inlined frames print no address: they run at the pc of the frame before.
    addr = r.address ?? (i === 0 ? pc : addr);
    const m = addr === null ? null : mappingAt(facts.mappings, addr);
    const inExe = m !== null && (m.path === facts.exePath || m.path === exe);
    const library = inExe ? null : m?.path ?? r.library;
    const unknownKey = m ? `${basename(m.path.replace(/ \(deleted\)$/, ''))}+0x${m.fileOffset.toString(16)}` : null;
    return { frame: { function: r.function, file: r.file, line: r.line, library }, unknownKey };
  });
}

export function buildCrash(core: string, facts: CoreFacts, g: GdbReport | null, exe: string): Built {
  const signal = g?.signal ?? signalName(g?.signo ?? facts.signo);
  if (!signal) return { crash: null, kind: null, topFrame: null, signatureFrames: [] };
  const sicode = g?.sicode ?? facts.sicode;
  const siAddr = g?.siAddr ?? facts.siAddr;
  const pc = g?.pc ?? facts.pc;
  let inputs = toFrames(g?.frames ?? [], facts, exe, pc);
  if (!inputs.length && pc !== null) {
    // No backtrace (no gdb): the pc alone still says which library and offset it died in.
    inputs = toFrames([{ index: 0, address: pc, function: '??', file: null, line: null, library: null }], facts, exe, pc);
  }
  const frames = inputs.map((x) => x.frame);
  const abortMessage = g?.abortMessage ?? null;
  const fault = FAULTS.has(signal) && sicode !== null && sicode > 0 && siAddr !== null;
  const sig = signatureOf(exe, signal, inputs);
  const kind = crashKind({ signal, sicode, faultAddress: fault ? siAddr : null, sp: g?.sp ?? facts.sp, frames, deep: (g?.frames.length ?? 0) >= BT_LIMIT, abortMessage });
  const crash: CrashInfo = {
    executable: exe,
    signal,
    faultAddress: fault ? `0x${siAddr!.toString(16)}` : '',
    signature: sig.signature,
    frames,
    abortMessage,
    cores: [core],
    threads: facts.threads || g?.lwps || 0,
  };
  return { crash, kind, topFrame: sig.top >= 0 ? frames[sig.top] : null, signatureFrames: sig.keys };
}
