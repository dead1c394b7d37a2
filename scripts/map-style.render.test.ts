// The offline styles rendered by the real MapLibre in Chromium (SwiftShader WebGL), served from
// 127.0.0.1 with the app's CSP: the basemap draws, the Vietnamese labels are placed (so the glyph
// PBFs load and decode), the code-list switch works, and no request leaves the page's origin.
// Screenshots: test-results/screenshots/map-style-{dark,light}[-2019].png.
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_TYPES, rendererCsp } from '../main/core/csp';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';
import { MapBasemapConfig, basemapOrigins } from '../shared/map/basemap';
import { codeListVisibility, createMapStyle } from '../shared/map/style';
import { buildMapAssets } from './build-map-assets.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = join(root, 'test-results/screenshots');
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/maplibre/maplibre-gl.css">
<link rel="stylesheet" href="/page.css"></head><body><div id="map"></div><script type="module" src="/page.js"></script></body></html>`;
const CSS = 'html,body,#map{margin:0;width:100%;height:100%;background:#000}';
const JS = "import * as maplibregl from '/maplibre/maplibre-gl.mjs'; window.maplibregl = maplibregl; window.ready = true;";

let dir: string;
let server: Server;
let origin: string;
let browser: Browser;
/** Extra CSP connect-src for the page (what main adds for a configured basemap). */
let extraConnect: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'map-render-'));
  await buildMapAssets({ out: join(dir, 'map'), quiet: true });
  const mapDir = join(dir, 'map');
  const libDir = join(root, 'node_modules/maplibre-gl/dist');
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const fixed: Record<string, [string, string]> = { '/': [PAGE, '.html'], '/page.css': [CSS, '.css'], '/page.js': [JS, '.js'] };
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (fixed[path]) {
      const [body, ext] = fixed[path];
      res.writeHead(200, { 'Content-Type': CONTENT_TYPES[ext], ...(ext === '.html' ? { 'Content-Security-Policy': rendererCsp(extraConnect) } : {}) }).end(body);
      return;
    }
    const [base, rel] = path.startsWith('/map/') ? [mapDir, path.slice(5)] : path.startsWith('/maplibre/') ? [libDir, path.slice(10)] : [null, ''];
    const file = base ? normalize(join(base, rel)) : '';
    if (!base || !file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  mkdirSync(shots, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('offline map styles in Chromium', () => {
  it.each(['dark', 'light'] as const)('%s: draws the district with Vietnamese labels, from its own origin only', async (theme) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const foreign: string[] = [];
    const failed: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
      const style = createMapStyle({ theme, assetBase: `${origin}/map/` });
      await page.evaluate((s) => {
        const w = globalThis as unknown as { maplibregl: { Map: new (o: unknown) => unknown }; map: unknown; idle: boolean };
        const map = new w.maplibregl.Map({ container: 'map', style: s, center: [108.225, 15.28], zoom: 9.6, attributionControl: false, fadeDuration: 0 }) as { once(e: string, f: () => void): void; on(e: string, f: (e: { error?: { message?: string } }) => void): void };
        map.on('error', (e) => console.error(`map error: ${e.error?.message}`));
        map.once('idle', () => (w.idle = true));
        w.map = map;
      }, style as unknown);
      await page.waitForFunction(() => (globalThis as unknown as { idle?: boolean }).idle === true, null, { timeout: 40_000 });
      const rendered = await page.evaluate(() => {
        const map = (globalThis as unknown as { map: { queryRenderedFeatures(o?: unknown): Array<{ layer: { id: string }; properties: Record<string, unknown> }> } }).map;
        const byLayer: Record<string, string[]> = {};
        for (const f of map.queryRenderedFeatures()) (byLayer[f.layer.id] ??= []).push(String(f.properties.name ?? f.properties.office ?? ''));
        return byLayer;
      });
      await page.screenshot({ path: join(shots, `map-style-${theme}.png`) });
      expect(foreign).toEqual([]);
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
      // Symbol features are only returned once placed, i.e. once their glyphs loaded.
      expect(new Set(rendered['communes-label'])).toEqual(new Set(['Xã Trà My', 'Xã Trà Liên', 'Xã Trà Giáp', 'Xã Trà Tân', 'Xã Trà Đốc']));
      expect(new Set(rendered['communes-fill']).size).toBe(5);
      expect(rendered['district-line']?.length).toBeGreaterThan(0);
      expect(rendered['commune-offices']?.length).toBe(5);
      expect(rendered['neighbours-fill']?.length).toBeGreaterThan(3);
      // one label per neighbouring district, not one per polygon part
      expect(rendered['neighbours-label']?.length).toBe(new Set(rendered['neighbours-label']).size);
      expect(rendered['units-2019']).toBeUndefined();

      // Switch to the pre-2025 code list on the live map.
      await page.evaluate((vis) => {
        const w = globalThis as unknown as { map: { setLayoutProperty(id: string, k: string, v: string): void; once(e: string, f: () => void): void }; idle: boolean };
        w.idle = false;
        for (const [id, v] of Object.entries(vis)) w.map.setLayoutProperty(id, 'visibility', v);
        w.map.once('idle', () => (w.idle = true));
      }, codeListVisibility('vn-2019'));
      await page.waitForFunction(() => (globalThis as unknown as { idle?: boolean }).idle === true, null, { timeout: 40_000 });
      const old = await page.evaluate(() => {
        const map = (globalThis as unknown as { map: { queryRenderedFeatures(o?: unknown): Array<{ properties: Record<string, unknown> }> } }).map;
        return { points: map.queryRenderedFeatures({ layers: ['units-2019'] }).length, labels: map.queryRenderedFeatures({ layers: ['units-2019-label'] }).map((f) => String(f.properties.name)), communes: map.queryRenderedFeatures({ layers: ['communes-fill'] }).length };
      });
      await page.screenshot({ path: join(shots, `map-style-${theme}-2019.png`) });
      expect(old.points).toBe(13);
      expect(old.labels.length).toBeGreaterThanOrEqual(11); // one or two may still collide at this zoom
      expect(old.labels).toEqual(expect.arrayContaining(['Xã Trà Đốc', 'Thị trấn Trà My']));
      expect(old.communes).toBe(0);
      expect(foreign).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('draws a configured online raster basemap, allowed by the CSP origins the config names', async () => {
    // A stand-in tile server on another 127.0.0.1 port: a different origin, like a real provider.
    const { createCanvas } = await import('@napi-rs/canvas');
    const c = createCanvas(256, 256);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#3a7d44';
    ctx.fillRect(0, 0, 256, 256);
    const png = c.toBuffer('image/png');
    const tileRequests: string[] = [];
    const tiles = createServer((req, res) => {
      tileRequests.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' }).end(png);
    });
    await new Promise<void>((ok) => tiles.listen(0, '127.0.0.1', ok));
    const tileOrigin = `http://127.0.0.1:${(tiles.address() as AddressInfo).port}`;
    const config = MapBasemapConfig.parse({ kind: 'raster', tiles: [`${tileOrigin}/{z}/{x}/{y}.png`], attribution: '© Test tiles', opacity: 1 });
    extraConnect = basemapOrigins(config);
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') blocked.push(m.text());
    });
    try {
      expect(extraConnect).toEqual([tileOrigin]);
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
      await page.evaluate((s) => {
        const w = globalThis as unknown as { maplibregl: { Map: new (o: unknown) => { once(e: string, f: () => void): void } }; idle: boolean };
        const map = new w.maplibregl.Map({ container: 'map', style: s, attributionControl: false, fadeDuration: 0 });
        map.once('idle', () => (w.idle = true));
      }, createMapStyle({ theme: 'dark', assetBase: `${origin}/map/`, basemap: config }) as unknown);
      await page.waitForFunction(() => (globalThis as unknown as { idle?: boolean }).idle === true, null, { timeout: 40_000 });
      await page.screenshot({ path: join(shots, 'map-style-dark-raster-basemap.png') });
      expect(tileRequests.length).toBeGreaterThan(0);
      expect(tileRequests.every((u) => /^\/\d+\/\d+\/\d+\.png$/.test(u))).toBe(true);
      expect(blocked).toEqual([]);
    } finally {
      extraConnect = [];
      await page.close();
      await new Promise<void>((ok) => tiles.close(() => ok()));
    }
  }, 90_000);
});
