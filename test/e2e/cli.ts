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

/** Everything a stream has said so far, and a way to wait for more. */
export function collect(stream: NodeJS.ReadableStream) {
  const out = { text: '' };
  stream.on('data', (d: Buffer) => { out.text += d.toString(); });
  return Object.assign(out, {
    async waitFor(pattern: RegExp, ms = 10_000) {
      for (const end = Date.now() + ms; !pattern.test(out.text);) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; saw: ${out.text.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  });
}
