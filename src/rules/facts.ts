// Turns captured text into typed facts: bytes, milliseconds, seconds, signal names.
import type { FactValue } from '../types.js';
import type { FactSpec } from './schema.js';

const BYTE_UNITS: Record<string, number> = {
  b: 1, byte: 1, bytes: 1,
  k: 1024, kb: 1024, kib: 1024, ki: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, mi: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, gi: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4, ti: 1024 ** 4,
  pages: 4096, page: 4096,
};

const MS_UNITS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
};

const SIGNALS = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** 11, "SEGV", "sigsegv", "Segmentation fault" all become "SIGSEGV". */
export function signalName(text: string): string | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return SIGNALS[Number(t)] || null;
  const upper = t.toUpperCase();
  const bare = upper.startsWith('SIG') ? upper.slice(3) : upper;
  const named = SIGNALS.find((s) => s === 'SIG' + bare);
  if (named) return named;
  const words: Record<string, string> = {
    'SEGMENTATION FAULT': 'SIGSEGV', 'ABORTED': 'SIGABRT', 'KILLED': 'SIGKILL', 'BROKEN PIPE': 'SIGPIPE',
    'BUS ERROR': 'SIGBUS', 'ILLEGAL INSTRUCTION': 'SIGILL', 'FLOATING POINT EXCEPTION': 'SIGFPE', 'TERMINATED': 'SIGTERM',
    'ABRT': 'SIGABRT', 'IOT': 'SIGABRT',
  };
  return words[bare] ?? null;
}

/** Signal number for exit status 128+N; the shell's way of reporting a signal death. */
export function signalFromExitCode(code: number): string | null {
  return code > 128 && code < 160 ? SIGNALS[code - 128] || null : null;
}

function toNumber(text: string): number | null {
  const n = Number(text.replace(/[,_]/g, ''));
  return Number.isFinite(n) ? n : null;
}

function scaled(text: string, unit: string | undefined, table: Record<string, number>, fallback: number): number | null {
  const n = toNumber(text);
  if (n === null) return null;
  const factor = unit ? table[unit.trim().toLowerCase()] ?? table[unit.trim()] : fallback;
  return factor === undefined ? null : Math.round(n * factor);
}

interface NormalSpec {
  type: 'string' | 'int' | 'float' | 'bytes' | 'ms' | 'seconds' | 'signal' | 'hex';
  unit?: string;
  unitGroup?: string;
  as?: string;
}

export function normalSpec(spec: FactSpec): NormalSpec {
  if (typeof spec !== 'string') return spec;
  const [type, unit] = spec.split(':');
  return { type: type as NormalSpec['type'], unit };
}

/** Converts one captured value; null when the text does not fit the type. */
export function convertFact(text: string, spec: NormalSpec, groups: Record<string, string | undefined>): FactValue | null {
  const unit = spec.unitGroup ? groups[spec.unitGroup] ?? spec.unit : spec.unit;
  switch (spec.type) {
    case 'string': return text;
    case 'int': { const n = toNumber(text); return n === null ? null : Math.trunc(n); }
    case 'float': return toNumber(text);
    case 'bytes': return scaled(text, unit, BYTE_UNITS, 1);
    case 'ms': return scaled(text, unit, MS_UNITS, 1);
    case 'seconds': { const ms = scaled(text, unit ?? 's', MS_UNITS, 1000); return ms === null ? null : ms / 1000; }
    case 'signal': return signalName(text);
    case 'hex': return /^(0x)?[0-9a-f]+$/i.test(text) ? (text.toLowerCase().startsWith('0x') ? text.toLowerCase() : '0x' + text.toLowerCase()) : null;
  }
}
