// The Markdown report, as a CI job summary reads it: the ranked table, folded evidence with a cap,
// the fixes, a healthy line, escaped text, and GitHub's 1 MiB step-summary limit.
import { describe, expect, it } from 'vitest';
import { code, fence, mdText, renderMarkdown, SUMMARY_LIMIT } from '../../src/report/markdown.js';
import { evidence, incident, report, sampleReport } from './fixture.js';

describe('the Markdown report', () => {
  const md = renderMarkdown(sampleReport());

  it('has a ranked table: rank, severity, category, title, count, first seen', () => {
    expect(md).toMatch(/^## clw-diag report\n/);
    expect(md).toContain('| # | severity | category | incident | count | first seen |');
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toEqual([
      '| 1 | critical | `crash.segv` | worker \\<script\\>alert("title")\\</script\\> \\| crashed &amp; burned \\`x\\` | 3 | 2026-11-20 10:00:01Z |',
      '| 2 | warning | `gc.pause` | GC paused for 3.4 s | 2 | 2026-11-20 09:58:00Z |',
      '| 3 | error | `restart.loop` | ↳ Supervisor gave up after 5 attempts | 5 | 2026-11-20 10:00:03Z |',
    ]);
    expect(md).toContain('**By severity:** 1 critical · 1 error · 1 warning');
  });

  it('gives each incident its facts, backtrace, fix and folded evidence', () => {
    expect(md).toContain('### 1. worker \\<script\\>');
    expect(md).toContain('**critical** · `crash.segv` · `clw-worker-crash` · seen 3× · 2026-11-20 10:00:01Z → 2026-11-20 10:04:00Z · **root cause**');
    expect(md).toContain('· caused by #1');
    expect(md).toContain('`rssBytes`: 3.0 GiB');
    expect(md).toMatch(/=> #2 parse_job at src\/jobs\.c:42/);
    expect(md).toContain('   #0 __pthread_kill_implementation in libc.so.6');
    expect(md).toContain('**Fix: Find the handler that crashes**');
    expect(md).toContain('1. Open the core with `gdb -batch -ex bt`.');
    expect(md).toContain('2. Fix \\<the\\> handler.');
    expect(md).toContain('```\n[worker]\nmax_tasks = 1\n```');
    expect(md).toContain('<details><summary>Evidence (4 lines)</summary>\n\n```\nclw/worker.log:10: clw-worker[pid=812]: FATAL: segfault in parse_job\n');
    expect(md).toContain('\n</details>');
    expect(md).toContain('**Notes**\n\n- dmesg: permission \\<denied\\>');
    // No raw tag from the report's text reaches the Markdown outside a code block.
    const prose = md.replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, '');
    expect(prose).not.toMatch(/(?<!\\)<(script|img|link)/);
  });

  it('caps the evidence of an incident and says how many lines were left out', () => {
    const lines = Array.from({ length: 80 }, (_, i) => evidence('/var/log/kern.log', i + 1, '2026-11-20T10:00:00.000Z', `line ${i + 1}`, i === 79));
    const out = renderMarkdown(report([incident({ rank: 1, id: 'a', category: 'oom.killed', title: 'OOM', evidence: lines })]));
    expect(out).toContain('<details><summary>Evidence (12 of 80 lines)</summary>');
    expect(out).toContain('68 more lines left out; `--format json` or `--format html` has them all.');
    expect(out).toContain('\nlog/kern.log:80: line 80\n');
    expect(out).toContain('\nlog/kern.log:1: line 1\n');
    expect(out).toMatch(/kern\.log:10: line 10\n…\nlog\/kern\.log:79: line 79/);
  });

  it('cuts very long evidence lines', () => {
    const long = 'x'.repeat(5000);
    const out = renderMarkdown(report([incident({ rank: 1, id: 'a', category: 'hang', title: 'h', evidence: [evidence('w.log', 1, null, long)] })]));
    expect(out).toContain(`w.log:1: ${'x'.repeat(499)}… (4501 more characters)`);
  });

  it('says the input is healthy when there are no incidents', () => {
    const out = renderMarkdown(report([]));
    expect(out).toContain('No incidents from 2 sources');
    expect(out).toContain(':white_check_mark: **Healthy:** no incidents in 2 sources.');
    expect(out).not.toContain('| # |');
  });

  it('stays under its byte budget, leaving out the sections that do not fit', () => {
    const many = Array.from({ length: 40 }, (_, n) => incident({
      rank: n + 1, id: `i${n}`, category: 'oom.killed', title: `incident ${n + 1}`, count: 1,
      evidence: Array.from({ length: 12 }, (_, i) => evidence('k.log', i, null, 'y'.repeat(400))),
    }));
    const out = renderMarkdown(report(many, { notes: ['a note'] }), { maxBytes: 20_000 });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(20_000);
    const shown = out.match(/^### \d+\./gm)!.length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(40);
    expect(out).toContain(`_${40 - shown} incidents' details left out to stay under GitHub's 1 MiB job-summary limit`);
    expect(out.match(/^\| \d+ \|/gm)).toHaveLength(40);
    expect(out.trimEnd().endsWith('- a note')).toBe(true);
  });

  it('keeps a large report under GitHub\'s 1 MiB by default', () => {
    const many = Array.from({ length: 500 }, (_, n) => incident({
      rank: n + 1, id: `i${n}`, category: 'oom.killed', title: `incident ${n + 1}`, count: 1,
      evidence: Array.from({ length: 80 }, (_, i) => evidence('k.log', i, null, 'z'.repeat(2000))),
    }));
    const out = renderMarkdown(report(many));
    expect(Buffer.byteLength(out)).toBeLessThan(SUMMARY_LIMIT);
    expect(out).toMatch(/incidents' details left out/);
  });
});

describe('Markdown escaping', () => {
  it('makes text inert in cells and prose', () => {
    expect(mdText('a|b *c* _d_ [e](f) <g> `h` ~i~ & \\ \nj')).toBe('a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\> \\`h\\` \\~i\\~ &amp; \\\\  j');
  });

  it('makes code spans and fences longer than the backticks inside', () => {
    expect(code('plain')).toBe('`plain`');
    expect(code('a `b` c')).toBe('``a `b` c``');
    expect(code('`edge`')).toBe('`` `edge` ``');
    expect(fence('x')).toBe('```\nx\n```');
    expect(fence('a\n```\nb')).toBe('````\na\n```\nb\n````');
    expect(fence('````` five')).toBe('``````\n````` five\n``````');
  });

  it('keeps an evidence line with a fence in it inside its block', () => {
    const out = renderMarkdown(report([incident({ rank: 1, id: 'a', category: 'hang', title: 'h', evidence: [evidence('w.log', 1, null, '``` </details> <script>')] })]));
    expect(out).toContain('<details><summary>Evidence (1 lines)</summary>\n\n````\nw.log:1: ``` </details> <script>\n````\n\n</details>');
  });
});
