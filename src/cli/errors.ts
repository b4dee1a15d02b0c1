// The errors a user can cause, and the one place that turns them into exit codes.

/** Wrong flags or values: exit 2, with a one-line message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, incidents: 1, usage: 2, internal: 3 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  const name = (err as Error | undefined)?.name;
  if (name === 'InputError' || name === 'YError') return EXIT.usage;
  return EXIT.internal;
}

export function messageFor(err: unknown): string {
  const e = err as Error;
  // yargs spreads one problem over several lines; the user gets it on one.
  return e?.message ? e.message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ') : String(err);
}
