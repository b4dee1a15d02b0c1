import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/types.js';
import { crashKind, isNoiseFrame, normaliseName, signatureOf, type KindInput } from '../../src/crash/signature.js';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const f = (fn: string, library: string | null = null): Frame => ({ function: fn, file: null, line: null, library });
const input = (frames: Frame[]) => frames.map((frame, i) => ({ frame, unknownKey: frame.function === '??' ? `lib.so+0x${i}0` : null }));

describe('normaliseName', () => {
  it.each([
    ['parse_header(char const*, unsigned long)', 'parse_header'],
    ['Foo::operator()(int) const', 'Foo::operator()'],
    ['Foo::operator()', 'Foo::operator()'],
    ['encode.constprop.0', 'encode'],
    ['encode.isra.0.cold', 'encode'],
    ['scan_block [clone .part.0] [clone .isra.0]', 'scan_block'],
    ['clw::task::run::h0123456789abcdef', 'clw::task::run'],
    ['(anonymous namespace)::flush', '(anonymous namespace)::flush'],
    ['std::vector<int, std::allocator<int> >::at(unsigned long)', 'std::vector<int, std::allocator<int> >::at'],
    ['__GI___libc_write', '__libc_write'],
  ])('%s -> %s', (name, want) => {
    expect(normaliseName(name)).toBe(want);
  });
});

describe('isNoiseFrame', () => {
  it.each(['raise', '__GI_raise', 'abort', '__GI_abort', '__assert_fail', '__assert_fail_base', 'pthread_kill', '__pthread_kill_implementation',
    '__memmove_avx_unaligned_erms', '__strlen_evex', 'memcpy', '__memcpy_chk', 'strcmp', '<signal handler called>', '_Unwind_RaiseException',
    'std::terminate', 'core::panicking::panic_fmt', 'runtime.sigpanic', '_int_free', 'malloc_printerr', '__libc_start_call_main', 'start_thread'])('skips %s', (fn) => {
    expect(isNoiseFrame(f(fn))).toBe(true);
  });
  it.each(['job_id', 'strip_tags', 'memcpy_tile', 'stream_reader', 'main', 'handle_abort_request'])('keeps %s', (fn) => {
    expect(isNoiseFrame(f(fn))).toBe(false);
  });
});

describe('signatureOf', () => {
  const abort = [f('__pthread_kill_implementation', LIBC), f('__GI_raise', LIBC), f('__GI_abort', LIBC), f('__assert_fail_base', LIBC), f('check_budget'), f('run_task'), f('main'), f('__libc_start_call_main', LIBC)];

  it('starts at the first meaningful frame and is stable', () => {
    const a = signatureOf('/opt/clw/bin/clw-worker', 'SIGABRT', input(abort));
    expect(a.keys).toEqual(['check_budget', 'run_task', 'main']);
    expect(a.top).toBe(4);
    // Another install path, argument lists and clone suffixes do not change it.
    const moved = abort.map((x) => (x.function === 'run_task' ? f('run_task.constprop.0') : x));
    expect(signatureOf('/usr/local/bin/clw-worker', 'SIGABRT', input(moved)).signature).toBe(a.signature);
    expect(signatureOf('/usr/local/bin/clw-worker', 'SIGSEGV', input(abort)).signature).not.toBe(a.signature);
    expect(signatureOf('/usr/local/bin/other', 'SIGABRT', input(abort)).signature).not.toBe(a.signature);
  });

  it('skips frames inside libc unless the crash is wholly there, and counts recursion once', () => {
    expect(signatureOf('x', 'SIGSEGV', input([f('__vfprintf_internal', LIBC), f('log_line'), f('log_line'), f('main')])).keys).toEqual(['log_line', 'main']);
    expect(signatureOf('x', 'SIGSEGV', input([f('__vfprintf_internal', LIBC), f('printf', LIBC)])).keys).toEqual(['__vfprintf_internal', 'printf']);
  });

  it('uses library offsets for frames without symbols only when no frame has a name', () => {
    expect(signatureOf('x', 'SIGSEGV', input([f('??'), f('handler'), f('??')])).keys).toEqual(['handler']);
    expect(signatureOf('x', 'SIGSEGV', input([f('??'), f('??')])).keys).toEqual(['lib.so+0x00', 'lib.so+0x10']);
  });
});

describe('crashKind', () => {
  const base: KindInput = { signal: 'SIGSEGV', sicode: 1, faultAddress: 0n, sp: 0x7ffd0000n, frames: [], deep: false, abortMessage: null };
  it.each<[Partial<KindInput>, string | null]>([
    [{}, 'null-dereference'],
    [{ faultAddress: 0xff8n }, 'null-dereference'],
    [{ faultAddress: 0x1000n }, 'segfault'],
    [{ faultAddress: 0x7ffcfff8n }, 'stack-overflow'],
    [{ sicode: 0x80 }, 'segfault'], // general protection: no real address
    [{ sicode: 0 }, 'signal'], // kill -SEGV
    [{ faultAddress: 0x5000n, deep: true, frames: Array.from({ length: 64 }, () => f('descend')) }, 'stack-overflow'],
    // A native handler called from Node: the JIT frames below it are "??" to gdb, not a recursion.
    [{ deep: true, frames: [f('clw_handle_pdf_render'), f('js_call'), ...Array.from({ length: 62 }, () => f('??'))] }, 'null-dereference'],
    [{ signal: 'SIGABRT', abortMessage: "w: w.c:3: f: Assertion `x' failed." }, 'assertion'],
    [{ signal: 'SIGABRT', frames: [f('raise'), f('abort'), f('__assert_fail'), f('g')] }, 'assertion'],
    [{ signal: 'SIGABRT', abortMessage: 'free(): invalid pointer' }, 'abort'],
    [{ signal: 'SIGFPE' }, 'signal'],
    [{ signal: null }, null],
  ])('%# -> %s', (over, want) => {
    expect(crashKind({ ...base, ...over })).toBe(want);
  });
});
