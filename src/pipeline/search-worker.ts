// A worker thread that runs the prefilter over chunks, so the search of the next chunks overlaps
// with matching the current one on the other core. It gets the literals once, then chunks in shared
// memory, and answers with the offsets of their candidate lines.
import { parentPort, workerData } from 'node:worker_threads';
import { LiteralSearch, type Literal } from '../rules/prefilter.js';

export interface SearchRequest {
  id: number;
  bytes: SharedArrayBuffer;
  length: number;
}

export interface SearchReply {
  id: number;
  hits: Int32Array;
}

const search = new LiteralSearch(workerData as Literal[]);
parentPort!.on('message', (req: SearchRequest) => {
  const hits = search.candidateLines(new Uint8Array(req.bytes, 0, req.length), req.length);
  parentPort!.postMessage({ id: req.id, hits } satisfies SearchReply, [hits.buffer as ArrayBuffer]);
});
