// What the built-in task types share: reading numbers from a task's payload, and waiting.

/** A whole, non-negative number from the payload, or the default. */
export const count = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : dflt);

/** Any finite number from the payload, or the default. */
export const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
