// The follow source on its own: files renamed, truncated, deleted and made again while thousands of
// lines are written in pieces of random size; its bytes go through alignLines as the pipeline's do,
// and every line must come out exactly once, in the order written.
import { copyFile, open, rename, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { appendFileSync, copyFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followSource } from '../../src/sources/follow.js';
import { alignLines } from '../../src/sources/lines.js';
import { tempDir } from '../e2e/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = (tag: string, i: number) => `${tag} ${String(i).padStart(6, '0')} ${'x'.repeat((i * 7) % 61)}`;
const lines = (tag: string, from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(tag, from + k));
const text = (tag: string, from: number, to: number) => lines(tag, from, to).map((l) => l + '\n').join('');

/** logrotate's shift of the numbered copies: PATH.1 -> PATH.2 ... */
function shift(path: string, upTo: number) {
  for (let n = upTo; n >= 1; n--) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
}

/** A seeded generator, so a failure can be run again as it was. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

/** Follows `path` until stopped, collecting its lines as the pipeline would cut them. */
function follower(path: string) {
  const ac = new AbortController();
  const got: string[] = [];
  const notes: string[] = [];
  const done = (async () => {
    for await (const chunk of alignLines(followSource(path).open({ signal: ac.signal, note: (n) => notes.push(n) }))) {
      const parts = chunk.toString().split('\n');
      if (parts.at(-1) === '') parts.pop();
      got.push(...parts);
    }
  })();
  return {
    got, notes,
    /** Waits until `n` lines have come (not an assertion: the test checks the exact list at the end). */
    async until(n: number, ms = 10_000) {
      for (const end = Date.now() + ms; got.length < n && Date.now() < end;) await sleep(5);
    },
    async stop() { ac.abort(); await done; return got; },
  };
}

/** A file holding its first line, followed once that line is read: a rotation that came before the
 * follower first opened the file would take lines it never saw, as it would from tail -F. */
async function started(path: string, tag: string) {
  await writeFile(path, line(tag, 0) + '\n');
  const f = follower(path);
  await f.until(1);
  return f;
}

/** Writes lines as a logger would, cut into pieces of random size (lines split across writes). */
async function write(fh: FileHandle, text: string[], rnd: () => number, at?: { pos: number }) {
  const data = Buffer.from(text.map((l) => l + '\n').join(''));
  for (let off = 0; off < data.length;) {
    const n = Math.min(data.length - off, 1 + Math.floor(rnd() * 600));
    if (at) at.pos += (await fh.write(data, off, n, at.pos)).bytesWritten; // a writer without O_APPEND
    else await fh.write(data, off, n);
    off += n;
    if (rnd() < 0.3) await sleep(rnd() < 0.1 ? 2 : 0);
  }
}

describe('followSource', () => {
  it('reads what is there, then every line appended, pieces of lines held until their newline', async () => {
    const path = join(tempDir(), 'w.log');
    await writeFile(path, lines('a', 0, 100).join('\n') + '\n');
    const f = follower(path);
    const fh = await open(path, 'a');
    await write(fh, lines('a', 100, 5000), random(1));
    await fh.write('a partial');
    await f.until(5000);
    await sleep(100);
    expect(f.got.length).toBe(5000); // the partial line waits
    await fh.write(' line\n');
    await fh.close();
    await f.until(5001);
    expect(await f.stop()).toEqual([...lines('a', 0, 5000), 'a partial line']);
    expect(f.notes).toEqual([]);
  });

  it('follows rename rotations: the old file to its end, including what the writer adds before it reopens', async () => {
    const path = join(tempDir(), 'w.log');
    const rnd = random(2);
    const f = await started(path, 'r');
    let fh = await open(path, 'a');
    for (let i = 0; i < 6000; i += 500) {
      await write(fh, lines('r', i || 1, i + 400), rnd);
      if (i % 1500 === 0) {
        await rename(path, `${path}.${i}`);
        if (i % 3000 === 0) await writeFile(path, ''); // logrotate's `create`, before the writer reopens
      }
      await write(fh, lines('r', i + 400, i + 500), rnd);
      if (i % 1500 === 0) { await fh.close(); fh = await open(path, 'a'); }
    }
    await fh.close();
    await f.until(6000);
    expect(await f.stop()).toEqual(lines('r', 0, 6000));
    expect(f.notes.filter((n) => /rotated/.test(n))).toHaveLength(4);
  });

  it('ends the old file\'s unfinished last line so it is not glued to the new file\'s first', async () => {
    const path = join(tempDir(), 'w.log');
    await writeFile(path, 'one\ntwo without newline');
    const f = follower(path);
    await f.until(1);
    await rename(path, `${path}.1`);
    await writeFile(path, 'three\n');
    await f.until(3);
    expect(await f.stop()).toEqual(['one', 'two without newline', 'three']);
  });

  it('treats a file deleted and made again as a rotation', async () => {
    const path = join(tempDir(), 'w.log');
    const rnd = random(3);
    const f = await started(path, 'd');
    let fh = await open(path, 'a');
    for (let i = 0; i < 4000; i += 1000) {
      await write(fh, lines('d', i || 1, i + 900), rnd);
      await unlink(path);
      await write(fh, lines('d', i + 900, i + 1000), rnd); // still open: the writer has not noticed
      await fh.close();
      fh = await open(path, 'a');
    }
    await fh.close();
    await f.until(4000);
    expect(await f.stop()).toEqual(lines('d', 0, 4000));
  });

  it('starts again at 0 after a copytruncate, with or without O_APPEND, and skips the hole a plain writer leaves', async () => {
    for (const append of [true, false]) {
      const path = join(tempDir(), 'w.log');
      const rnd = random(4);
      const f = follower(path);
      const fh = await open(path, append ? 'a' : 'w');
      const at = append ? undefined : { pos: 0 };
      for (let i = 0; i < 5000; i += 1000) {
        await write(fh, lines('t', i, i + 1000), rnd, at);
        // What is written between the last read and the truncation is in the copy only; wait for it.
        await f.until(i + 1000);
        await copyFile(path, `${path}.1`);
        await truncate(path, 0);
      }
      await fh.close();
      await f.until(5000);
      const got = await f.stop();
      expect(got).toEqual(lines('t', 0, 5000));
      expect(f.notes.filter((n) => /truncated/.test(n))).toHaveLength(5);
    }
  });

  // The rotations below are done synchronously, so this process's follower sees only what they
  // leave; with `pause`, it may have looked (and read) anywhere in between.
  for (const pause of [false, true]) {
    it(`reads a new log copied and emptied before its turn, after a rename rotation${pause ? ', with time to look in between' : ''}`, async () => {
      const path = join(tempDir(), 'w.log');
      const f = await started(path, 'b');
      appendFileSync(path, text('b', 1, 20_000)); // still to read in the old log
      renameSync(path, `${path}.1`);
      appendFileSync(`${path}.1`, text('b', 20_000, 20_100)); // the writer has not reopened yet
      appendFileSync(path, text('b', 20_100, 24_100));
      if (pause) await sleep(30);
      shift(path, 1);
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
      appendFileSync(path, text('b', 24_100, 28_100));
      await f.until(28_100);
      await sleep(100); // nothing more comes: no line twice
      expect(await f.stop()).toEqual(lines('b', 0, 28_100));
    });

    it(`reads the copy's unread tail when a copytruncate is followed by a rename rotation${pause ? ', with time to look in between' : ''}`, async () => {
      const path = join(tempDir(), 'w.log');
      const f = await started(path, 'c');
      appendFileSync(path, text('c', 1, 20_000));
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
      appendFileSync(path, text('c', 20_000, 22_000)); // the writer goes on in the emptied log
      if (pause) await sleep(30);
      shift(path, 1);
      renameSync(path, `${path}.1`);
      appendFileSync(`${path}.1`, text('c', 22_000, 22_100));
      appendFileSync(path, text('c', 22_100, 25_000));
      await f.until(25_000);
      await sleep(100);
      expect(await f.stop()).toEqual(lines('c', 0, 25_000));
    });
  }

  it('reads every copy when several copytruncates came before it looked, each line once', async () => {
    const path = join(tempDir(), 'w.log');
    const f = await started(path, 'm');
    for (let k = 0; k < 5; k++) {
      appendFileSync(path, text('m', k * 3000 || 1, k * 3000 + 3000));
      shift(path, k);
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
    }
    appendFileSync(path, text('m', 15_000, 16_000));
    await f.until(16_000);
    await sleep(100);
    expect(await f.stop()).toEqual(lines('m', 0, 16_000));
    expect(f.notes.filter((n) => /there, written before a rotation took them away/.test(n)).length).toBeGreaterThan(0);
  });

  it('notices a truncation even when more bytes than before were written before it looked', async () => {
    const path = join(tempDir(), 'w.log');
    await writeFile(path, lines('s', 0, 10).join('\n') + '\n');
    const f = follower(path);
    await f.until(10);
    // Truncated and written in one go: nothing in this process looks in between.
    writeFileSync(path, lines('s', 10, 40).join('\n') + '\n');
    await f.until(40);
    expect(await f.stop()).toEqual(lines('s', 0, 40));
    expect(f.notes).toEqual([`${path}: truncated; reading again from its start`]);
  });

  it('waits for a file that appears later, saying so once', async () => {
    const path = join(tempDir(), 'later.log');
    const f = follower(path);
    await sleep(300);
    const fh = await open(path, 'a');
    await write(fh, lines('l', 0, 2000), random(5));
    await fh.close();
    await f.until(2000);
    expect(await f.stop()).toEqual(lines('l', 0, 2000));
    expect(f.notes).toEqual([`${path}: not there yet; waiting for it to appear`, `${path}: appeared; following it`]);
  });

  it('follows several files at once, each rotated while written', async () => {
    const dir = tempDir();
    const paths = ['a.log', 'b.log', 'c.log'].map((n) => join(dir, n));
    const fs = await Promise.all(paths.map((path, k) => started(path, `f${k}`)));
    await Promise.all(paths.map(async (path, k) => {
      const rnd = random(10 + k);
      let fh = await open(path, 'a');
      await write(fh, lines(`f${k}`, 1, 1500), rnd);
      await rename(path, `${path}.1`);
      await fh.close();
      fh = await open(path, 'a');
      await write(fh, lines(`f${k}`, 1500, 3000), rnd);
      await fh.close();
    }));
    for (const [k, f] of fs.entries()) {
      await f.until(3000);
      expect(await f.stop()).toEqual(lines(`f${k}`, 0, 3000));
    }
  });

  it('on abort, reads what was already written before ending', async () => {
    const path = join(tempDir(), 'w.log');
    await writeFile(path, '');
    const f = follower(path);
    await sleep(100);
    // Written and aborted in the same tick: only a last look after the abort can see it.
    writeFileSync(path, lines('z', 0, 20000).join('\n') + '\nlast, without newline', { flag: 'a' });
    expect(await f.stop()).toEqual([...lines('z', 0, 20000), 'last, without newline']);
  });

  it('hears of appends from the watcher, not only from the slow poll', async () => {
    const path = join(tempDir(), 'w.log');
    await writeFile(path, '');
    const f = follower(path);
    await sleep(200);
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      await writeFile(path, line('p', i) + '\n', { flag: 'a' });
      await f.until(i + 1);
    }
    // Polling alone would take about 20 × half the poll interval.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await f.stop()).toEqual(lines('p', 0, 20));
  });
});
