// A program's standard output as a source (dmesg, journalctl), streamed as it is written. A missing
// program or a refusal (no permission, no journal) is a note naming it, and the source is empty.
import { execa } from 'execa';
import type { OpenContext } from './source.js';

export interface CommandOptions {
  /** What to tell the user when the program is not installed. */
  missing: string;
}

export async function* commandOutput(file: string, args: string[], ctx: OpenContext, opts: CommandOptions): AsyncGenerator<Buffer> {
  const child = execa(file, args, { buffer: { stdout: false, stderr: true }, reject: false, cancelSignal: ctx.signal, stdin: 'ignore', encoding: 'buffer' });
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (!ctx.signal?.aborted) throw err;
  }
  const result = await child;
  if (ctx.signal?.aborted) return;
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT' || (result.failed && /ENOENT/.test(String(result.message)))) {
    ctx.note?.(opts.missing);
    return;
  }
  if (result.exitCode !== 0) {
    const stderr = Buffer.from(result.stderr as unknown as Uint8Array).toString('utf8').trim().split('\n')[0];
    ctx.note?.(`${file} ${args.join(' ')}: ${stderr || `exited with status ${result.exitCode}`}`);
  }
}
