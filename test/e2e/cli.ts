// Runs the built CLI the way a user does.
import { execa, type Options } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/clw-diag.js');

/** The environment the CLI runs in under test: GITHUB_ACTIONS=true (a run on GitHub) would put
 *  workflow commands before every report, so it is off unless a test asks for it. */
export const CLI_ENV = { NO_COLOR: '1', GITHUB_ACTIONS: '' };

export function clw(args: string[], opts: Options = {}) {
  return execa(process.execPath, [BIN, ...args], { reject: false, ...opts, env: { ...CLI_ENV, ...opts.env } });
}

export function tempDir(prefix = 'clw-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
