import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { hostCall } from './contract-client';
import { startHostProcess, type HostProcess } from './host-process';

/**
 * The GIS map against the headless host with its embedded demo district: every layer draws
 * (counts from queryRenderedFeatures + a screenshot to look at), no request leaves 127.0.0.1,
 * selection follows across displays, and a camera clicked on the map plays on display 2's mosaic.
 */

declare global {
  interface Window {
    /** Set by the map view under `?maptest`. */
    __iocMap?: { map: MapLibreMap; layers: Record<string, { rev: number; features: Map<string, { id: string; lon: number; lat: number; props: Record<string, unknown> }> }> };
  }
}

const SHOTS = 'test-results/screenshots';
let host: HostProcess;

/** `?maptest` exposes the map on window (tests only); the token stays in the fragment. */
const mapUrl = (display: string) => host.urlFor(display).replace(/\?display=(\w+)/, '?display=$1&maptest');

test.beforeAll(async () => {
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  host = await startHostProcess({ displays: 3 });
  // The embedded server seeds the demo district; wait until the cache holds it.
  await expect
    .poll(async () => {
      const s = await hostCall<{ counts: Record<string, number> }>(host, 'data:summary');
      return Math.min(s.counts.camera, s.counts.feedback_case, s.counts.water_station, s.counts.water_reading, s.counts.indicator_value);
    }, { timeout: 60_000, intervals: [500] })
    .toBeGreaterThan(0);
  await hostCall(host, 'wall:assignView', { displayId: '1', view: 'map' });
  await hostCall(host, 'wall:assignView', { displayId: '2', view: 'mosaic' });
  await hostCall(host, 'wall:assignView', { displayId: '3', view: 'map' });
});

test.afterAll(async () => {
  await host?.stop();
});

async function openMap(page: Page, display = '1') {
  await page.goto(mapUrl(display));
  await expect(page.getByTestId('view-map')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await idle(page);
}

/** Wait until MapLibre has drawn everything it has (sources loaded, no transition running). */
async function idle(page: Page) {
  await page.waitForFunction(() => {
    const m = window.__iocMap?.map;
    return !!m && m.loaded() && m.areTilesLoaded() && !m.isMoving();
  }, undefined, { timeout: 20_000 });
  await page.evaluate(() => new Promise<void>((r) => window.__iocMap!.map.once('idle', () => r()) && window.__iocMap!.map.triggerRepaint()));
}

const rendered = (page: Page, layers: string[]) =>
  page.evaluate((ls) => window.__iocMap!.map.queryRenderedFeatures({ layers: ls }).length, layers);
/** Rendered features of a layer that carry a choropleth value (feature state). */
const valued = (page: Page, layer: string) =>
  page.evaluate((l) => window.__iocMap!.map.queryRenderedFeatures({ layers: [l] }).filter((f) => typeof f.state?.value === 'number').length, layer);

async function only(page: Page, on: string[]) {
  for (const id of ['admin', 'choropleth', 'cameras', 'cases', 'heatmap', 'water', 'facilities']) {
    const box = page.getByTestId(`map-toggle-${id}`);
    if ((await box.isChecked()) !== on.includes(id)) await box.click();
  }
  await idle(page);
}

test('every layer draws (counts + screenshots), labels carry Vietnamese diacritics, and no request leaves 127.0.0.1', async ({ page }) => {
  test.setTimeout(120_000);
  const requests: string[] = [];
  const glyphs = new Map<string, number>();
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('response', (r) => r.url().includes('/map/fonts/') && glyphs.set(new URL(r.url()).pathname, r.status()));
  page.on('pageerror', (e) => console.log('[page error]', e.message));

  await openMap(page);
  await page.screenshot({ path: `${SHOTS}/map-all-layers.png` });

  const counts: Record<string, number> = {};
  const check = async (name: string, toggles: string[], layers: string[] | ((p: Page) => Promise<number>)) => {
    await only(page, toggles);
    counts[name] = typeof layers === 'function' ? await layers(page) : await rendered(page, layers);
    await page.screenshot({ path: `${SHOTS}/map-layer-${name}.png` });
    expect(counts[name], `${name}: rendered features`).toBeGreaterThan(0);
  };
  await check('admin-2025', ['admin'], ['communes-label', 'communes-line', 'commune-offices']);
  await check('cameras', ['cameras'], ['cameras']);
  await check('cases-clusters', ['cases'], ['cases-clusters', 'cases-points']);
  await check('cases-heatmap', ['cases', 'heatmap'], ['cases-heat']);
  await check('water', ['water'], ['water', 'water-label']);
  // Every station shows its latest level against BĐ1–BĐ3 (band 0…3, never "no reading").
  const bands = await page.evaluate(() => [...window.__iocMap!.layers.water.features.values()].map((f) => f.props.band));
  expect(bands.length).toBeGreaterThan(0);
  expect(bands.every((b) => typeof b === 'number' && b >= 0 && b <= 3), JSON.stringify(bands)).toBe(true);
  await check('choropleth-2025', ['admin', 'choropleth'], (p) => valued(p, 'communes-fill'));
  await expect(page.getByTestId('map-choropleth-legend').locator('li')).not.toHaveCount(0);
  await check('facilities', ['facilities'], ['facilities']);
  await page.getByTestId('map-codelist-vn-2019').check();
  await check('admin-2019', ['admin'], ['units-2019', 'units-2019-label']);
  await check('choropleth-2019', ['admin', 'choropleth'], (p) => valued(p, 'units-2019'));
  test.info().annotations.push({ type: 'renderedFeatures', description: JSON.stringify(counts) });

  // Commune names are drawn from the Vietnamese glyph range (U+1EA0–1EF9 lives in 7680-7935).
  expect([...glyphs.entries()].filter(([p, s]) => /7680-7935\.pbf$/.test(p) && s === 200).length, JSON.stringify([...glyphs])).toBeGreaterThan(0);
  expect([...glyphs.values()].every((s) => s === 200), JSON.stringify([...glyphs])).toBe(true);

  // Route audit: every request this page made went to 127.0.0.1 (or stayed in the page).
  const external = requests.filter((u) => !/^(blob:|data:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
  expect(requests.length).toBeGreaterThan(10);
  expect(external, external.join('\n')).toEqual([]);
});
