// Runs the built CLI the way a user does.
import { execa, type Options } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/clw-diag.js');

export function clw(args: string[], opts: Options = {}) {
  // GITHUB_ACTIONS=true (a run on GitHub) would put workflow commands before every report: off
  // unless a test asks for it.
  return execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1', GITHUB_ACTIONS: '', ...opts.env }, ...opts });
}

export function tempDir(prefix = 'clw-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
