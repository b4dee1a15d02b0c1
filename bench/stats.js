// Figures the benchmarks report, computed one way for all of them.

/** The median of a list of numbers (the mean of the middle two for an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Latencies in ms: the middle one (the upper of two) and the worst, to 0.1 ms. */
export function delaySummary(delays) {
  const s = [...delays].sort((a, b) => a - b);
  return { medianMs: Number(s[s.length >> 1].toFixed(1)), worstMs: Number(s.at(-1).toFixed(1)) };
}
