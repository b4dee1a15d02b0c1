// Failures of task plugins (plugins.ts): a plugin whose library is missing on the host, and a plugin
// handler that segfaults inside the worker, so every worker that takes its task dies.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginHostUnavailable } from '../plugins/index.js';
import { IMG_C, PDF_C, VIPS_C } from '../native/sample-plugins.js';
import type { QueuedTask, Scenario } from './types.js';

/** Builds sample plugins into DIR/plugins: libclwpdf.so, and with `img` libclwimg.so, linked against
 *  libclwvips.so.1, which is built beside it in a temporary folder and deleted with it: like a library
 *  the host never got. */
export function buildSamplePlugins(dir: string, img: boolean): void {
  const out = join(dir, 'plugins');
  mkdirSync(out, { recursive: true });
  const build = mkdtempSync(join(tmpdir(), 'clw-plugin-build-'));
  // Compiled in the build folder by relative name, so the debug info (and a core's frames) say pdf.c.
  const cc = (...args: string[]) => execFileSync('cc', args, { cwd: build, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    writeFileSync(join(build, 'vips.c'), VIPS_C);
    writeFileSync(join(build, 'img.c'), IMG_C);
    writeFileSync(join(build, 'pdf.c'), PDF_C);
    if (img) {
      cc('-shared', '-fPIC', '-g', '-Wl,-soname,libclwvips.so.1', '-o', 'libclwvips.so.1', 'vips.c');
      symlinkSync('libclwvips.so.1', join(build, 'libclwvips.so'));
      cc('-shared', '-fPIC', '-g', '-O0', '-o', join(out, 'libclwimg.so'), 'img.c', '-L.', '-lclwvips');
    }
    cc('-shared', '-fPIC', '-g', '-O0', '-o', join(out, 'libclwpdf.so'), 'pdf.c');
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

const render = (id: string, font: string): QueuedTask => ({ type: 'pdf_render', payload: { invoice: `INV-${id}`, font }, id: `invoice-pdf-render-${id}` });

export const PLUGIN_SCENARIOS: Record<string, Scenario> = {
  // The loader refuses libclwimg.so at start ("libclwvips.so.1: cannot open shared object file"), so
  // image_resize has no handler: its task goes back to the queue while libclwpdf.so's runs.
  'missing-lib': {
    what: 'plugin libclwimg.so needs libclwvips.so.1, which is not installed; the worker disables image_resize and returns its task to the queue',
    task: { plugin_dir: 'plugins' },
    tasks: [{ type: 'image_resize', payload: { width: 1920 }, id: 'thumbnail-resize-9ad86c' }, render('131da1', 'DejaVuSans')],
    until: /task 'invoice-pdf-render-131da1' completed/,
    prepare: (dir) => buildSamplePlugins(dir, true),
    unavailable: pluginHostUnavailable,
  },
  // With task.isolation = "none" the handler runs in the worker: a font libclwpdf.so lacks makes it
  // dereference NULL, the worker dies with SIGSEGV (a core in core_dir), the supervisor returns the
  // task to the queue and respawns a worker that takes it first again, until it gives up.
  'crash-loop': {
    what: 'a pdf_render task segfaults its handler inside the worker (task.isolation = "none"); each respawned worker takes it again until the supervisor gives up',
    worker: { max_restarts: 2 },
    task: { plugin_dir: 'plugins', isolation: 'none', enable_core_dumps: true },
    tasks: [render('77ab0e', 'NotoSansCJK-Regular'), render('5c1e02', 'DejaVuSans'), render('9d4b17', 'DejaVuSans'), render('e2a690', 'DejaVuSans')],
    until: null,
    kernel: true,
    prepare: (dir) => buildSamplePlugins(dir, false),
    unavailable: pluginHostUnavailable,
  },
};
