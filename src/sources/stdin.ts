// Standard input, read as it arrives (`tail -f worker.log | clw-diag --stream`). Stops cleanly
// when `signal` aborts (Ctrl-C), so the report is still written.
import type { Source } from './source.js';

export function stdinSource(stream: NodeJS.ReadableStream = process.stdin, signal?: AbortSignal): Source {
  return {
    kind: 'stdin',
    name: '<stdin>',
    live: true,
    open: () => readUntilAborted(stream, signal),
  };
}

/** The stream's chunks until it ends or `signal` aborts. */
export async function* readUntilAborted(stream: NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => { wake?.(); wake = null; };
  const onData = (c: Buffer | string) => { queue.push(typeof c === 'string' ? Buffer.from(c) : c); notify(); };
  const onEnd = () => { done = true; notify(); };
  const onError = (e: Error) => { failure = e; done = true; notify(); };
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('error', onError);
  signal?.addEventListener('abort', onEnd, { once: true });
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (done) break;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
    if (failure) throw failure;
  } finally {
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('error', onError);
    if (signal?.aborted) (stream as NodeJS.ReadStream).destroy?.();
  }
}
