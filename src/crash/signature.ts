// One incident per distinct crash: the frames that only deliver the crash (raise, abort, assert,
// libc's string, memory and allocator functions, signal trampolines, unwinders, the runtimes' panic
// machinery, the start-up frames) are skipped, names are normalised (argument lists, compiler
// clones, Rust hashes), and the first meaningful frames, with the signal and the executable's name,
// are hashed into a signature that is the same for the same crash on any machine.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Frame } from '../types.js';
import type { CoreAnalysis } from './core-analysis.js';

export const SIGNATURE_FRAMES = 3;

const NOISE = new Set([
  'raise', 'abort', 'gsignal', '__assert_fail', '__assert_fail_base', '__assert_perror_fail', '__assert', '__assert_rtn', '_assert',
  '__libc_message', '__libc_message_impl', '__libc_fatal', '__fortify_fail', '__chk_fail', '__stack_chk_fail', '__stack_chk_fail_local',
  'pthread_kill', '__pthread_kill', '__pthread_kill_implementation', '__pthread_kill_internal', 'tgkill',
  '__restore_rt', '__kernel_vsyscall', '__kernel_rt_sigreturn', '_sigtramp', '<signal handler called>', '<function called from gdb>',
  'malloc', 'free', 'realloc', 'calloc', 'cfree', 'malloc_printerr', '_int_malloc', '_int_free', '_int_free_merge_chunk', '_int_realloc',
  '_int_memalign', 'malloc_consolidate', 'unlink_chunk', 'tcache_get', 'tcache_put', 'operator new', 'operator delete', 'operator new[]', 'operator delete[]',
  'std::terminate', '__cxa_throw', '__cxa_rethrow', '__cxa_call_terminate', '__cxa_pure_virtual', '__cxa_deleted_virtual', '__gxx_personality_v0',
  '__cxxabiv1::__terminate', '__cxxabiv1::__unexpected', '__gnu_cxx::__verbose_terminate_handler',
  'rust_panic', '__rust_start_panic', '__rust_abort', 'rust_begin_unwind', 'std::process::abort', 'core::option::unwrap_failed', 'core::result::unwrap_failed', 'core::option::expect_failed',
  'runtime.raise', 'runtime.raiseproc', 'runtime.dieFromSignal', 'runtime.crash', 'runtime.fatalthrow', 'runtime.fatalpanic', 'runtime.throw', 'runtime.abort',
  'runtime.sigpanic', 'runtime.sighandler', 'runtime.sigtrampgo', 'runtime.sigtramp', 'runtime.sigreturn', 'runtime.sigreturn__sigaction', 'runtime.panicmem',
  'runtime.panicmemAddr', 'runtime.gopanic', 'runtime.startpanic_m', 'runtime.systemstack', 'runtime.mcall', 'runtime.raisebadsignal', 'runtime.badsignal',
  '_start', '__libc_start_main', '__libc_start_main_impl', '__libc_start_call_main', 'start_thread', 'clone', 'clone3', '__clone', '__clone3', '__clone_internal', 'thread_start', 'runtime.goexit',
]);
const NOISE_PREFIX = ['__GI_', '_Unwind_', 'uw_', '__cxxabiv1::', 'std::panicking::', 'core::panicking::', 'panic_unwind::', 'panic_abort::', 'std::sys::', '__asan_', '__asan::', '__sanitizer', '__ubsan', '__interceptor_', '___interceptor_', '__tsan'];
const STRING_FUNCS = new Set('memcpy memmove memset memcmp memchr memrchr mempcpy memccpy rawmemchr bcmp bcopy bzero strlen strnlen strcmp strncmp strcasecmp strncasecmp strcpy strncpy stpcpy stpncpy strcat strncat strchr strchrnul strrchr strstr strcasestr strspn strcspn strpbrk strdup strndup strtok strtok_r strcoll strxfrm wcslen wcsnlen wcscmp wcsncmp wcscpy wcsncpy wcschr wcsrchr wmemset wmemcpy wmemmove wmemcmp wmemchr'.split(' '));
/** glibc's per-CPU variants (__memmove_avx_unaligned_erms, __strlen_evex) and fortified ones (__memcpy_chk). */
const STRING_VARIANT = /^_{0,3}([a-z]{3,10})(?:_(?:avx|avx2|avx512|evex|evex512|sse2|sse4|sse4_1|sse4_2|ssse3|erms|unaligned|aligned|rtm|vex|generic|chk|power[0-9]|neon|sve|asimd|simd|nosimd|zva|mops|ifunc|internal|[0-9]{1,3}))*$/;
/** Runtime libraries: a crash inside one is (nearly always) caused by a caller's bad argument. */
const RUNTIME_LIB = /^(?:libc[.-]|libc\.musl|ld-linux|ld-musl|ld64\.so|libpthread[.-]|libgcc_s[.-]|libstdc\+\+\.|libc\+\+(?:abi)?\.|libunwind[.-]|libasan[.-]|libubsan[.-]|libtsan[.-])/;

export function normaliseName(name: string): string {
  let n = name.trim().replace(/\s+/g, ' ');
  for (let i = 0; i < 4; i++) {
    const before = n;
    n = n.replace(/ \[clone [^\]]{1,64}\]$/, '');
    n = n.replace(/\.(?:constprop|isra|part|cold|lto_priv|llvm|localalias|specialized|clone)(?:\.[0-9]{1,12})?$/, '');
    n = n.replace(/::h[0-9a-f]{16}$/, '');
    n = stripArgs(n);
    if (n === before) break;
  }
  return n.replace(/^__GI_/, '') || name;
}

/** Drops a trailing `(int, char*) const` but keeps `operator()` and `(anonymous namespace)::f`. */
function stripArgs(n: string): string {
  const s = n.replace(/(?: (?:const|volatile|noexcept|&&|&))+$/, '');
  if (!s.endsWith(')')) return n;
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    if (s[i] === ')') depth++;
    else if (s[i] === '(' && --depth === 0) {
      const head = s.slice(0, i);
      return i > 0 && !head.endsWith('operator') ? head : n;
    }
  }
  return n;
}

export function isNoiseFrame(f: Frame): boolean {
  const name = normaliseName(f.function);
  if (NOISE.has(name) || NOISE.has(f.function) || NOISE_PREFIX.some((p) => f.function.startsWith(p))) return true;
  const m = STRING_VARIANT.exec(f.function);
  return m !== null && STRING_FUNCS.has(m[1]) && (m[0] === f.function);
}

export function isRuntimeFrame(f: Frame): boolean {
  return f.library !== null && RUNTIME_LIB.test(basename(f.library));
}

export interface SignatureInput {
  frame: Frame;
  /** For a frame without a symbol: its library and offset in it, stable across address layouts. */
  unknownKey: string | null;
}

export interface Signature {
  signature: string;
  /** The normalised names the signature was made of, innermost first. */
  keys: string[];
  /** Index (in the input) of the first meaningful frame, or -1. */
  top: number;
}

export function signatureOf(executable: string, signal: string, input: SignatureInput[]): Signature {
  const all = input.map((x, i) => ({ ...x, i })).filter(({ frame }) => !isNoiseFrame(frame));
  // Prefer frames outside the runtime libraries, then frames with a name (a library offset changes
  // with every build of that library); a crash wholly inside libc, or in a stripped binary, still
  // gets a signature from what there is.
  const outside = all.filter(({ frame }) => !isRuntimeFrame(frame));
  const pool = outside.length ? outside : all;
  const named = pool.filter(({ frame }) => frame.function !== '??');
  const picked = named.length ? named : pool;
  const keys: string[] = [];
  for (const p of picked) {
    const key = p.frame.function === '??' ? p.unknownKey ?? '??' : normaliseName(p.frame.function);
    if (keys[keys.length - 1] !== key) keys.push(key); // inlined copies and recursion count once
    if (keys.length === SIGNATURE_FRAMES) break;
  }
  const hash = createHash('sha256').update(JSON.stringify([basename(executable), signal, keys])).digest('hex').slice(0, 16);
  return { signature: hash, keys, top: picked.length ? picked[0].i : -1 };
}

export type CrashKind = NonNullable<CoreAnalysis['kind']>;

export interface KindInput {
  signal: string | null;
  sicode: number | null;
  faultAddress: bigint | null;
  sp: bigint | null;
  frames: Frame[];
  /** The backtrace filled its limit: there were more frames than were read. */
  deep: boolean;
  abortMessage: string | null;
}

const SI_KERNEL = 0x80;
const ASSERT_FRAMES = /^(?:__assert_fail|__assert_fail_base|__assert_rtn|_assert|__assert|g_assertion_message\w*|core::panicking::assert_failed\w*)$/;

export function crashKind(k: KindInput): CrashKind | null {
  if (!k.signal) return null;
  if (k.signal === 'SIGABRT') {
    const asserted = /Assertion .{0,4000} failed|assertion failed/.test(k.abortMessage ?? '') || k.frames.some((f) => ASSERT_FRAMES.test(f.function));
    return asserted ? 'assertion' : 'abort';
  }
  if (k.signal !== 'SIGSEGV' && k.signal !== 'SIGBUS') return 'signal';
  if (k.sicode !== null && k.sicode <= 0) return 'signal'; // sent by kill(2), not a fault
  if (recursion(k.frames, k.deep)) return 'stack-overflow';
  if (k.sicode === SI_KERNEL || k.faultAddress === null) return 'segfault'; // a general protection fault has no address
  if (k.faultAddress < 4096n) return 'null-dereference';
  // A fault within a few pages of the stack pointer is a push or call into the guard page.
  if (k.sp !== null && k.faultAddress - k.sp < 65536n && k.sp - k.faultAddress < 65536n) return 'stack-overflow';
  return 'segfault';
}

/** A backtrace deeper than was read whose frames are mostly one function: runaway recursion. */
function recursion(frames: Frame[], deep: boolean): boolean {
  if (!deep || frames.length < 32) return false;
  const counts = new Map<string, number>();
  // Frames gdb cannot name are no sign of recursion: below a native call from Node or a JVM, gdb
  // walks the JIT code's stack into dozens of "??" frames until the limit.
  for (const f of frames) if (f.function !== '??') counts.set(f.function, (counts.get(f.function) ?? 0) + 1);
  return counts.size > 0 && Math.max(...counts.values()) >= frames.length / 2;
}
