import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { INDICATORS } from '../shared/kpi/catalogue';
import { hostCall } from './contract-client';
import { startHostProcess, type HostProcess } from './host-process';

/**
 * The GIS map against the headless host with its embedded demo district: every layer draws
 * (counts from queryRenderedFeatures + a screenshot to look at), no request leaves 127.0.0.1,
 * selection follows across displays, and a camera clicked on the map plays on display 2's mosaic.
 */

type TestFeature = { id: string; lon: number; lat: number; props: Record<string, unknown> };
type TestLiveLayer = {
  rev: number;
  pending: boolean;
  features: Map<string, TestFeature>;
  load(s: { rev: number; features: TestFeature[] }): void;
  apply(d: { fromRev: number; rev: number; add: TestFeature[]; update: TestFeature[]; remove: string[] }): string;
  stats: { setData: number; updateData: number; featureState: number; overlayDraws: number; consolidations: number };
  isHidden(id: string): boolean;
  isSettled(id: string): boolean;
  consolidate(): Promise<void>;
};
type TestOverlay = { size: number; drawn: Array<{ id: string; lon: number; lat: number }> };

declare global {
  interface Window {
    /** Set by the map view under `?maptest`. */
    __iocMap?: {
      map: MapLibreMap;
      layers: Record<string, TestLiveLayer>;
      LiveLayer: new (source: () => unknown, opts: { stateKeys: string[]; flushMs: number }) => TestLiveLayer;
      overlay: () => TestOverlay | null;
      placement: { kept: number; placed: number };
    };
  }
}

const SHOTS = 'test-results/screenshots';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
  test.setTimeout(240_000);
  const requests: string[] = [];
  const glyphs = new Map<string, number>();
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('response', (r) => r.url().includes('/map/fonts/') && glyphs.set(new URL(r.url()).pathname, r.status()));
  page.on('pageerror', (e) => console.log('[page error]', e.message));

  await openMap(page);
  // The page builds its map once: a re-render of the shell (a status or wall change) must not rebuild
  // it (it did once: a cold page swapped its lazy map for the loaded chunk on its next re-render).
  const builds = () => page.evaluate(() => (window as unknown as { __iocMapBuilds?: number }).__iocMapBuilds);
  expect(await builds(), 'maps built by the page').toBe(1);
  await hostCall(host, 'wall:assignView', { displayId: '2', view: 'kpi' }); // a wall change re-renders every page
  await hostCall(host, 'wall:assignView', { displayId: '2', view: 'mosaic' });
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
  // What is drawn is what the layer holds (live updates keep every property).
  const drawn = await page.evaluate(() => window.__iocMap!.map.queryRenderedFeatures({ layers: ['water'] }).map((f) => [f.properties.id, f.state.band ?? f.properties.band]).sort());
  const held = await page.evaluate(() => [...window.__iocMap!.layers.water.features.values()].map((f) => [f.id, f.props.band]).sort());
  expect(drawn).toEqual(held);
  await check('choropleth-2025', ['admin', 'choropleth'], (p) => valued(p, 'communes-fill'));
  await expect(page.getByTestId('map-choropleth-legend').locator('li')).not.toHaveCount(0);
  await check('facilities', ['facilities'], ['facilities']);
  await page.getByTestId('map-codelist-vn-2019').check();
  await check('admin-2019', ['admin'], ['units-2019', 'units-2019-label']);
  await check('choropleth-2019', ['admin', 'choropleth'], (p) => valued(p, 'units-2019'));
  test.info().annotations.push({ type: 'renderedFeatures', description: JSON.stringify(counts) });

  // The picker and the legend name indicators from the KPI catalogue (Vietnamese), never by code.
  await page.getByTestId('map-codelist-vn-2025').check();
  await only(page, ['admin', 'choropleth']);
  const picker = page.getByTestId('map-indicator');
  const options = await picker.locator('option').evaluateAll((os) => os.map((o) => ({ code: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
  expect(options.length).toBeGreaterThan(1);
  for (const o of options) {
    const ind = INDICATORS.get(o.code);
    expect(ind, `${o.code} is in the catalogue`).toBeDefined();
    expect(o.text, o.code).toMatch(new RegExp(`^${escapeRe(ind!.vi)}( \\([^)]+\\))?$`));
  }
  const legend = page.getByTestId('map-choropleth-legend');
  const shown = await picker.inputValue();
  await expect(legend.locator('h3')).toHaveText(INDICATORS.get(shown)!.vi);
  await picker.selectOption('ed.dropout_pct');
  await expect(picker.locator('option:checked')).toHaveText('Tỷ lệ học sinh bỏ học (%)');
  await expect(legend.locator('h3')).toHaveText('Tỷ lệ học sinh bỏ học');
  await expect(legend.getByTestId('map-choropleth-direction')).toHaveText('Thấp hơn là tốt hơn');
  await expect(legend.locator('li').first()).toContainText(' %');
  await idle(page);
  expect(await valued(page, 'communes-fill')).toBeGreaterThan(0);
  const rawCode = /\b(?:cam|dvc|pakn|cyber|hl|ed)\.[a-z0-9_.]+/;
  expect(await page.getByTestId('map-panel').innerText()).not.toMatch(rawCode);
  await page.screenshot({ path: `${SHOTS}/map-choropleth-catalogue-names.png` });

  // Commune names are drawn from the Vietnamese glyph range (U+1EA0–1EF9 lives in 7680-7935).
  expect([...glyphs.entries()].filter(([p, s]) => /7680-7935\.pbf$/.test(p) && s === 200).length, JSON.stringify([...glyphs])).toBeGreaterThan(0);
  expect([...glyphs.values()].every((s) => s === 200), JSON.stringify([...glyphs])).toBe(true);

  // Route audit: every request this page made went to 127.0.0.1 (or stayed in the page).
  const external = requests.filter((u) => !/^(blob:|data:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
  expect(requests.length).toBeGreaterThan(10);
  expect(external, external.join('\n')).toEqual([]);
  expect(await builds(), 'maps built by the page').toBe(1);
});

test('live: an operator action reaches the map as a diff (feature state / coalesced updateData), never a full setData; the drawn state follows', async ({ page }) => {
  test.setTimeout(90_000);
  await openMap(page);
  // Count what the page does to the cases source from now on.
  await page.evaluate(() => {
    const map = window.__iocMap!.map;
    const src = map.getSource('cases') as unknown as { setData: (...a: unknown[]) => unknown; updateData: (...a: unknown[]) => unknown };
    const calls = ((window as unknown as { __calls: Record<string, number> }).__calls = { setData: 0, updateData: 0, featureState: 0 });
    const set = src.setData.bind(src);
    const upd = src.updateData.bind(src);
    src.setData = (...a) => (calls.setData++, set(...a));
    src.updateData = (...a) => (calls.updateData++, upd(...a));
    // Feature state, counted where every path goes through (the live layer calls the style directly).
    const style = (map as unknown as { style: { setFeatureState: (t: { source: string }, st: unknown) => void } }).style;
    const fs = style.setFeatureState.bind(style);
    style.setFeatureState = (t, st) => (t.source === 'cases' && calls.featureState++, fs(t, st));
  });
  const before = await page.evaluate(() => window.__iocMap!.layers.cases.rev);
  // An open case, closed by the operator (outbox → server → change log → pull → map:diff).
  const open = await hostCall<{ rows: Array<{ case: { id: string } }> }>(host, 'feedback:query', { filters: { status: ['in_progress', 'assigned', 'investigating'] }, limit: 20 });
  let closedId: string | null = null;
  for (const r of open.rows) {
    // The demo's simulator keeps adding and advancing cases: skip one the page has not folded into
    // its clusters yet (it is drawn by the overlay, and closing it would touch neither counter).
    if (!(await page.evaluate((id) => window.__iocMap!.layers.cases.isSettled(id), r.case.id))) continue;
    const d = await hostCall<{ allowedStatuses: Array<{ status: string; needsReason: boolean }> }>(host, 'feedback:get', { id: r.case.id });
    const to = d.allowedStatuses.find((s) => ['fixed', 'closed', 'unable_to_fix', 'not_responsible'].includes(s.status));
    if (!to) continue;
    await hostCall(host, 'feedback:setStatus', { caseId: r.case.id, status: to.status, ...(to.needsReason ? { reason: 'Kiểm thử e2e bản đồ' } : {}) });
    closedId = r.case.id;
    break;
  }
  expect(closedId, 'an open case the operator may close').not.toBeNull();
  await expect.poll(() => page.evaluate((id) => window.__iocMap!.layers.cases.features.get(id)?.props.sla, closedId!), { timeout: 30_000 }).toBe('done');
  // The coalesced updateData (if the change needed one) has gone out.
  await expect.poll(() => page.evaluate(() => window.__iocMap!.layers.cases.pending), { timeout: 10_000 }).toBe(false);
  const after = await page.evaluate(() => ({ rev: window.__iocMap!.layers.cases.rev, calls: (window as unknown as { __calls: Record<string, number> }).__calls }));
  expect(after.rev).toBeGreaterThan(before);
  expect(after.calls.updateData + after.calls.featureState).toBeGreaterThan(0);
  expect(after.calls.setData).toBe(0);
  // Folded into the clusters (an overlay copy, if the change needed one, consolidated).
  await expect.poll(() => page.evaluate((id) => window.__iocMap!.layers.cases.isSettled(id), closedId!), { timeout: 10_000 }).toBe(true);
  // Zoomed in (unclustered), the drawn point carries the new state (feature state wins over the data, as in the paint).
  const at = await page.evaluate((id) => window.__iocMap!.layers.cases.features.get(id)!, closedId!);
  await page.evaluate(([lon, lat]) => window.__iocMap!.map.jumpTo({ center: [lon, lat], zoom: 16 }), [at.lon, at.lat]);
  await idle(page);
  const drawn = await page.evaluate((id) => {
    const f = window.__iocMap!.map.queryRenderedFeatures({ layers: ['cases-points'] }).find((x) => x.properties.id === id);
    return f ? (f.state.sla ?? f.properties.sla) : null;
  }, closedId!);
  expect(drawn).toBe('done');
  await page.screenshot({ path: `${SHOTS}/map-case-closed-zoomed.png` });
});

/** The colour drawn at a CSS-pixel position of the page (a 1×1 screenshot, decoded). */
async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const { loadImage } = await import('@napi-rs/canvas');
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const img = await loadImage(png);
  const { createCanvas } = await import('@napi-rs/canvas');
  const c = createCanvas(1, 1);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}
const near = (a: number[], hex: string, tol = 40) => {
  const n = parseInt(hex.slice(1), 16);
  return Math.abs(a[0] - ((n >> 16) & 255)) + Math.abs(a[1] - ((n >> 8) & 255)) + Math.abs(a[2] - (n & 255)) <= tol;
};

test('live: a moved case is drawn at once by the overlay (one frame, no updateData), clickable there, and folded into the clusters by one updateData', async ({ page }) => {
  test.setTimeout(90_000);
  await openMap(page);
  // A real case, zoomed in (unclustered), with nothing else drawn around it.
  await only(page, ['cases']);
  const f = await page.evaluate(() => [...window.__iocMap!.layers.cases.features.values()].find((x) => x.props.sla === 'overdue') ?? [...window.__iocMap!.layers.cases.features.values()][0]);
  await page.evaluate(([lon, lat]) => window.__iocMap!.map.jumpTo({ center: [lon + 0.0015, lat], zoom: 16 }), [f.lon, f.lat]);
  await idle(page);
  const before = await page.evaluate(() => ({ ...window.__iocMap!.layers.cases.stats }));
  // Moved 0.003° east (~320 m): applied as a diff on the app's own cases layer.
  const moved = { ...f, lon: f.lon + 0.003 };
  const res = await page.evaluate((m) => {
    const l = window.__iocMap!.layers.cases;
    return l.apply({ fromRev: l.rev, rev: l.rev + 1, add: [], update: [m], remove: [] });
  }, moved);
  expect(res).toBe('applied');
  await idle(page);
  const after = await page.evaluate((id) => ({ stats: { ...window.__iocMap!.layers.cases.stats }, hidden: window.__iocMap!.layers.cases.isHidden(id), overlay: window.__iocMap!.overlay()!.drawn.map((p) => p.id) }), f.id);
  expect(after.stats.updateData).toBe(before.updateData);
  expect(after.stats.setData).toBe(before.setData);
  expect(after.overlay).toContain(f.id);
  expect(after.hidden).toBe(true);
  // Drawn at the new place in its SLA colour; the old place shows no point any more.
  const at = async (lon: number, lat: number) => page.evaluate(([x, y]) => {
    const p = window.__iocMap!.map.project([x, y]);
    const r = window.__iocMap!.map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lon, lat]);
  const slaHex: Record<string, string> = { overdue: '#ff5c5c', dueSoon: '#f5b700', ok: '#2ecc71' };
  const newAt = await at(moved.lon, moved.lat);
  const oldAt = await at(f.lon, f.lat);
  await page.screenshot({ path: `${SHOTS}/map-case-moved-overlay.png` });
  const drawnNew = await pixel(page, newAt.x, newAt.y);
  const drawnOld = await pixel(page, oldAt.x, oldAt.y);
  const hex = slaHex[String(f.props.sla)] ?? '#8a94a6';
  expect(near(drawnNew, hex), `new place ${drawnNew} vs ${hex}`).toBe(true);
  expect(near(drawnOld, hex), `old place ${drawnOld} must not show the point`).toBe(false);
  // A click on the overlay point opens the case.
  await page.mouse.click(newAt.x, newAt.y);
  await expect(page.getByTestId('feedback-detail')).toHaveAttribute('data-case', f.id, { timeout: 10_000 });
  await page.keyboard.press('Escape');
  // Consolidation: one updateData; the clustered source now has it at the new place, the overlay is empty.
  await page.evaluate(() => window.__iocMap!.layers.cases.consolidate());
  await idle(page);
  const folded = await page.evaluate((id) => {
    const m = window.__iocMap!.map;
    const q = m.queryRenderedFeatures({ layers: ['cases-points'] }).find((x) => x.properties.id === id);
    return { stats: { ...window.__iocMap!.layers.cases.stats }, overlay: window.__iocMap!.overlay()!.size, hidden: window.__iocMap!.layers.cases.isHidden(id), at: q && q.geometry.type === 'Point' ? q.geometry.coordinates : null, state: q?.state ?? null };
  }, f.id);
  expect(folded.stats.updateData).toBe(before.updateData + 1);
  expect(folded.stats.setData).toBe(before.setData);
  expect(folded.overlay).toBe(0);
  expect(folded.hidden).toBe(false);
  expect(folded.at?.[0]).toBeCloseTo(moved.lon, 4);
  expect(folded.state?.hidden ?? false).toBe(false);
  expect(near(await pixel(page, newAt.x, newAt.y), hex)).toBe(true);
  await page.screenshot({ path: `${SHOTS}/map-case-moved-consolidated.png` });
});

test('live: a state-only change is drawn from feature state with no updateData; an add is coalesced into one updateData', async ({ page }) => {
  test.setTimeout(90_000);
  await openMap(page);
  const r = await page.evaluate(async () => {
    const { map, LiveLayer } = window.__iocMap!;
    // A layer of its own on a copy of the cases points style, fed through the same LiveLayer code.
    const spec = map.getStyle().layers.find((l) => l.id === 'cases-points')!;
    map.addSource('e2e-state', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'id' });
    map.addLayer({ ...(spec as object), id: 'e2e-state-points', source: 'e2e-state', filter: ['all'] } as never);
    const src = map.getSource('e2e-state') as unknown as { updateData: (...a: unknown[]) => unknown };
    let updates = 0;
    const upd = src.updateData.bind(src);
    src.updateData = (...a) => (updates++, upd(...a));
    const layer = new LiveLayer(() => map.getSource('e2e-state'), { stateKeys: ['sla'], flushMs: 300 });
    const c = map.getCenter();
    const f = (id: string, sla: string, dx = 0) => ({ id, lon: c.lng + dx, lat: c.lat, props: { sla, level: 'normal' } });
    layer.load({ rev: 0, features: [f('a', 'ok'), f('b', 'ok', 0.001)] });
    const idle = () => new Promise<void>((res) => { map.once('idle', () => res()); map.triggerRepaint(); });
    await idle();
    const read = (id: string) => {
      const x = map.queryRenderedFeatures({ layers: ['e2e-state-points'] }).find((q) => q.properties.id === id);
      return x ? { state: x.state.sla ?? null, data: x.properties.sla } : null;
    };
    layer.apply({ fromRev: 0, rev: 1, add: [], update: [f('a', 'overdue')], remove: [] });
    await idle();
    const stateOnly = { updates, a: read('a'), pending: layer.pending };
    layer.apply({ fromRev: 1, rev: 2, add: [f('c', 'dueSoon', -0.001)], update: [], remove: ['b'] });
    layer.apply({ fromRev: 2, rev: 3, add: [f('d', 'ok', 0.002)], update: [], remove: [] });
    const queued = { updates, pending: layer.pending };
    await new Promise((res) => setTimeout(res, 600));
    await idle();
    const out = { stateOnly, queued, updates, c: read('c'), d: read('d'), b: read('b'), a: read('a') };
    map.removeLayer('e2e-state-points');
    map.removeSource('e2e-state');
    return out;
  });
  // State only: no updateData, the drawn feature reads the new SLA from feature state.
  expect(r.stateOnly.updates).toBe(0);
  expect(r.stateOnly.pending).toBe(false);
  expect(r.stateOnly.a?.state).toBe('overdue');
  // Two structural diffs inside the window: one updateData once it elapsed, and the map shows it.
  expect(r.queued).toEqual({ updates: 0, pending: true });
  expect(r.updates).toBe(1);
  expect(r.c?.data).toBe('dueSoon');
  expect(r.d?.data).toBe('ok');
  expect(r.b).toBeNull();
  // The state change rode along with the flush into the data too.
  expect(r.a).toMatchObject({ state: 'overdue', data: 'overdue' });
});

test('labels are placed in the frame that brings their tiles, kept while nothing they depend on changes, and placed again when the camera moves or a layer comes back', async ({ page }) => {
  test.setTimeout(90_000);
  await openMap(page);
  await only(page, ['cases']);
  const r = await page.evaluate(async () => {
    const { map, layers, placement } = window.__iocMap!;
    const idle = () => new Promise<void>((res) => { map.once('idle', () => res()); map.triggerRepaint(); });
    const labels = (l: string) => map.queryRenderedFeatures({ layers: [l] }).length;
    const revs = () => Object.values(layers).map((l) => l.rev).join();
    // A frame that changes nothing a label depends on keeps the last placement.
    const p0 = { ...placement };
    const clusters0 = labels('cases-cluster-count');
    await idle();
    const kept = { kept: placement.kept - p0.kept, placed: placement.placed - p0.placed, clusters: labels('cases-cluster-count'), clusters0 };
    // New label tiles: placed in the frame that draws them, with no frame after it.
    const font = map.getLayoutProperty('cases-cluster-count', 'text-font');
    const c = map.getCenter();
    const names = ['Trà My', 'Trà Liên', 'Trà Đốc'];
    map.addSource('e2e-labels', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'e2e-labels', type: 'symbol', source: 'e2e-labels', layout: { 'text-field': ['get', 'name'], 'text-font': font, 'text-size': 22, 'text-allow-overlap': true } });
    await idle();
    let loadRun: { frames: Array<{ labels: number; loaded: boolean }>; quiet: boolean } | null = null;
    for (let attempt = 0; attempt < 4 && !loadRun?.quiet; attempt++) {
      // (A live diff of the demo simulator landing meanwhile draws a frame of its own: try again.)
      const rev0 = revs();
      map.getSource<import('maplibre-gl').GeoJSONSource>('e2e-labels')!.setData({ type: 'FeatureCollection', features: [] });
      await idle();
      const frames: Array<{ labels: number; loaded: boolean }> = [];
      const onRender = () => frames.push({ labels: labels('e2e-labels'), loaded: map.isSourceLoaded('e2e-labels') && map.areTilesLoaded() });
      map.on('render', onRender);
      map.getSource<import('maplibre-gl').GeoJSONSource>('e2e-labels')!.setData({
        type: 'FeatureCollection',
        features: names.map((name, i) => ({ type: 'Feature', properties: { name }, geometry: { type: 'Point', coordinates: [c.lng + (i - 1) * 0.05, c.lat] } })),
      });
      await new Promise<void>((res) => { const check = () => (map.isSourceLoaded('e2e-labels') && map.areTilesLoaded() ? res() : map.once('idle', check)); map.once('idle', check); });
      map.off('render', onRender);
      loadRun = { frames, quiet: revs() === rev0 };
    }
    // The camera moves: placed again, and the labels are still there.
    const p1 = { ...placement };
    map.jumpTo({ zoom: map.getZoom() + 0.5 });
    await idle();
    const moved = { placed: placement.placed - p1.placed, clusters: labels('cases-cluster-count'), mine: labels('e2e-labels') };
    // A layer hidden and shown again: its labels come back.
    map.setLayoutProperty('e2e-labels', 'visibility', 'none');
    await idle();
    const hidden = labels('e2e-labels');
    map.setLayoutProperty('e2e-labels', 'visibility', 'visible');
    await idle();
    const shown = labels('e2e-labels');
    map.removeLayer('e2e-labels');
    map.removeSource('e2e-labels');
    return { kept, loadRun, moved, hidden, shown };
  });
  expect(r.kept.clusters0, 'cluster counts drawn').toBeGreaterThan(0);
  expect(r.kept).toMatchObject({ placed: 0, clusters: r.kept.clusters0 });
  expect(r.kept.kept).toBeGreaterThan(0);
  expect(r.loadRun?.quiet, 'a quiet attempt (no live diff meanwhile)').toBe(true);
  const loaded = r.loadRun!.frames.filter((f) => f.loaded);
  // One frame with the tiles loaded, and it already shows every label.
  expect(loaded, JSON.stringify(r.loadRun!.frames)).toEqual([{ labels: 3, loaded: true }]);
  expect(r.moved.placed).toBeGreaterThan(0);
  expect(r.moved.clusters).toBeGreaterThan(0);
  expect(r.moved.mine).toBe(3);
  expect(r.hidden).toBe(0);
  expect(r.shown).toBe(3);
});

test('selection is shared: a case found by id on display 1 is highlighted (and flown to) on display 3; keys zoom and pan', async ({ browser }) => {
  test.setTimeout(180_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await openMap(a, '1');
  await openMap(b, '3');
  const target = await a.evaluate(() => [...window.__iocMap!.layers.cases.features.values()].find((f) => /^fc-\d+$/.test(f.id))!);
  await a.getByTestId('map-search').fill(target.id.replace(/^\D+0*/, '')); // "fc-000123" found by "123"
  await expect(a.getByTestId('map-hit-case').first()).toHaveAttribute('data-id', target.id);
  await a.getByTestId('map-search').press('Enter');
  await expect(a.getByTestId('map-case')).toBeVisible(); // the case opens
  await expect(b.getByTestId('map-selection')).toHaveAttribute('data-id', target.id, { timeout: 10_000 });
  await expect(b.getByTestId('map-selection')).toHaveAttribute('data-kind', 'case');
  await expect
    .poll(() => b.evaluate(([lon, lat]) => {
      const m = window.__iocMap!.map;
      const c = m.getCenter();
      return !m.isMoving() && Math.abs(c.lng - lon) < 0.002 && Math.abs(c.lat - lat) < 0.002 && m.getZoom() >= 14;
    }, [target.lon, target.lat]), { timeout: 10_000 })
    .toBe(true);
  await idle(b);
  expect(await b.evaluate(() => window.__iocMap!.map.queryRenderedFeatures({ layers: ['selection-halo'] }).length)).toBe(1);
  await b.screenshot({ path: `${SHOTS}/map-selection-on-display-3.png` });
  await a.screenshot({ path: `${SHOTS}/map-case-open-display-1.png` });

  // Keyboard: + zooms in, ← pans west (the page, not the canvas, has focus).
  await a.getByTestId('map-search').blur();
  await idle(a);
  const z0 = await a.evaluate(() => window.__iocMap!.map.getZoom());
  await a.keyboard.press('-');
  await expect.poll(() => a.evaluate(() => !window.__iocMap!.map.isMoving() && window.__iocMap!.map.getZoom())).toBeCloseTo(z0 - 1, 1);
  const lng0 = await a.evaluate(() => window.__iocMap!.map.getCenter().lng);
  await a.keyboard.press('ArrowLeft');
  await expect.poll(() => a.evaluate(() => !window.__iocMap!.map.isMoving() && window.__iocMap!.map.getCenter().lng)).toBeLessThan(lng0);
  await a.close();
  await b.close();
});

test('a camera clicked on the map previews live, and "show on wall" puts it on display 2 where it plays', async ({ browser }) => {
  test.setTimeout(240_000);
  const map = await browser.newPage();
  const wall2 = await browser.newPage();
  await openMap(map, '1');
  await wall2.goto(host.urlFor('2'));
  await expect(wall2.getByTestId('view-mosaic')).toBeVisible({ timeout: 20_000 });

  // A camera display 2 does not show yet.
  const shown = (await hostCall<{ tiles: Array<string | null> }>(host, 'mosaic:getState', { displayId: '2' })).tiles;
  const cam = await map.evaluate((skip) => [...window.__iocMap!.layers.cameras.features.values()].sort((x, y) => y.id.localeCompare(x.id)).find((f) => !skip.includes(f.id))!, shown.filter((x): x is string => !!x));
  await expect(wall2.locator(`[data-testid^="tile-"][data-camera="${cam.id}"]`)).toHaveCount(0);
  await map.evaluate(([lon, lat]) => window.__iocMap!.map.jumpTo({ center: [lon, lat], zoom: 16.5 }), [cam.lon, cam.lat]);
  await idle(map);
  const pt = await map.evaluate(([lon, lat]) => window.__iocMap!.map.project([lon, lat]), [cam.lon, cam.lat]);
  const box = (await map.getByTestId('map-canvas').boundingBox())!;
  await map.mouse.click(box.x + pt.x, box.y + pt.y);
  const popup = map.getByTestId('map-camera-popup');
  await expect(popup).toHaveAttribute('data-camera', cam.id);
  // The preview plays (decoded frames advance).
  await expect.poll(async () => Number(await map.getByTestId('map-preview-video').getAttribute('data-frames')), { timeout: 30_000 }).toBeGreaterThan(5);
  await map.screenshot({ path: `${SHOTS}/map-camera-popup.png` });

  await map.getByTestId('map-push-display').selectOption('2');
  await map.getByTestId('map-push-submit').click();
  await expect(map.getByTestId('map-push-result')).toHaveClass(/push-ok/);
  const tile = wall2.locator(`[data-testid^="tile-"][data-camera="${cam.id}"]`).first();
  await expect(tile).toBeVisible({ timeout: 10_000 });
  await expect(tile).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  const f0 = Number(await tile.getAttribute('data-frames'));
  await wall2.waitForTimeout(1500);
  expect(Number(await tile.getAttribute('data-frames'))).toBeGreaterThan(f0);
  await wall2.screenshot({ path: `${SHOTS}/map-pushed-to-display-2.png` });
  await map.close();
  await wall2.close();
});

/** One solid-colour 256-px PNG tile. */
async function solidPng(hex: string): Promise<Buffer> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const c = createCanvas(256, 256);
  const ctx = c.getContext('2d');
  ctx.fillStyle = hex;
  ctx.fillRect(0, 0, 256, 256);
  return c.toBuffer('image/png');
}

/**
 * A raster PMTiles v3 archive (uncompressed directory) holding ONE tile that every tile of zooms
 * 0..maxZoom points to: one directory entry per zoom, run length 4^z (the spec's run-length form).
 */
function pmtilesArchive(tile: Buffer, maxZoom: number): Buffer {
  const varint = (n: number, out: number[]) => {
    for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
    out.push(n);
  };
  const zooms = Array.from({ length: maxZoom + 1 }, (_, z) => z);
  const dir: number[] = [];
  varint(zooms.length, dir);
  let prev = 0;
  for (const z of zooms) {
    const id = (4 ** z - 1) / 3; // the first tile id of zoom z
    varint(id - prev, dir);
    prev = id;
  }
  for (const z of zooms) varint(4 ** z, dir); // run lengths
  for (const _ of zooms) varint(tile.length, dir); // lengths
  for (const _ of zooms) varint(0 + 1, dir); // offsets (+1: not contiguous with the entry before)
  const root = Buffer.from(dir);
  const meta = Buffer.from(JSON.stringify({ name: 'e2e', attribution: 'e2e' }));
  const h = Buffer.alloc(127);
  h.write('PMTiles', 0, 'latin1');
  h.writeUInt8(3, 7);
  const u64 = (off: number, v: number) => h.writeBigUInt64LE(BigInt(v), off);
  u64(8, 127);
  u64(16, root.length);
  u64(24, 127 + root.length);
  u64(32, meta.length);
  u64(40, 127 + root.length + meta.length);
  u64(48, 0);
  u64(56, 127 + root.length + meta.length);
  u64(64, tile.length);
  u64(72, zooms.reduce((a, z) => a + 4 ** z, 0));
  u64(80, zooms.length);
  u64(88, 1);
  h.writeUInt8(0, 96); // not clustered (every entry shares one tile)
  h.writeUInt8(1, 97); // internal compression: none
  h.writeUInt8(1, 98); // tile compression: none
  h.writeUInt8(2, 99); // PNG
  h.writeUInt8(0, 100);
  h.writeUInt8(maxZoom, 101);
  h.writeInt32LE(-180e7, 102);
  h.writeInt32LE(-85e7, 106);
  h.writeInt32LE(180e7, 110);
  h.writeInt32LE(85e7, 114);
  h.writeUInt8(10, 118);
  h.writeInt32LE(108.2e7, 119);
  h.writeInt32LE(15.28e7, 123);
  return Buffer.concat([h, root, meta, tile]);
}

/**
 * A host whose config.json names a basemap served by `serve` on 127.0.0.1, its map page opened:
 * the checks every basemap shares (something fetched, nothing else leaves 127.0.0.1, no CSP
 * violation, the attribution shows, the basemap's colour shows through outside the district), then
 * `more` for the kind's own checks.
 */
async function withBasemap(
  browser: Browser,
  opts: { serve: (req: IncomingMessage, res: ServerResponse) => void; basemap: (origin: string) => Record<string, unknown>; colour: [number, number, number]; shot: string },
  more: (page: Page) => Promise<void>,
) {
  const { createServer } = await import('node:http');
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    opts.serve(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dataDir = mkdtempSync(join(tmpdir(), 'ioc-basemap-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ version: 1, language: 'vi', mosaics: {}, map: { basemap: opts.basemap(origin) } }));
  const h = await startHostProcess({ displays: 1, dataDir });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  try {
    const violations: string[] = [];
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
    const other: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!/^(blob|data):/.test(r.url()) && u.hostname !== '127.0.0.1') other.push(r.url());
    });
    await page.goto(h.urlFor('1').replace(/\?display=1/, '?display=1&view=map&maptest'));
    await expect(page.getByTestId('view-map')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
    await idle(page);
    expect(hits.length, 'fetched from the configured server').toBeGreaterThan(0);
    expect(other, 'nothing else leaves 127.0.0.1').toEqual([]);
    expect(violations).toEqual([]);
    await expect(page.locator('.maplibregl-ctrl-attrib')).toContainText('Bản đồ nền thử nghiệm');
    // Outside the district (neighbours at 35 % over the basemap) the basemap's colour shows through.
    const corner = await page.evaluate(() => {
      const r = window.__iocMap!.map.getCanvas().getBoundingClientRect();
      return { x: r.left + 12, y: r.bottom - 60 };
    });
    const px = await pixel(page, corner.x, corner.y);
    const [cr, cg, cb] = opts.colour;
    // The drawn colour leans the basemap's way on each channel (mixed with the dark neighbour fill).
    const lean = (a: number, b: number) => Math.sign(a - b);
    expect([lean(px[0], px[1]), lean(px[2], px[1])], `basemap shows at the corner: ${px.join(',')}`).toEqual([lean(cr, cg), lean(cb, cg)]);
    expect(Math.abs(px[0] - px[1]) + Math.abs(px[2] - px[1]), `a clear tint: ${px.join(',')}`).toBeGreaterThan(60);
    await more(page);
    await page.screenshot({ path: `${SHOTS}/${opts.shot}` });
    return hits;
  } finally {
    await page.close();
    await h.stop();
    server.close();
  }
}

test('a raster basemap from config is drawn under the district: tiles come from the configured server only, and the CSP lets exactly that origin in', async ({ browser }) => {
  test.setTimeout(180_000);
  const png = await solidPng('#c0309a'); // magenta
  const hits = await withBasemap(
    browser,
    {
      serve: (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
        res.end(png);
      },
      basemap: (origin) => ({ kind: 'raster', tiles: [`${origin}/{z}/{x}/{y}.png`], attribution: 'Bản đồ nền thử nghiệm', opacity: 1 }),
      colour: [0xc0, 0x30, 0x9a],
      shot: 'map-basemap-raster.png',
    },
    async () => {},
  );
  expect(hits.every((u) => /^\/\d+\/\d+\/\d+\.png$/.test(u)), hits.join(' ')).toBe(true);
});

test('a PMTiles basemap from config is read by HTTP range requests from its one archive and drawn under the district', async ({ browser }) => {
  test.setTimeout(180_000);
  const archive = pmtilesArchive(await solidPng('#18b0a0'), 12); // teal
  const ranges: string[] = [];
  const hits = await withBasemap(
    browser,
    {
      serve: (req, res) => {
        const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'range', 'access-control-expose-headers': 'content-range, etag' };
        if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
        const m = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
        if (req.url !== '/basemap.pmtiles' || !m) return void res.writeHead(400, cors).end();
        ranges.push(req.headers.range!);
        const from = Number(m[1]);
        const to = Math.min(Number(m[2]), archive.length - 1);
        res.writeHead(206, { ...cors, 'content-type': 'application/octet-stream', 'content-range': `bytes ${from}-${to}/${archive.length}`, 'content-length': String(to - from + 1) });
        res.end(archive.subarray(from, to + 1));
      },
      basemap: (origin) => ({ kind: 'pmtiles', url: `${origin}/basemap.pmtiles`, tileType: 'raster', attribution: 'Bản đồ nền thử nghiệm', opacity: 1 }),
      colour: [0x18, 0xb0, 0xa0],
      shot: 'map-basemap-pmtiles.png',
    },
    async (page) => {
      // Drawn from the archive: the basemap source's tiles are loaded through the pmtiles:// protocol.
      const src = await page.evaluate(() => {
        const s = window.__iocMap!.map.getStyle().sources.basemap as { type: string; url?: string };
        return { type: s.type, url: s.url };
      });
      expect(src.type).toBe('raster');
      expect(src.url).toMatch(/^pmtiles:\/\/http:\/\/127\.0\.0\.1:\d+\/basemap\.pmtiles$/);
    },
  );
  // Every request was a range request on the one archive (the header first, then tiles).
  expect(hits.filter((u) => u !== '/basemap.pmtiles'), hits.join(' ')).toEqual([]);
  expect(ranges[0]).toBe('bytes=0-16383');
  expect(ranges.length).toBeGreaterThan(1);
});
