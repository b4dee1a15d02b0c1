import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { claim, enqueue, newTask, pending } from '../../src/worker/queue.js';
import { tempDir, worker, writeConfig } from './helpers.js';

// Claims until the queue is empty in a separate process, printing the ids it took.
const CLAIMER = `
import { claim } from ${JSON.stringify(resolve('dist/worker/queue.js'))};
const ids = [];
for (let c; (c = claim(process.argv[1])); ) { ids.push(c.task.id); c.finish('done'); }
console.log(JSON.stringify(ids));
`;

async function claimInTwoProcesses(queue: string): Promise<string[][]> {
  const run = () => execa(process.execPath, ['--input-type=module', '-e', CLAIMER, queue]);
  const rs = await Promise.all([run(), run()]);
  return rs.map((r) => JSON.parse(r.stdout) as string[]);
}

describe.each([['folder', 'queue'], ['JSON-lines file', 'queue.jsonl']])('a %s queue', { timeout: 15_000 }, (_kind, name) => {
  it('hands out tasks oldest first, each once', () => {
    const q = join(tempDir(), name);
    for (const id of ['a', 'b', 'c']) enqueue(q, newTask('sleep', { ms: 1 }, id));
    expect(pending(q)).toBe(3);
    const first = claim(q)!;
    expect(first.task).toEqual({ id: 'a', type: 'sleep', payload: { ms: 1 } });
    first.finish('done');
    expect([claim(q)!.task.id, claim(q)!.task.id]).toEqual(['b', 'c']);
    expect(claim(q)).toBeNull();
    expect(pending(q)).toBe(0);
  });

  it('never gives one task to two workers', async () => {
    const q = join(tempDir(), name);
    for (let i = 0; i < 60; i++) enqueue(q, newTask('ok', {}, `t${i}`));
    const [a, b] = await claimInTwoProcesses(q);
    const all = [...a, ...b].sort();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
  });
});

describe('a broken task file', () => {
  it('is moved to failed/ instead of being retried forever', () => {
    const q = join(tempDir(), 'queue');
    enqueue(q, newTask('ok', {}, 'fine'));
    writeFileSync(join(q, '0-broken.json'), '{ not json');
    expect(() => claim(q)).toThrow(/0-broken\.json/);
    expect(readdirSync(join(q, 'failed'))).toEqual(['0-broken.json']);
    expect(claim(q)!.task.id).toBe('fine');
  });
});

describe('clw-worker enqueue', { timeout: 15_000 }, () => {
  it('adds tasks to the queue the config names', async () => {
    const dir = tempDir();
    const config = writeConfig(dir);
    const r = await worker(['enqueue', '--config', config, '--type', 'alloc', '--payload', '{"mib":8}', '--id', 'big']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe('big');
    const files = readdirSync(join(dir, 'queue')).filter((f) => f.endsWith('.json'));
    expect(JSON.parse(readFileSync(join(dir, 'queue', files[0]), 'utf8'))).toEqual({ id: 'big', type: 'alloc', payload: { mib: 8 } });
    const bad = await worker(['enqueue', '--config', config, '--type', 'ok', '--payload', 'nope']);
    expect(bad.exitCode).toBe(2);
    expect(existsSync(join(dir, 'logs/worker.log'))).toBe(false);
  });
});
