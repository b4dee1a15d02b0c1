// A progress bar on stderr for long inputs, only when stderr is a terminal.
import { statSync } from 'node:fs';
import type { Source } from '../sources/source.js';

const MIN_BYTES = 32 << 20;

/** 0 for what is not a file (a link loop included: its reader names the problem). */
function sizeOf(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

export function progressBar(stream: NodeJS.WriteStream, sources: Source[]): ((src: Source, bytes: number) => void) & { done(): void } {
  const sizes = new Map(sources.map((s) => [s, sizeOf(s.name)]));
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const active = Boolean(stream.isTTY) && total >= MIN_BYTES;
  const started = Date.now();
  const finished = new Map<Source, number>();
  let last = 0;
  const update = (src: Source, bytes: number) => {
    if (!active) return;
    finished.set(src, bytes);
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    const read = [...finished.values()].reduce((a, b) => a + b, 0);
    const frac = Math.min(1, read / total);
    const width = 30;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const mibs = read / 1024 ** 2 / Math.max(0.001, (now - started) / 1000);
    stream.write(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${mibs.toFixed(0)} MiB/s `);
  };
  return Object.assign(update, { done: () => { if (active) stream.write('\r' + ' '.repeat(60) + '\r'); } });
}
