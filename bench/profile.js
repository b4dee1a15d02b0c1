// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and total time per function.
//
//   node bench/profile.js FILE.cpuprofile [--top N]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function where(cf) {
  const file = cf.url ? cf.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules|bench)\//, '$1/') : '';
  return file ? `${file}:${cf.lineNumber + 1}` : '';
}

function nameOf(cf) {
  return cf.functionName || (cf.url ? '(anonymous)' : '(native)');
}

/** Returns { totalMs, self: [{fn, where, ms, share}], total: [...] } sorted by time. */
export function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
  for (let i = 0; i < samples.length; i++) {
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, dt));
  }
  const key = (n) => `${nameOf(n.callFrame)}\t${where(n.callFrame)}`;
  const self = new Map();
  const total = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    totalUs += us;
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const rows = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([k, us]) => {
    const [fn, at] = k.split('\t');
    return { fn, where: at, ms: us / 1000, share: totalUs ? us / totalUs : 0 };
  });
  return { totalMs: totalUs / 1000, self: rows(self), total: rows(total) };
}

export function formatSummary(s, top = 25) {
  const line = (r) => `${(r.share * 100).toFixed(1).padStart(6)}% ${r.ms.toFixed(0).padStart(8)} ms  ${r.fn}${r.where ? `  ${r.where}` : ''}`;
  const out = [`profile: ${s.totalMs.toFixed(0)} ms sampled`, '', 'self time (top functions):'];
  out.push(...s.self.slice(0, top).map(line));
  out.push('', 'total time (functions of clw-diag, callees included):');
  out.push(...s.total.filter((r) => r.where.startsWith('dist/')).slice(0, top).map(line));
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: node bench/profile.js FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const i = args.indexOf('--top');
  const top = i >= 0 ? Number(args[i + 1]) : 25;
  process.stdout.write(formatSummary(summarize(JSON.parse(readFileSync(file, 'utf8'))), top) + '\n');
}
