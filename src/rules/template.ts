// Fills `{fact}` placeholders in titles and fixes.
//   {name}            the fact, or <name> when it is unknown (a blank the operator fills in)
//   {name|fallback}   the fact, or the fallback text
//   {name?text %}     the text with % replaced by the fact, or nothing when it is unknown
//   {name:bytes}      formatted: bytes (2.0 GiB), mib (2048), ms (1.2 s), s (90 s)
import type { Facts, FactValue } from '../types.js';

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatMs(n: number): string {
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 120_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1).replace(/\.?0+$/, '')} s`;
  return `${(n / 60_000).toFixed(1).replace(/\.0$/, '')} min`;
}

function format(value: FactValue, how: string | undefined): string {
  if (typeof value !== 'number' || !how) return String(value);
  switch (how) {
    case 'bytes': return formatBytes(value);
    case 'mib': return String(Math.ceil(value / 1024 ** 2));
    case 'gib': return (value / 1024 ** 3).toFixed(1).replace(/\.0$/, '');
    case 'ms': return formatMs(value);
    case 's': return `${value} s`;
    default: return String(value);
  }
}

const PLACEHOLDER = /\{([A-Za-z_][\w]*)(?::(\w+))?(?:(\|)([^{}]*)|\?([^{}]*))?\}/g;

export function fillTemplate(text: string, facts: Facts): string {
  return text.replace(PLACEHOLDER, (_all, name: string, how: string | undefined, bar: string | undefined, fallback: string | undefined, conditional: string | undefined) => {
    const value = facts[name];
    const known = value !== undefined && value !== null && value !== '';
    if (conditional !== undefined) return known ? conditional.replace('%', format(value, how)) : '';
    if (known) return format(value, how);
    return bar ? fallback ?? '' : `<${name}>`;
  });
}

/** Fact names a template refers to. */
export function templateFacts(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}
