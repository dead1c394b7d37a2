// The offline map styles (shared/map) checked with MapLibre's own style-spec validator, and
// against the assets the build really serves: every glyph and GeoJSON URL resolves to a built file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapBasemapConfig, basemapOrigins } from '../shared/map/basemap';
import { PALETTES, choroplethLegend, classOf, quantileBreaks, waterClass } from '../shared/map/palette';
import { MAP_LAYER_IDS, choroplethColor, codeListVisibility, createMapStyle } from '../shared/map/style';
import { buildMapAssets } from './build-map-assets.mjs';

const BASE = 'http://127.0.0.1:4780/map/';
let dir: string;
let out: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'map-style-'));
  out = join(dir, 'map');
  await buildMapAssets({ out, quiet: true });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const urlsIn = (v: unknown): string[] => (typeof v === 'string' ? (/^[a-z]+:\/\//.test(v) ? [v] : []) : Array.isArray(v) ? v.flatMap(urlsIn) : v && typeof v === 'object' ? Object.values(v).flatMap(urlsIn) : []);
/** Built file behind an app-origin URL (as the host/protocol resolve it: decoded path under out/renderer). */
const fileOf = (url: string) => join(out, decodeURIComponent(new URL(url).pathname.slice('/map/'.length)));

describe('map styles', () => {
  it.each(['dark', 'light'] as const)('%s style is valid MapLibre style JSON and fully local', (theme) => {
    for (const codeList of ['vn-2025', 'vn-2019'] as const) {
      const style = createMapStyle({ theme, assetBase: BASE, codeList });
      expect(validateStyleMin(style as never)).toEqual([]);
      const urls = urlsIn(style);
      expect(urls.length).toBeGreaterThan(6);
      expect(urls.filter((u) => !u.startsWith(BASE))).toEqual([]);
      for (const [id, src] of Object.entries(style.sources)) expect(existsSync(fileOf(String(src.data))), id).toBe(true);
    }
  });

  it('every text-font used has glyph files for Vietnamese', () => {
    const style = createMapStyle({ theme: 'dark', assetBase: BASE });
    const fonts = new Set(style.layers.flatMap((l) => ((l.layout as Record<string, unknown> | undefined)?.['text-font'] as string[] | undefined) ?? []).map((f) => String(f)));
    expect([...fonts].sort()).toEqual(['DejaVu Sans Bold', 'DejaVu Sans Regular']);
    for (const font of fonts) {
      for (const range of ['0-255', '256-511', '7680-7935']) {
        const url = style.glyphs.replace('{fontstack}', font).replace('{range}', range);
        expect(existsSync(fileOf(encodeURI(url))), url).toBe(true);
      }
    }
  });

  it('shows the 5 communes or the 13 pre-2025 units, never both', () => {
    const visible = (codeList: 'vn-2025' | 'vn-2019') =>
      createMapStyle({ theme: 'dark', assetBase: BASE, codeList })
        .layers.filter((l) => (l.layout as { visibility?: string } | undefined)?.visibility !== 'none')
        .map((l) => l.id);
    expect(visible('vn-2025')).toEqual(expect.arrayContaining(['communes-fill', 'communes-label', 'commune-offices', 'district-line']));
    expect(visible('vn-2025')).not.toContain('units-2019');
    expect(visible('vn-2019')).toEqual(expect.arrayContaining(['units-2019', 'units-2019-label', 'district-line']));
    expect(visible('vn-2019')).not.toContain('communes-fill');
    expect(codeListVisibility('vn-2019')).toMatchObject({ 'communes-fill': 'none', 'units-2019': 'visible' });
  });

  it('keeps labels above the admin layers: live layers go before labelsBottom', () => {
    const ids = createMapStyle({ theme: 'light', assetBase: BASE }).layers.map((l) => l.id);
    const at = (id: string) => ids.indexOf(id);
    expect(at(MAP_LAYER_IDS.labelsBottom)).toBeGreaterThan(at(MAP_LAYER_IDS.communesFill));
    expect(ids.slice(at(MAP_LAYER_IDS.labelsBottom)).every((id) => id.endsWith('-label'))).toBe(true);
  });

  it('rejects a relative asset base (GeoJSON loads in a worker)', () => {
    expect(() => createMapStyle({ theme: 'dark', assetBase: '/map/' })).toThrow(/absolute URL/);
  });

  it('adds a configured basemap only when configured, and says which origins the CSP must allow', () => {
    expect(basemapOrigins(MapBasemapConfig.parse({ kind: 'none' }))).toEqual([]);
    const raster = MapBasemapConfig.parse({ kind: 'raster', tiles: ['https://Tiles.example.vn/{z}/{x}/{y}.png'], attribution: '© Example' });
    expect(basemapOrigins(raster)).toEqual(['https://tiles.example.vn']);
    const s = createMapStyle({ theme: 'dark', assetBase: BASE, basemap: raster });
    expect(validateStyleMin(s as never)).toEqual([]);
    expect(s.layers[1].id).toBe('basemap');
    const pm = MapBasemapConfig.parse({ kind: 'pmtiles', url: 'https://data.example.vn/quangnam.pmtiles', tileType: 'vector-protomaps', attribution: '© OSM' });
    const sp = createMapStyle({ theme: 'light', assetBase: BASE, basemap: pm });
    expect(validateStyleMin(sp as never)).toEqual([]);
    expect(sp.sources.basemap.url).toBe('pmtiles://https://data.example.vn/quangnam.pmtiles');
    expect(basemapOrigins(MapBasemapConfig.parse({ kind: 'pmtiles', url: '/map/basemap/x.pmtiles', tileType: 'raster', attribution: '' }))).toEqual([]);
    expect(MapBasemapConfig.safeParse({ kind: 'raster', tiles: ['javascript:alert(1)'], attribution: '' }).success).toBe(false);
    expect(MapBasemapConfig.safeParse({ kind: 'pmtiles', url: 'file:///etc/passwd.pmtiles', tileType: 'raster', attribution: '' }).success).toBe(false);
  });

  it('choropleth colours, breaks and legend', () => {
    expect(validateStyleMin({ ...createMapStyle({ theme: 'dark', assetBase: BASE }), layers: [{ id: 'x', type: 'fill', source: 'communes', paint: { 'fill-color': choroplethColor('dark', [10, 20]) } }] } as never)).toEqual([]);
    expect(validateStyleMin({ ...createMapStyle({ theme: 'dark', assetBase: BASE }), layers: [{ id: 'x', type: 'fill', source: 'communes', paint: { 'fill-color': choroplethColor('dark', []) } }] } as never)).toEqual([]);
    const breaks = quantileBreaks([5, 1, 3, 2, 4, null, Number.NaN], 5);
    expect(breaks).toEqual([2, 3, 4, 5]);
    expect([1, 2, 4.5, 9].map((v) => classOf(v, breaks))).toEqual([0, 1, 3, 4]);
    expect(quantileBreaks([7, 7, 7])).toEqual([]);
    const legend = choroplethLegend('dark', [50, 80], (n) => `${n}%`);
    expect(legend.map((r) => r.label)).toEqual(['< 50%', '50% – 80%', '≥ 80%']);
    expect(legend[0].color).toBe(PALETTES.dark.ramp[0]);
    expect(legend[2].color).toBe(PALETTES.dark.ramp[PALETTES.dark.ramp.length - 1]);
  });

  it('classes a water level against BĐ1–BĐ3', () => {
    const alarm = { bd1: 3, bd2: 4.5, bd3: 6 };
    expect([2.9, 3, 4.6, 6, 9, null].map((l) => waterClass(l, alarm))).toEqual(['normal', 'bd1', 'bd2', 'bd3', 'bd3', null]);
  });
});

describe('built map assets', () => {
  it('ships the licences and a manifest listing the basemap files', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.data).toEqual(['commune_offices_2025.geojson', 'communes_2025.geojson', 'communes_2025_labels.geojson', 'district_pre2025.geojson', 'neighbours_pre2025.geojson', 'neighbours_pre2025_labels.geojson', 'units_pre2025.geojson']);
    expect(readFileSync(join(out, 'LICENSES.txt'), 'utf8')).toMatch(/GPL-3\.0/);
    expect(readFileSync(join(out, 'DejaVu-LICENSE.txt'), 'utf8')).toMatch(/Bitstream/);
  });
});
