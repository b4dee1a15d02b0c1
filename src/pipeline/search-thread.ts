// Runs the prefilter of large files on a worker thread, a few chunks ahead of the matcher.
// Chunks travel in a fixed ring of shared buffers: shared memory is not reclaimed promptly by the
// garbage collector, so a fresh buffer per chunk would grow the process by the size of the file.
import { Worker } from 'node:worker_threads';
import type { Literal } from '../rules/prefilter.js';
import type { SearchReply, SearchRequest } from './search-worker.js';

/** Chunks searched ahead of the one being matched: enough to keep both cores busy. */
const AHEAD = 4;

export interface Searched {
  chunk: Buffer;
  hits: Int32Array;
}

export class SearchThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (hits: Int32Array) => void>();
  private readonly free: SharedArrayBuffer[] = [];
  private failure: Error | null = null;
  private nextId = 0;

  constructor(literals: Literal[]) {
    this.worker = new Worker(new URL('./search-worker.js', import.meta.url), { workerData: literals });
    this.worker.on('message', (reply: SearchReply) => {
      this.waiting.get(reply.id)?.(reply.hits);
      this.waiting.delete(reply.id);
    });
    this.worker.on('error', (err) => { this.failure = err; });
  }

  private buffer(size: number): SharedArrayBuffer {
    const i = this.free.findIndex((b) => b.byteLength >= size);
    return i >= 0 ? this.free.splice(i, 1)[0] : new SharedArrayBuffer(Math.max(size, 1 << 20));
  }

  private search(chunk: Buffer): Promise<Searched> {
    const bytes = this.buffer(chunk.length);
    new Uint8Array(bytes).set(chunk);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (hits) => {
        this.free.push(bytes);
        resolve({ chunk, hits });
      });
      this.worker.postMessage({ id, bytes, length: chunk.length } satisfies SearchRequest);
    });
  }

  /** Chunks in order, each with its candidate lines, searched up to AHEAD chunks in advance. */
  async *pipeline(chunks: AsyncIterable<Buffer>): AsyncGenerator<Searched> {
    const queue: Promise<Searched>[] = [];
    for await (const chunk of chunks) {
      if (this.failure) throw this.failure;
      queue.push(this.search(chunk));
      if (queue.length >= AHEAD) yield await queue.shift()!;
    }
    while (queue.length) yield await queue.shift()!;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
