// `clw-worker reproduce missing-lib | crash-loop --out DIR`, then `clw-diag DIR`: each failure really
// happens (the dynamic loader refuses the plugin; the worker process itself dies with SIGSEGV, over
// and over), and clw-diag ranks the expected root cause first from nothing but what DIR holds.
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { corePatternProblem } from '../../src/worker/native.js';
import { PDF_C } from '../../src/worker/native/sample-plugins.js';
import { pluginHostUnavailable } from '../../src/worker/plugins/index.js';
import { diagnose, reproduce } from './helpers.js';

const noHost = pluginHostUnavailable();
if (noHost) console.log(`missing-lib and crash-loop skipped: ${noHost}`);
const noCores = corePatternProblem();
if (!noHost && noCores) console.log(`crash-loop runs without cores: ${noCores}`);

const made: string[] = [];
afterAll(() => {
  // The crash loop leaves a node core per crash: do not keep hundreds of MiB in /tmp.
  for (const d of made) rmSync(dirname(d), { recursive: true, force: true });
});

async function reproduceHere(name: string): Promise<string> {
  const { dir } = await reproduce(name);
  made.push(dir);
  return dir;
}

describe.skipIf(noHost !== null)('clw-worker reproduce, plugin scenarios', { timeout: 60_000 }, () => {
  it('missing-lib: the loader refuses the plugin for want of its library; clw-diag ranks lib.load first with both', async () => {
    const dir = await reproduceHere('missing-lib');
    const plugin = join(dir, 'plugins/libclwimg.so');
    // The plugin really needs a library this host does not have (ldd says so, where there is one).
    const ldd = await execa('ldd', [plugin], { reject: false });
    if (ldd.stdout) expect(ldd.stdout).toMatch(/libclwvips\.so\.1 => not found/);
    const log = readFileSync(join(dir, 'worker.log'), 'utf8');
    expect(log).toContain(`ERROR: plugin ${plugin} failed to load: libclwvips.so.1: cannot open shared object file: No such file or directory\n`);
    expect(log).toContain('WARN: task type image_resize disabled: no handler (plugin libclwimg.so not loaded)\n');
    expect(log).toContain(`WARN: task 'thumbnail-resize-9ad86c' (type=image_resize) rejected: no handler for type; returned to queue ${dir}/queue\n`);
    expect(log).toMatch(/INFO: task 'invoice-pdf-render-131da1' completed/);
    const incidents = await diagnose(dir);
    expect(incidents[0]).toMatchObject({ category: 'lib.load', rule: 'clw-plugin-load', facts: { plugin, library: 'libclwvips.so.1' } });
  });

  it('crash-loop: a poison task kills each worker with SIGSEGV until the supervisor gives up; clw-diag ranks crash.segv over the loop and the idle queue', async () => {
    const dir = await reproduceHere('crash-loop');
    const log = readFileSync(join(dir, 'worker.log'), 'utf8');
    const poison = 'invoice-pdf-render-77ab0e';
    // Three workers (max_restarts 2), each dead of the same task, which went back to the queue each time.
    const dead = [...log.matchAll(/clw-supervisor\[pid=\d+\]: WARN: worker (\d+) exited with code 139\n/g)].map((m) => m[1]);
    expect(dead).toHaveLength(3);
    dead.forEach((pid, i) => {
      expect(log).toContain(`clw-worker[pid=${pid}]: INFO: Starting task '${poison}' (type=pdf_render, attempt ${i + 1})\n`);
      expect(log).toContain(`clw-worker[pid=${pid}]: FATAL: clw-worker-crash detected. Exit code: 139, Signal: 11 (SIGSEGV at 0x0)\n`);
      expect(log).toContain(`WARN: task '${poison}' lost with worker ${pid}; returned to queue ${dir}/queue (attempt ${i + 2})\n`);
    });
    expect(log).toMatch(/Supervisor: Respawning worker\.\.\. \(attempt 2\/2\)/);
    expect(log).toMatch(/Supervisor: giving up on worker-01 after 2 attempts\n/);
    expect(log).toMatch(/ERROR: clw-dispatch-fail: no healthy worker for queue \S+\n.*: \[clw\] Queue depth: 4\n/);
    // The kernel saw the worker itself die in the plugin.
    expect(readFileSync(join(dir, 'dmesg.txt'), 'utf8')).toMatch(new RegExp(`clw-worker\\[${dead[0]}\\]: segfault at 0 .* in libclwpdf\\.so`));
    const cores = existsSync(join(dir, 'cores')) ? readdirSync(join(dir, 'cores')).sort() : [];
    if (!noCores) {
      expect(cores).toEqual(dead.map((pid) => `core.${pid}`).sort());
      for (const pid of dead) expect(log).toContain(`clw-worker[pid=${pid}]: CRITICAL: Core dump written to ${dir}/cores/core.${pid}\n`);
    }

    const incidents = await diagnose(dir);
    const [root] = incidents;
    expect(root).toMatchObject({ category: 'crash.segv', causedBy: null, facts: { signal: 'SIGSEGV', faultAddress: '0x0' } });
    if (cores.length) {
      const line = PDF_C.split('\n').findIndex((l) => l.includes('SEGV_LINE')) + 1;
      expect(root.facts).toMatchObject({ function: 'clw_handle_pdf_render', file: 'pdf.c', line, crashKind: 'NULL dereference' });
    }
    expect(new Set(root.consequences.map((c) => c.category))).toEqual(new Set(['restart.loop', 'dispatch.unavailable']));
    for (const c of incidents.filter((i) => i !== root)) {
      expect(['restart.loop', 'dispatch.unavailable']).toContain(c.category);
      expect(c.causedBy).toBe(root.id);
    }
    expect(incidents.find((i) => i.category === 'dispatch.unavailable')?.facts).toMatchObject({ queueDepth: 4 });
    // The respawns and the give-up are one loop: one incident, with the worker the give-up names.
    const loops = incidents.filter((i) => i.category === 'restart.loop');
    expect(loops).toHaveLength(1);
    expect(loops[0].facts).toMatchObject({ worker: 'worker-01', attempt: 2 });
  });
});
