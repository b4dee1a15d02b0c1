// `clw-diag -` reads standard input. yargs drops a bare "-" from a variadic positional (it reparses
// the positionals as `--paths -`, where "-" looks like a flag), so it is swapped for a stand-in
// before parsing and back after, in the positionals and in any option's value (`--rules -`).

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

/** Every option value back as given: `--rules -` names "-", not the stand-in. */
export function restoreStdinValues(argv: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(argv)) {
    if (v === STAND_IN) argv[k] = STDIN_PATH;
    else if (Array.isArray(v)) argv[k] = v.map((x) => (x === STAND_IN ? STDIN_PATH : x));
  }
}
