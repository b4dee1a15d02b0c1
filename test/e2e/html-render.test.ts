// The HTML report in a real browser: headless Chromium (Debian's `chromium`, which .ci/run installs)
// screenshots the page a sample produces and dumps its DOM. The screenshot must not be blank and
// must show the page's colours (so its inline CSS applied), the incidents' titles must be in the
// DOM, and the browser must make no request for the page: it runs with a proxy that records every
// request. The page has no script, and its CSP (default-src 'none') would refuse one: what the
// browser shows is what a reader without JavaScript sees.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { renderHtml } from '../../src/report/html/page.js';
import { HOSTILE_TITLE, sampleReport } from '../report/fixture.js';
import { clw, tempDir } from './cli.js';

/** A path to Chromium, installing Debian's package when we may; null (and why) when there is none. */
async function findChromium(): Promise<{ bin: string | null; why: string }> {
  const which = async () => {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      const r = await execa('sh', ['-c', `command -v ${name}`], { reject: false });
      if (r.exitCode === 0 && r.stdout.trim()) return r.stdout.trim();
    }
    return null;
  };
  const found = await which();
  if (found) return { bin: found, why: '' };
  const canInstall = process.getuid?.() === 0 && (await execa('sh', ['-c', 'command -v apt-get'], { reject: false })).exitCode === 0;
  if (!canInstall) return { bin: null, why: 'chromium is not installed and cannot be installed here (not root, or no apt-get); .ci/run installs it' };
  const r = await execa('sh', ['-c', 'apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null 2>&1)'],
    { reject: false, env: { DEBIAN_FRONTEND: 'noninteractive' }, timeout: 240_000 });
  const after = await which();
  return after ? { bin: after, why: '' } : { bin: null, why: `chromium is not installed and apt-get could not install it (exit ${r.exitCode})` };
}

/** Every request that reaches the proxy: the browser's own page requests would show here. */
function recordingProxy(): Promise<{ port: number; seen: string[]; close: () => void }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => { seen.push(req.url ?? ''); res.writeHead(502).end(); });
  server.on('connect', (req, socket) => {
    seen.push(`https://${req.url}`);
    // The browser may drop a refused tunnel first (ECONNRESET): that is its business, not an error here.
    socket.on('error', () => {});
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, seen, close: () => server.close() })));
}

/** Chromium's own traffic (component updates, time sync, sign-in), which no flag fully stops. */
const BROWSER_OWN = /^https?:\/\/([\w-]+\.)*(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(:\d+)?(\/|$)/;

interface Png { width: number; height: number; pixels: Uint8Array; channels: number }

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) with node:zlib. */
function decodePng(buf: Buffer): Png {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  let width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const kind = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (kind === 'IHDR') [width, height, depth, type, interlace] = [data.readUInt32BE(0), data.readUInt32BE(4), data[8], data[9], data[12]];
    else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    off += 12 + len;
  }
  if (depth !== 8 || (type !== 2 && type !== 6) || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${type}, interlace ${interlace}`);
  const channels = type === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const at = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[at + x - channels] : 0;
      const b = y > 0 ? pixels[at - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[at - stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[at + x] = v & 0xff;
    }
  }
  return { width, height, pixels, channels };
}

function colours(png: Png): { distinct: number; notBackground: number; near: (rgb: [number, number, number], tol?: number) => number } {
  const counts = new Map<number, number>();
  const { pixels, channels } = png;
  for (let i = 0; i < pixels.length; i += channels) {
    const k = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const [bg] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  const total = pixels.length / channels;
  return {
    distinct: counts.size,
    notBackground: (total - counts.get(bg)!) / total,
    near: ([r, g, b], tol = 12) => [...counts.entries()].filter(([k]) => Math.abs((k >> 16) - r) <= tol && Math.abs(((k >> 8) & 255) - g) <= tol && Math.abs((k & 255) - b) <= tol).reduce((n, [, c]) => n + c, 0),
  };
}

let chromium: string | null = null;
let why = '';
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
const dir = tempDir('clw-html-');
let profiles = 0;

/** Chromium as the test runs it: headless, without the background traffic that can be turned off,
 *  every request through the recording proxy, a throwaway profile. (Turning scripts off with
 *  --blink-settings would also turn off --dump-dom.) */
function browse(url: string, args: string[]) {
  return execa(chromium!, [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--mute-audio',
    '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-default-apps', '--disable-extensions',
    `--proxy-server=http://127.0.0.1:${proxy.port}`, '--proxy-bypass-list=<-loopback>',
    `--user-data-dir=${join(dir, `profile-${profiles++}`)}`, ...args, url,
  ], { reject: false, timeout: 20_000 });
}

const pageRequests = () => proxy.seen.filter((u) => !BROWSER_OWN.test(u));

beforeAll(async () => {
  ({ bin: chromium, why } = await findChromium());
  if (!chromium) console.log(`html-render: skipped: ${why}`);
  proxy = await recordingProxy();
}, 300_000);

afterAll(() => {
  proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', () => {
  it('renders a sample\'s report: not blank, in colour, every incident\'s title in the DOM, no request', async (ctx) => {
    if (!chromium) return ctx.skip();
    const out = join(dir, 'report.html');
    const env = { CLW_DIAG_NOW: '2026-11-23T00:00:00Z' };
    const made = await clw(['samples/crash-loop', '--format', 'html', '--output', out], { env });
    expect(made.exitCode).toBe(1);
    const json = JSON.parse((await clw(['samples/crash-loop', '--format', 'json'], { env })).stdout as string) as { incidents: { title: string }[] };
    expect(json.incidents.length).toBeGreaterThanOrEqual(3);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    const shot = join(dir, 'report.png');
    const [screenshot, dom] = await Promise.all([
      browse(`file://${out}`, [`--screenshot=${shot}`, '--window-size=1280,2000']),
      browse(`file://${out}`, ['--dump-dom']),
    ]);
    expect(screenshot.exitCode, screenshot.stderr).toBe(0);
    expect(dom.exitCode, dom.stderr).toBe(0);

    const png = decodePng(readFileSync(shot));
    expect([png.width, png.height]).toEqual([1280, 2000]);
    const c = colours(png);
    expect(c.distinct).toBeGreaterThan(100);
    expect(c.notBackground).toBeGreaterThan(0.03);
    // The critical badge, the timeline's crash lane and the incident's border are --critical
    // (#b0162b): the inline stylesheet applied, and the CSP did not block it.
    expect(c.near([0xb0, 0x16, 0x2b])).toBeGreaterThan(500);

    expect(dom.stdout).toContain('<svg class="timeline"');
    for (const inc of json.incidents) expect(dom.stdout).toContain(inc.title);
    expect(dom.stdout.match(/<section class="incident /g)).toHaveLength(json.incidents.length);
    expect(pageRequests()).toEqual([]);
  }, 60_000);

  it('keeps hostile report text as text: no element from it, no request', async (ctx) => {
    if (!chromium) return ctx.skip();
    const file = join(dir, 'hostile.html');
    writeFileSync(file, renderHtml(sampleReport()));
    const dom = await browse(`file://${file}`, ['--dump-dom']);
    expect(dom.exitCode, dom.stderr).toBe(0);
    expect(dom.stdout).not.toMatch(/<img|<link|<script/);
    expect(dom.stdout).toContain(HOSTILE_TITLE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(dom.stdout).toContain('payload &lt;img src="http://evil.invalid/x.png"');
    expect(dom.stdout).toMatch(/class="crashing"[^>]*>.*parse_job/);
    expect(pageRequests()).toEqual([]);
  }, 30_000);

  it('would see a request: the proxy records a page that does fetch', async (ctx) => {
    if (!chromium) return ctx.skip();
    const file = join(dir, 'fetches.html');
    writeFileSync(file, '<!DOCTYPE html><html><body><img src="http://fetch.invalid/pixel.png"></body></html>');
    const before = proxy.seen.length;
    await browse(`file://${file}`, ['--dump-dom']);
    expect(proxy.seen.slice(before).filter((u) => !BROWSER_OWN.test(u))).toContain('http://fetch.invalid/pixel.png');
    proxy.seen.splice(before);
  }, 30_000);
});
