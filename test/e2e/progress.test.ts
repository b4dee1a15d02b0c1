// The progress bar appears on stderr for long inputs when stderr is a terminal, and never when it
// is not. `script` gives the CLI a real terminal.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, CLI_ENV, clw, tempDir } from './cli.js';

const hasScript = (await execa('sh', ['-c', 'command -v script'], { reject: false })).exitCode === 0;
if (!hasScript) console.log('skipping the progress bar test: util-linux `script` is not installed');

function bigLog(): string {
  const file = join(tempDir(), 'big.log');
  const line = '2026-11-20T10:00:00.000Z clw-worker[pid=4242]: INFO: task render-7f3a done in 120ms\n';
  writeFileSync(file, line.repeat(Math.ceil((40 << 20) / line.length)));
  return file;
}

describe('progress bar', () => {
  it.skipIf(!hasScript)('is drawn on a terminal for a long input, and cleared before the report', async () => {
    const file = bigLog();
    const r = await execa('script', ['-qec', `${process.execPath} ${BIN} ${file} --fail-on never`, '/dev/null'], { reject: false, env: CLI_ENV });
    expect(r.stdout).toMatch(/\[[#.]{30}\]\s+\d+% \d+ MiB\/s/);
    expect(r.stdout).toMatch(/No incidents from 1 source/);
  }, 30_000);

  it('stays off when stderr is not a terminal', async () => {
    const r = await clw([bigLog(), '--fail-on', 'never']);
    expect(r.stderr).not.toMatch(/MiB\/s/);
  }, 30_000);
});
