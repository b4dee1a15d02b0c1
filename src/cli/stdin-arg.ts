// `clw-diag -` reads standard input. yargs drops a bare "-" from a variadic positional (it reparses
// the positionals as `--paths -`, where "-" looks like a flag), so it is swapped for a stand-in
// before parsing and back after. yargs' own first pass always takes a bare "-" as a positional,
// never as an option's value, so the swap changes nothing else.

/** "-" on the command line: standard input. */
export const STDIN_PATH = '-';

/** Cannot come from a shell: argv strings hold no NUL. */
const STAND_IN = '\u0000-';

export function protectStdin(argv: string[]): string[] {
  return argv.map((a) => (a === STDIN_PATH ? STAND_IN : a));
}

export function restoreStdin<T extends string | undefined>(arg: T): T {
  return (arg === STAND_IN ? STDIN_PATH : arg) as T;
}

/** A message that quotes the arguments (yargs' "Unknown argument") shows "-" again. */
export function restoreInMessage(message: string): string {
  return message.split(STAND_IN).join(STDIN_PATH);
}
