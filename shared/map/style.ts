import { type MapBasemapConfig, NO_BASEMAP } from './basemap';
import { type MapTheme, PALETTES, rampColors } from './palette';

/**
 * The offline map styles (MapLibre style spec v8), built from the assets the app serves from its
 * own origin under `/map/` (scripts/build-map-assets.mjs; paths in resources/map/README.md). No
 * sprite: points are circle layers. Nothing requests the network unless a basemap is configured.
 *
 * Plain JSON (shared/ does not import maplibre-gl): pass it to `new maplibregl.Map({ style })`
 * with a cast (`as StyleSpecification`). scripts/map-style.test.ts validates it against the
 * official style-spec validator.
 */

/** Fontstacks shipped as glyph PBFs (one font per stack: the glyph URL names exactly one). */
export const MAP_FONTS = { regular: ['DejaVu Sans Regular'], bold: ['DejaVu Sans Bold'] } as const;
/** Path of the map assets on the app origin. */
export const MAP_ASSET_PATH = '/map/';
export const GLYPHS_PATH = 'fonts/{fontstack}/{range}.pbf';

/** Basemap GeoJSON files (under `/map/data/`) → source id in the style. */
export const MAP_SOURCES = {
  neighbours: 'neighbours_pre2025.geojson',
  neighbourLabels: 'neighbours_pre2025_labels.geojson',
  district: 'district_pre2025.geojson',
  communes: 'communes_2025.geojson',
  communeLabels: 'communes_2025_labels.geojson',
  offices: 'commune_offices_2025.geojson',
  units2019: 'units_pre2025.geojson',
} as const;
export type MapSourceId = keyof typeof MAP_SOURCES;

/**
 * Layer ids, bottom to top. The live layers (cameras, cases, …) go between `adminTop` and
 * `labelsBottom` (`map.addLayer(layer, MAP_LAYER_IDS.labelsBottom)`), so place names stay on top.
 */
export const MAP_LAYER_IDS = {
  background: 'background',
  basemap: 'basemap',
  neighboursFill: 'neighbours-fill',
  neighboursLine: 'neighbours-line',
  districtFill: 'district-fill',
  communesFill: 'communes-fill',
  communesLine: 'communes-line',
  districtLine: 'district-line',
  adminTop: 'district-line',
  offices: 'commune-offices',
  units2019: 'units-2019',
  labelsBottom: 'neighbours-label',
  neighboursLabel: 'neighbours-label',
  units2019Label: 'units-2019-label',
  officesLabel: 'commune-offices-label',
  communesLabel: 'communes-label',
} as const;

export type CodeListView = 'vn-2025' | 'vn-2019';

export interface MapStyleOptions {
  theme: MapTheme;
  /**
   * Absolute URL of the map assets, ending in `/`: `new URL('/map/', location.href).href`.
   * Absolute because MapLibre loads GeoJSON in a worker, where relative URLs do not resolve.
   */
  assetBase: string;
  /** Which code list the admin layers show: the 5 communes since 2025 (default) or the 13 units before. */
  codeList?: CodeListView;
  /** Label language for fixed words (commune names are proper nouns and stay Vietnamese). */
  lang?: 'vi' | 'en';
  basemap?: MapBasemapConfig;
}

/** A MapLibre style object (structurally a `StyleSpecification`). */
export interface MapStyle {
  version: 8;
  name: string;
  metadata: Record<string, unknown>;
  glyphs: string;
  sources: Record<string, Record<string, unknown>>;
  layers: Array<Record<string, unknown> & { id: string; type: string }>;
  center: [number, number];
  zoom: number;
}

/** Bắc Trà My: the view that fits the district on a 16:9 wall display. */
export const DISTRICT_VIEW = { center: [108.225, 15.28] as [number, number], zoom: 10, bounds: [[108.0, 15.12], [108.46, 15.45]] as [[number, number], [number, number]] };

/**
 * Choropleth fill for `communes-fill` (or `units-2019` circles) from `feature-state.value`:
 * `map.setFeatureState({ source: 'communes', id: 20900 }, { value: 87.5 })`, then
 * `map.setPaintProperty('communes-fill', 'fill-color', choroplethColor(theme, breaks))`.
 * Features without a numeric value keep the theme's no-data colour.
 */
export function choroplethColor(theme: MapTheme, breaks: readonly number[]): unknown {
  const colors = rampColors(theme, breaks);
  const value = ['feature-state', 'value'];
  const step = breaks.length === 0 ? colors[0] : ['step', value, colors[0], ...breaks.flatMap((b, i) => [b, colors[i + 1]])];
  return ['case', ['==', ['typeof', value], 'number'], step, PALETTES[theme].noData];
}

const vis = (on: boolean) => (on ? 'visible' : 'none');

function basemapParts(b: MapBasemapConfig, theme: MapTheme): { sources: MapStyle['sources']; layers: MapStyle['layers'] } {
  if (b.kind === 'raster') {
    return {
      sources: { basemap: { type: 'raster', tiles: b.tiles, tileSize: b.tileSize, maxzoom: b.maxzoom, attribution: b.attribution } },
      layers: [{ id: MAP_LAYER_IDS.basemap, type: 'raster', source: 'basemap', paint: { 'raster-opacity': b.opacity, 'raster-saturation': theme === 'dark' ? -0.6 : -0.2 } }],
    };
  }
  if (b.kind === 'pmtiles') {
    const url = `pmtiles://${b.url}`;
    if (b.tileType === 'raster') {
      return {
        sources: { basemap: { type: 'raster', url, tileSize: 256, attribution: b.attribution } },
        layers: [{ id: MAP_LAYER_IDS.basemap, type: 'raster', source: 'basemap', paint: { 'raster-opacity': b.opacity } }],
      };
    }
    // Protomaps basemap schema, drawn quietly under the admin layers.
    const p = PALETTES[theme];
    const o = b.opacity;
    return {
      sources: { basemap: { type: 'vector', url, attribution: b.attribution } },
      layers: [
        { id: `${MAP_LAYER_IDS.basemap}-earth`, type: 'fill', source: 'basemap', 'source-layer': 'earth', paint: { 'fill-color': p.neighbourFill, 'fill-opacity': o } },
        { id: `${MAP_LAYER_IDS.basemap}-landuse`, type: 'fill', source: 'basemap', 'source-layer': 'landuse', paint: { 'fill-color': theme === 'dark' ? '#13301f' : '#d8ecd2', 'fill-opacity': o * 0.6 } },
        { id: `${MAP_LAYER_IDS.basemap}-water`, type: 'fill', source: 'basemap', 'source-layer': 'water', paint: { 'fill-color': theme === 'dark' ? '#10314f' : '#a9d1f2', 'fill-opacity': o } },
        { id: `${MAP_LAYER_IDS.basemap}-roads`, type: 'line', source: 'basemap', 'source-layer': 'roads', paint: { 'line-color': theme === 'dark' ? '#6f6a55' : '#b9a77a', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.4, 14, 2.5], 'line-opacity': o } },
      ],
    };
  }
  return { sources: {}, layers: [] };
}

export function createMapStyle(opts: MapStyleOptions): MapStyle {
  const { theme, assetBase } = opts;
  if (!/^[a-z][a-z0-9+.-]*:\/\/.+\/$/i.test(assetBase)) throw new Error(`createMapStyle: assetBase must be an absolute URL ending in '/', got '${assetBase}'`);
  const codeList = opts.codeList ?? 'vn-2025';
  const basemap = opts.basemap ?? NO_BASEMAP;
  const p = PALETTES[theme];
  const dark = theme === 'dark';
  const now = codeList === 'vn-2025';
  const officeWord = opts.lang === 'en' ? 'People’s Committee' : 'UBND';
  const data = (id: MapSourceId) => ({ type: 'geojson', data: `${assetBase}data/${MAP_SOURCES[id]}`, attribution: id === 'communes' ? 'gis.vn, sapnhap.bando.com.vn (tạm thời)' : id === 'neighbours' ? 'gis.chinhphu.vn / dvhcvn (GPL-3.0)' : undefined });
  const sources: MapStyle['sources'] = {};
  for (const id of Object.keys(MAP_SOURCES) as MapSourceId[]) {
    const s = data(id);
    if (s.attribution === undefined) delete (s as { attribution?: string }).attribution;
    sources[id] = s;
  }
  const bm = basemapParts(basemap, theme);
  const halo = { 'text-halo-color': p.halo, 'text-halo-width': dark ? 2 : 1.5, 'text-halo-blur': 0.5 };
  const layers: MapStyle['layers'] = [
    { id: MAP_LAYER_IDS.background, type: 'background', paint: { 'background-color': p.background } },
    ...bm.layers,
    { id: MAP_LAYER_IDS.neighboursFill, type: 'fill', source: 'neighbours', paint: { 'fill-color': p.neighbourFill, 'fill-opacity': basemap.kind === 'none' ? 1 : 0.35 } },
    { id: MAP_LAYER_IDS.neighboursLine, type: 'line', source: 'neighbours', paint: { 'line-color': p.neighbourLine, 'line-width': 1, 'line-dasharray': [3, 2] } },
    { id: MAP_LAYER_IDS.districtFill, type: 'fill', source: 'district', paint: { 'fill-color': p.districtFill, 'fill-opacity': basemap.kind === 'none' ? 1 : 0.3 } },
    {
      id: MAP_LAYER_IDS.communesFill,
      type: 'fill',
      source: 'communes',
      layout: { visibility: vis(now) },
      paint: {
        'fill-color': p.communeFill,
        'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.95, ['boolean', ['feature-state', 'hover'], false], 0.85, basemap.kind === 'none' ? 0.7 : 0.35],
      },
    },
    {
      id: MAP_LAYER_IDS.communesLine,
      type: 'line',
      source: 'communes',
      layout: { visibility: vis(now), 'line-join': 'round' },
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], p.state.accent, p.communeLine],
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1], 13, ['case', ['boolean', ['feature-state', 'selected'], false], 5, 2.5]],
      },
    },
    { id: MAP_LAYER_IDS.districtLine, type: 'line', source: 'district', layout: { 'line-join': 'round' }, paint: { 'line-color': p.districtLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2, 13, 4] } },
    {
      id: MAP_LAYER_IDS.offices,
      type: 'circle',
      source: 'offices',
      layout: { visibility: vis(now) },
      paint: { 'circle-color': p.office, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 4, 13, 8], 'circle-stroke-color': p.officeStroke, 'circle-stroke-width': 2 },
    },
    {
      id: MAP_LAYER_IDS.units2019,
      type: 'circle',
      source: 'units2019',
      layout: { visibility: vis(!now) },
      paint: {
        'circle-color': p.noData,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 7, 13, 14],
        'circle-stroke-color': ['case', ['boolean', ['feature-state', 'selected'], false], p.state.accent, p.oldUnit],
        'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 4, 2.5],
        'circle-opacity': 0.9,
      },
    },
    {
      id: MAP_LAYER_IDS.neighboursLabel,
      type: 'symbol',
      source: 'neighbourLabels',
      minzoom: 8.5,
      layout: { 'text-field': ['get', 'name'], 'text-font': MAP_FONTS.regular, 'text-size': 13, 'text-letter-spacing': 0.05, 'text-max-width': 8 },
      paint: { 'text-color': p.neighbourLabel, ...halo },
    },
    {
      id: MAP_LAYER_IDS.units2019Label,
      type: 'symbol',
      source: 'units2019',
      layout: {
        visibility: vis(!now),
        'text-field': ['get', 'name'],
        'text-font': MAP_FONTS.bold,
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 13, 13, 18],
        // 13 names in a small district: let each try the four sides of its point before it is dropped.
        'text-variable-anchor': ['top', 'bottom', 'left', 'right'],
        'text-radial-offset': 1.1,
        'text-justify': 'auto',
        'text-max-width': 9,
      },
      paint: { 'text-color': p.oldUnitLabel, ...halo },
    },
    {
      id: MAP_LAYER_IDS.officesLabel,
      type: 'symbol',
      source: 'offices',
      minzoom: 11,
      layout: { visibility: vis(now), 'text-field': ['concat', officeWord, ' ', ['get', 'shortName']], 'text-font': MAP_FONTS.regular, 'text-size': 13, 'text-offset': [0, 1], 'text-anchor': 'top', 'text-optional': true },
      paint: { 'text-color': p.office, ...halo },
    },
    {
      id: MAP_LAYER_IDS.communesLabel,
      type: 'symbol',
      source: 'communeLabels',
      layout: {
        visibility: vis(now),
        'text-field': ['get', 'name'],
        'text-font': MAP_FONTS.bold,
        'text-size': ['interpolate', ['linear'], ['zoom'], 8, 14, 11, 20, 14, 26],
        'text-letter-spacing': 0.04,
        'text-max-width': 10,
        // The UBND seat sits near the label point: keep the name just above it, not on it.
        'text-anchor': 'bottom',
        'text-offset': [0, -0.35],
        'text-allow-overlap': false,
      },
      paint: { 'text-color': p.communeLabel, ...halo },
    },
  ];
  return {
    version: 8,
    name: `ioc-${theme}`,
    metadata: { 'ioc:theme': theme, 'ioc:codeList': codeList, 'ioc:basemap': basemap.kind },
    glyphs: `${assetBase}${GLYPHS_PATH}`,
    sources: { ...bm.sources, ...sources },
    layers,
    center: DISTRICT_VIEW.center,
    zoom: DISTRICT_VIEW.zoom,
  };
}

/** Layer visibility changes for switching code lists on a live map (`setLayoutProperty(id, 'visibility', v)`). */
export function codeListVisibility(codeList: CodeListView): Record<string, 'visible' | 'none'> {
  const now = codeList === 'vn-2025';
  return {
    [MAP_LAYER_IDS.communesFill]: vis(now),
    [MAP_LAYER_IDS.communesLine]: vis(now),
    [MAP_LAYER_IDS.offices]: vis(now),
    [MAP_LAYER_IDS.officesLabel]: vis(now),
    [MAP_LAYER_IDS.communesLabel]: vis(now),
    [MAP_LAYER_IDS.units2019]: vis(!now),
    [MAP_LAYER_IDS.units2019Label]: vis(!now),
  };
}
