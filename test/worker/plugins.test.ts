// Task plugins from task.plugin_dir, loaded for real with dlopen through the plugin host; the two
// isolations; and what the supervisor does with the tasks of a worker that died.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/worker/config.js';
import { corePatternProblem } from '../../src/worker/native.js';
import { handlerNames, pluginHostUnavailable } from '../../src/worker/plugins/index.js';
import { claim, enqueue as put, newTask, pending, recover } from '../../src/worker/queue.js';
import { buildSamplePlugins } from '../../src/worker/scenarios/plugins.js';
import { diagnose, enqueue, readLog, tempDir, waitForLog, worker, writeConfig } from './helpers.js';

const noHost = pluginHostUnavailable();
if (noHost) console.log(`plugin tests skipped: ${noHost}`);
const noCores = corePatternProblem();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A folder with plugins/ (libclwpdf.so, and libclwimg.so whose libclwvips.so.1 is missing). */
function pluginFolder(): string {
  const dir = tempDir();
  buildSamplePlugins(dir, true);
  return dir;
}

describe.skipIf(noHost !== null)('task plugins', { timeout: 20_000 }, () => {
  it('names the handlers a plugin exports, from its ELF symbols, even when the loader refuses it', () => {
    const dir = pluginFolder();
    expect(handlerNames(join(dir, 'plugins/libclwpdf.so'))).toEqual(['pdf_render']);
    // Its library is missing, so dlopen fails; its handlers are still known (vips_thumbnail_width, an
    // import, is not one of them).
    expect(handlerNames(join(dir, 'plugins/libclwimg.so'))).toEqual(['image_info', 'image_resize']);
    writeFileSync(join(dir, 'plugins/libjunk.so'), 'not an ELF file');
    expect(handlerNames(join(dir, 'plugins/libjunk.so'))).toEqual([]);
  });

  it('loads plugins at start, disables the types of one the loader refuses, and returns their tasks to the queue', async () => {
    const dir = pluginFolder();
    const config = writeConfig(dir, { heartbeat_sec: 30 }, { plugin_dir: 'plugins', concurrency: 1 });
    await enqueue(config, 'image_resize', { width: 800 }, 'thumb-1');
    await enqueue(config, 'pdf_render', { font: 'DejaVuSans' }, 'render-1');
    await enqueue(config, 'plugin', { plugin: 'libclwpdf.so', handler: 'pdf_render', font: 'DejaVuSans' }, 'render-2');
    const run = worker(['run', '--config', config]);
    await waitForLog(dir, /task 'render-2' completed/);
    await sleep(500); // a few more polls: the rejected task must not be taken again
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    const log = readLog(dir);
    const plugins = join(dir, 'plugins');
    // The real loader's words.
    expect(log).toContain(`ERROR: plugin ${plugins}/libclwimg.so failed to load: libclwvips.so.1: cannot open shared object file: No such file or directory\n`);
    expect(log).toContain('WARN: task type image_resize disabled: no handler (plugin libclwimg.so not loaded)\n');
    expect(log).toContain('WARN: task type image_info disabled: no handler (plugin libclwimg.so not loaded)\n');
    expect(log).toContain(`INFO: loaded 1 task handlers from ${plugins}\n`);
    const queue = join(dir, 'queue');
    expect(log.match(/rejected/g)).toHaveLength(1);
    expect(log).toContain(`WARN: task 'thumb-1' (type=image_resize) rejected: no handler for type; returned to queue ${queue}\n`);
    expect(log).toMatch(/task 'render-1' started: type pdf_render, task pid \d+/);
    expect(readdirSync(queue).filter((n) => n.endsWith('.json'))).toEqual([expect.stringMatching(/-thumb-1\.json$/)]);
    expect(readdirSync(join(queue, 'done'))).toHaveLength(2);
    const incidents = await diagnose(join(dir, 'logs'));
    expect(incidents[0]).toMatchObject({ category: 'lib.load', facts: { plugin: `${plugins}/libclwimg.so`, library: 'libclwvips.so.1' } });
  });

  it('with isolation "fork" a crashing handler ends only its task child, which leaves the crash lines and its core', async () => {
    const dir = pluginFolder();
    const config = writeConfig(dir, { heartbeat_sec: 30, core_dir: 'cores' }, { plugin_dir: 'plugins', concurrency: 1, enable_core_dumps: true });
    await enqueue(config, 'pdf_render', { font: 'NotoSansCJK-Regular' }, 'poison');
    await enqueue(config, 'pdf_render', { font: 'DejaVuSans' }, 'after');
    const run = worker(['run', '--config', config]);
    await waitForLog(dir, /task 'after' completed/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    const log = readLog(dir);
    const child = Number(/task 'poison' started: type pdf_render, task pid (\d+)/.exec(log)?.[1]);
    expect(child).toBeGreaterThan(0);
    expect(log).toContain(`clw-worker[pid=${child}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`);
    expect(log).toContain(`clw-worker[pid=${child}]: FATAL: last task on the crashing thread: 'poison' (type=pdf_render, handler clw_handle_pdf_render in ${dir}/plugins/libclwpdf.so)\n`);
    expect(log).toMatch(new RegExp(`ERROR: worker ${child} exited with code 139\\n`));
    expect(log).toMatch(/WARN: task 'poison' failed after [\d.]+s: task pid \d+ ended by signal SIGSEGV/);
    expect(log).not.toMatch(/Respawning|lost with worker/);
    if (!noCores) {
      expect(log).toContain(`clw-worker[pid=${child}]: CRITICAL: Core dump written to ${dir}/cores/core.${child}\n`);
      expect(existsSync(join(dir, 'cores', `core.${child}`))).toBe(true);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('with isolation "none" a handler runs inside the worker, with the lines OpenClaw writes around it', async () => {
    const dir = pluginFolder();
    const config = writeConfig(dir, { heartbeat_sec: 30 }, { plugin_dir: 'plugins', isolation: 'none', concurrency: 1 });
    await enqueue(config, 'pdf_render', { font: 'DejaVuSans' }, 'render-1');
    const run = worker(['run', '--config', config]);
    await waitForLog(dir, /Task 'render-1' completed in \d+ms/);
    run.kill('SIGTERM');
    expect((await run).exitCode).toBe(0);
    const log = readLog(dir);
    const pid = /clw-worker\[pid=(\d+)\]: INFO: worker worker-01 started/.exec(log)![1];
    expect(log).toContain(`clw-worker[pid=${pid}]: INFO: Starting task 'render-1' (type=pdf_render, attempt 1)\n`);
    expect(log).not.toMatch(/task pid/);
    expect(readdirSync(join(dir, 'queue/done'))).toHaveLength(1);
  });
});

describe('worker.toml for plugins', { timeout: 15_000 }, () => {
  it('refuses a plugin_dir that does not exist (exit 78) in the words the clw-init-plugin-dir rule reads', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, {}, { plugin_dir: 'no-plugins' });
    const r = await worker(['run', '--config', config]);
    expect(r.exitCode).toBe(78);
    expect(readLog(dir)).toContain(`FATAL: clw-init-fail: invalid config ${config}: task.plugin_dir ${dir}/no-plugins does not exist\n`);
    const incidents = await diagnose(join(dir, 'logs'));
    expect(incidents[0]).toMatchObject({ category: 'config.invalid', rule: 'clw-init-plugin-dir', facts: { pluginDir: `${dir}/no-plugins` } });
  });

  it('takes task.isolation "fork" (the default) or "none", and nothing else', () => {
    const dir = tempDir();
    expect(loadConfig(writeConfig(dir)).task.isolation).toBe('fork');
    expect(loadConfig(writeConfig(dir, {}, { isolation: 'none' })).task.isolation).toBe('none');
    expect(() => loadConfig(writeConfig(dir, {}, { isolation: 'thread' }))).toThrow(/task\.isolation must be one of "fork", "none" \(got "thread"\)/);
  });
});

// Claims one task in another process, which then exits without finishing it: a worker that died.
const CLAIM_AND_DIE = `
import { claim } from ${JSON.stringify(resolve('dist/worker/queue.js'))};
claim(process.argv[1]);
console.log(process.pid);
`;

describe.each([['folder', 'queue'], ['JSON-lines file', 'queue.jsonl']])('a %s queue, for a worker that died', { timeout: 15_000 }, (_kind, name) => {
  it('gives its claimed task back first, with the attempt counted', async () => {
    const q = join(tempDir(), name);
    for (const id of ['a', 'b']) put(q, newTask('ok', {}, id));
    const pid = Number((await execa(process.execPath, ['--input-type=module', '-e', CLAIM_AND_DIE, q])).stdout);
    expect(pending(q)).toBe(1);
    expect(recover(q, pid)).toEqual([{ id: 'a', type: 'ok', payload: {}, attempt: 2 }]);
    expect(recover(q, pid)).toEqual([]);
    expect(pending(q)).toBe(2);
    const c = claim(q)!;
    expect(c.task).toEqual({ id: 'a', type: 'ok', payload: {}, attempt: 2 });
    c.finish('done');
    expect(recover(q, process.pid)).toEqual([]);
  });

  it('puts a released task back, and leaves it to others for whoever skips it', () => {
    const q = join(tempDir(), name);
    for (const id of ['a', 'b']) put(q, newTask('ok', {}, id));
    const a = claim(q)!;
    a.release();
    expect(pending(q)).toBe(2);
    const b = claim(q, (key) => key === a.key)!;
    expect(b.task.id).toBe('b');
    b.finish('done');
    expect(claim(q, (key) => key === a.key)).toBeNull();
    expect(claim(q)!.task.id).toBe('a');
  });
});

describe('the supervisor, when a worker dies', { timeout: 20_000 }, () => {
  it('returns its claimed task to the queue, and once it gives up says no worker serves the queue, with its depth', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, { max_restarts: 1, restart_backoff_ms: 100, heartbeat_sec: 30 }, { concurrency: 1 });
    await enqueue(config, 'sleep', { ms: 20_000 }, 'long');
    await enqueue(config, 'ok', {}, 'next');
    const run = worker(['run', '--config', config]);
    for (let n = 1; n <= 2; n++) {
      const log = await waitForLog(dir, new RegExp(`(task 'long' started[^]*){${n}}`));
      const pid = Number([...log.matchAll(/clw-worker\[pid=(\d+)\]: INFO: task 'long' started/g)][n - 1][1]);
      process.kill(pid, 'SIGKILL');
    }
    expect((await run).exitCode).toBe(1);
    const log = readLog(dir);
    const queue = join(dir, 'queue');
    const pids = [...log.matchAll(/WARN: worker (\d+) exited with code 137/g)].map((m) => m[1]);
    expect(pids).toHaveLength(2);
    expect(log).toContain(`WARN: task 'long' lost with worker ${pids[0]}; returned to queue ${queue} (attempt 2)\n`);
    expect(log).toContain(`WARN: task 'long' lost with worker ${pids[1]}; returned to queue ${queue} (attempt 3)\n`);
    expect(log).toMatch(/Supervisor: giving up on worker-01 after 1 attempts\n.*ERROR: clw-dispatch-fail: no healthy worker for queue \S+\n.*: \[clw\] Queue depth: 2\n/);
    const waiting = readdirSync(queue).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(queue, n), 'utf8')));
    expect(waiting).toEqual([{ id: 'long', type: 'sleep', payload: { ms: 20_000 }, attempt: 3 }, { id: 'next', type: 'ok', payload: {} }]);
    const incidents = await diagnose(join(dir, 'logs'));
    expect(incidents[0]).toMatchObject({ category: 'signal.kill' });
    expect(incidents[0].consequences.map((c) => c.category)).toContain('dispatch.unavailable');
  });
});
