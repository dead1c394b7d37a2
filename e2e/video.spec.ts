import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { makeClip, startRtspServer, type RtspServer } from '../main/services/streams/testing/helpers';
import { hostCall } from './contract-client';
import { startHostProcess, type HostProcess } from './host-process';
import { apiLogin, DEMO_PASSWORD, freePort, startServerProcess, type ServerProcess } from './server-process';

const SHOTS = 'test-results/screenshots';
let dir: string;
let rtsp: RtspServer;
let rtspPort: number;
let clip: string;
let server: ServerProcess;
let host: HostProcess;
const CAMERAS = Array.from({ length: 16 }, (_, i) => `rtsp-cam-${String(i + 1).padStart(2, '0')}`);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'ioc-video-e2e-'));
  clip = makeClip(dir, 'cam.ts', 120, '640x360');
  rtspPort = await freePort();
  rtsp = await startRtspServer({ '/cam': clip }, rtspPort);
  server = await startServerProcess({ seed: false });
  const admin = await apiLogin(server, 'admin');
  const res = await fetch(`${server.url}/api/v1/admin/cameras`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ioc-protocol': '1', authorization: `Bearer ${admin}` },
    body: JSON.stringify({
      cameras: CAMERAS.map((id, i) => ({
        id,
        name: `Camera RTSP ${i + 1}`,
        group: 'traffic',
        unitId: null,
        location: [108.23, 15.32],
        enabled: true,
        sources: { main: { type: 'rtsp', url: `rtsp://127.0.0.1:${rtspPort}/cam` }, sub: { type: 'rtsp', url: `rtsp://127.0.0.1:${rtspPort}/cam` } },
      })),
    }),
  });
  expect(res.status).toBe(200);
  host = await startHostProcess({ displays: 2, env: { IOC_SERVER_URL: server.url } });
  await hostCall(host, 'sync:login', { username: 'operator', password: DEMO_PASSWORD });
  // Wait until the cameras are in the cache.
  await expect.poll(async () => (await hostCall<unknown[]>(host, 'streams:listCameras')).length, { timeout: 20_000 }).toBe(16);
});

test.afterAll(async () => {
  await host?.stop();
  await server?.dispose();
  await rtsp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tiles = (page: Page) => page.locator('[data-testid^="tile-"][data-camera]');
async function frameCounts(page: Page): Promise<number[]> {
  return tiles(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-frames') ?? 0)));
}

test('a 3×3 mosaic of RTSP cameras plays; a dead camera shows "reconnecting" within 3 s and plays again within 5 s of its return', async ({ browser }) => {
  test.setTimeout(120_000);
  const log = (m: string) => console.log(`[video e2e ${new Date().toISOString()}] ${m}`);
  await hostCall(host, 'mosaic:setState', { displayId: '2', layout: '3x3', tiles: CAMERAS.slice(0, 9), enlarged: null });
  const page = await browser.newPage();
  await page.goto(host.urlFor('2'));
  log('page open');
  await expect(page.getByTestId('view-mosaic')).toBeVisible();
  await expect(tiles(page)).toHaveCount(9);
  await expect(page.locator('video')).toHaveCount(9); // one player per visible tile
  await expect.poll(async () => (await tiles(page).evaluateAll((els) => els.filter((e) => e.getAttribute('data-state') === 'live').length)), { timeout: 20_000 }).toBe(9);
  log('9 live');
  // Decoded frames advance on every tile.
  const a = await frameCounts(page);
  await page.waitForTimeout(2000);
  const b = await frameCounts(page);
  expect(b.every((n, i) => n > a[i] + 10), `frames ${a} → ${b}`).toBe(true);

  // The camera (RTSP server) goes away.
  log('frames advance; stopping the RTSP server');
  await rtsp.stop();
  const t0 = Date.now();
  await expect.poll(async () => tiles(page).evaluateAll((els) => els.filter((e) => e.getAttribute('data-state') === 'reconnecting').length), { timeout: 3000, intervals: [100] }).toBe(9);
  test.info().annotations.push({ type: 'reconnectingMs', description: String(Date.now() - t0) });
  await expect(page.getByTestId('tile-0')).toContainText(/khung hình cuối lúc \d\d:\d\d:\d\d/i);
  await page.screenshot({ path: `${SHOTS}/mosaic-reconnecting.png` });

  // It comes back: playing again within 5 s.
  log('all reconnecting; restarting the RTSP server');
  rtsp = await startRtspServer({ '/cam': clip }, rtspPort);
  log('RTSP server back');
  const t1 = Date.now();
  await expect.poll(async () => tiles(page).evaluateAll((els) => els.filter((e) => e.getAttribute('data-state') === 'live').length), { timeout: 5000, intervals: [100] }).toBe(9);
  test.info().annotations.push({ type: 'backLiveMs', description: String(Date.now() - t1) });
  const c = await frameCounts(page);
  await page.waitForTimeout(1500);
  const d = await frameCounts(page);
  expect(d.every((n, i) => n > c[i]), `frames after return ${c} → ${d}`).toBe(true);
  await page.close();
});

test('a 4×4 mosaic (screenshot), and players are destroyed with their tiles', async ({ browser }) => {
  test.setTimeout(120_000);
  await hostCall(host, 'mosaic:setState', { displayId: '2', layout: '4x4', tiles: CAMERAS, enlarged: null });
  const page = await browser.newPage();
  await page.goto(host.urlFor('2'));
  await expect(page.locator('video')).toHaveCount(16);
  await expect.poll(async () => tiles(page).evaluateAll((els) => els.filter((e) => e.getAttribute('data-state') === 'live').length), { timeout: 30_000 }).toBe(16);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${SHOTS}/mosaic-4x4.png` });
  await test.info().attach('mosaic-4x4', { path: `${SHOTS}/mosaic-4x4.png`, contentType: 'image/png' });
  // Shrink to 2×2: twelve players go away.
  await hostCall(host, 'mosaic:setState', { displayId: '2', layout: '2x2', tiles: CAMERAS.slice(0, 4), enlarged: null });
  await expect(page.locator('video')).toHaveCount(4);
  await page.close();
});

test('the stream server refuses a request without its token', async () => {
  const endpoint = await hostCall<{ baseUrl: string; token: string }>(host, 'streams:getEndpoint');
  const attempt = (url: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(url);
      ws.once('open', () => {
        ws.close();
        resolve('open');
      });
      ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
      ws.once('error', () => resolve('error'));
    });
  expect(await attempt(`${endpoint.baseUrl}/stream/${CAMERAS[0]}/sub`)).toBe('HTTP 401');
  expect(await attempt(`${endpoint.baseUrl}/stream/${CAMERAS[0]}/sub?token=wrong`)).toBe('HTTP 401');
  expect(await attempt(`${endpoint.baseUrl}/stream/${CAMERAS[0]}/sub?token=${endpoint.token}`)).toBe('open');
});
