import { codeListVisibility, createMapStyle, MAP_FONTS, MAP_LAYER_IDS, NO_BASEMAP, PALETTES, type MapBasemapConfig, type MapTheme } from '../../../../shared/map';
import type { MapFeature } from '../../../../shared/contracts/map.contract';
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from './maplibre';
import { parseColor, PointsOverlay, type OverlayPoint } from './points-overlay';

/**
 * The map's style: the offline basemap of shared/map (`createMapStyle`: district, neighbours,
 * communes of both code lists, offices, labels; dark wall theme or light) with the live point
 * layers inserted under the place names. All data comes from the app's own origin: basemap GeoJSON
 * and glyph PBFs are built into the renderer at `map/` (scripts/build-map-assets.mjs); live points
 * arrive through the contract.
 */

export const FONT = [...MAP_FONTS.regular];
export const FONT_BOLD = [...MAP_FONTS.bold];

/** App-origin URLs: http://127.0.0.1:<port>/map/… in the host, app://ioc/map/… in Electron. */
export const ASSET_BASE = `${location.origin}/map/`;
export const assetUrl = (path: string) => `${ASSET_BASE}${path}`;

export const BASEMAP_FILES = {
  communeLabels: 'data/communes_2025_labels.geojson',
  unitsOld: 'data/units_pre2025.geojson',
} as const;

/** Live point sources (keyed by feature id, updated by diff). */
export const LIVE_SOURCES = ['cameras', 'cases', 'water', 'facilities'] as const;
export type LiveSource = (typeof LIVE_SOURCES)[number];
/** Properties drawn from feature state (paint only: never a layout, filter or label). */
export const LIVE_STATE_KEYS: Record<LiveSource, readonly string[]> = { cameras: ['state'], cases: ['sla'], water: ['band'], facilities: [] };
/** Besides the state keys, the properties the style reads (only these reach MapLibre); absent: all. */
export const LIVE_DATA_KEYS: Partial<Record<LiveSource, readonly string[]>> = { cases: ['level'] };
/** At most one updateData per source this often (adds, removes, moves, other properties). */
export const LIVE_FLUSH_MS = 500;
/** Cases: adds, moves and removals are drawn by the `cases-overlay` custom layer at once and folded into the clusters this often (or past the cap). */
export const CASES_CONSOLIDATE_MS = 60_000;
export const CASES_OVERLAY_MAX = 500;
export const CASES_OVERLAY_ID = 'cases-overlay';
const CASE_RADIUS = { urgent: 9, normal: 7 };
const CASE_STROKE = 2;
const CASE_DONE_OPACITY = 0.55;

/** A case's SLA state → the palette's state colour (anything else: idle). Read by the paint and the overlay. */
const SLA_STATE = { overdue: 'bad', dueSoon: 'warn', ok: 'ok' } as const;

/** A case as the overlay draws it: the same colour, size and stroke as `cases-points`. */
export function caseOverlayPoint(f: MapFeature, theme: MapTheme): OverlayPoint {
  const sla = f.props.sla;
  const color = PALETTES[theme].state[SLA_STATE[sla as keyof typeof SLA_STATE] ?? 'idle'];
  return { id: f.id, lon: f.lon, lat: f.lat, color: parseColor(color, sla === 'done' ? CASE_DONE_OPACITY : 1), radius: f.props.level === 'urgent' ? CASE_RADIUS.urgent : CASE_RADIUS.normal };
}

/** The custom layer drawing the cases overlay (added above `cases-points` after every style load). */
export function casesOverlay(theme: MapTheme, origin: [number, number], id = CASES_OVERLAY_ID): PointsOverlay {
  return new PointsOverlay(id, origin, { width: CASE_STROKE, color: parseColor(PALETTES[theme].halo) });
}

/** What the layer panel switches, and the style layers each switch shows (the choropleth is a paint change). */
export const TOGGLES = {
  admin: [MAP_LAYER_IDS.communesLine, MAP_LAYER_IDS.communesLabel, MAP_LAYER_IDS.offices, MAP_LAYER_IDS.officesLabel, MAP_LAYER_IDS.units2019, MAP_LAYER_IDS.units2019Label],
  choropleth: [],
  cameras: ['cameras', 'cameras-label'],
  cases: ['cases-clusters', 'cases-cluster-count', 'cases-points', CASES_OVERLAY_ID],
  heatmap: ['cases-heat'],
  water: ['water', 'water-label'],
  facilities: ['facilities', 'facilities-letter', 'facilities-label'],
} as const;
export type ToggleId = keyof typeof TOGGLES;

/** Layers hidden under the other code list (from shared/map). */
export const hiddenUnder = (codeList: 'vn-2025' | 'vn-2019') => new Set(Object.entries(codeListVisibility(codeList)).filter(([, v]) => v === 'none').map(([id]) => id));

const EMPTY = { type: 'FeatureCollection', features: [] } as GeoJSON.FeatureCollection;
const live = (extra: Record<string, unknown> = {}) => ({ type: 'geojson' as const, data: EMPTY, promoteId: 'id', ...extra });

export function buildStyle(theme: MapTheme, lang: 'vi' | 'en' = 'vi', basemap: MapBasemapConfig = NO_BASEMAP): StyleSpecification {
  const base = createMapStyle({ theme, assetBase: ASSET_BASE, codeList: 'vn-2025', lang, basemap }) as unknown as StyleSpecification;
  const p = PALETTES[theme];
  const s = p.state;
  const halo = { 'text-halo-color': p.halo, 'text-halo-width': 2, 'text-halo-blur': 0.5 };
  // State keys (LIVE_STATE_KEYS) are read from feature state first: a live state change is a
  // setFeatureState (no re-cluster, no tile reload); the data value is the fallback.
  const st = (k: string): ExpressionSpecification => ['coalesce', ['feature-state', k], ['get', k]];
  const slaColor = ['match', st('sla'), ...Object.entries(SLA_STATE).flatMap(([k, v]) => [k, s[v]]), s.idle] as ExpressionSpecification;
  const camColor: ExpressionSpecification = ['match', st('state'), 'live', s.ok, 'starting', s.accent, 'reconnecting', s.warn, 'failed', s.bad, 'disabled', '#4a5263', s.idle];
  const waterColor: ExpressionSpecification = ['match', st('band'), 0, p.water.normal, 1, p.water.bd1, 2, p.water.bd2, 3, p.water.bd3, s.idle];
  const liveLayers: LayerSpecification[] = [
      // Feedback cases: heatmap (toggle), clusters when zoomed out, points by SLA state.
      {
        id: 'cases-heat',
        type: 'heatmap',
        source: 'cases',
        layout: { visibility: 'none' },
        paint: {
          // A case weighs by its SLA state; a cluster by its size (no per-cluster reduce: see the source).
          // (from the data: the heatmap cannot read feature state, so it follows SLA changes at consolidation)
          'heatmap-weight': ['interpolate', ['linear'], ['case', ['has', 'point_count'], ['get', 'point_count'], ['match', ['get', 'sla'], 'overdue', 3, 'dueSoon', 2, 'ok', 1, 0.3]], 0, 0, 2, 0.45, 20, 0.85, 100, 1],
          'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 8, 1.3, 14, 2.2],
          'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 35, 10, 60, 14, 70],
          'heatmap-opacity': 0.75,
          'heatmap-color': ['interpolate', ['linear'], ['heatmap-density'], 0, 'rgba(0,0,0,0)', 0.2, '#2b83ba', 0.4, '#abdda4', 0.6, '#ffffbf', 0.8, '#fdae61', 1, '#d7191c'],
        },
      },
      {
        id: 'cases-clusters',
        type: 'circle',
        source: 'cases',
        filter: ['has', 'point_count'],
        paint: {
          // Size only: a per-SLA cluster colour needs clusterProperties (a reduce over all 50k cases at
          // every zoom, redone on every live change); the points show SLA once zoomed in.
          'circle-color': s.accent,
          'circle-radius': ['step', ['get', 'point_count'], 16, 10, 20, 50, 26, 200, 32, 1000, 40],
          'circle-opacity': 0.85,
          'circle-stroke-color': p.halo,
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'cases-cluster-count',
        type: 'symbol',
        source: 'cases',
        filter: ['has', 'point_count'],
        layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': FONT_BOLD, 'text-size': 16, 'text-allow-overlap': true },
        paint: { 'text-color': '#0b1220' },
      },
      {
        id: 'cases-points',
        type: 'circle',
        source: 'cases',
        filter: ['!', ['has', 'point_count']],
        // A point redrawn by the cases overlay (moved, or changed beyond its SLA) or removed is hidden
        // here by feature state until the next consolidation (LiveLayer overlay mode).
        paint: {
          'circle-radius': ['match', ['get', 'level'], 'urgent', CASE_RADIUS.urgent, CASE_RADIUS.normal],
          'circle-color': slaColor,
          'circle-stroke-color': p.halo,
          'circle-stroke-width': CASE_STROKE,
          'circle-opacity': ['case', ['boolean', ['feature-state', 'hidden'], false], 0, ['match', st('sla'), 'done', CASE_DONE_OPACITY, 1]],
          'circle-stroke-opacity': ['case', ['boolean', ['feature-state', 'hidden'], false], 0, 1],
        },
      },
      // Facilities: schools and health stations.
      { id: 'facilities', type: 'circle', source: 'facilities', paint: { 'circle-radius': 10, 'circle-color': ['match', ['get', 'kind'], 'school', p.facility.school, 'health_station', p.facility.health_station, s.idle], 'circle-stroke-color': p.halo, 'circle-stroke-width': 2 } },
      {
        id: 'facilities-letter',
        type: 'symbol',
        source: 'facilities',
        layout: { 'text-field': ['match', ['get', 'kind'], 'school', 'T', 'health_station', '+', '·'], 'text-font': FONT_BOLD, 'text-size': 13, 'text-allow-overlap': true },
        paint: { 'text-color': '#0b1220' },
      },
      {
        id: 'facilities-label',
        type: 'symbol',
        source: 'facilities',
        minzoom: 12,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 13, 'text-offset': [0, 1.2], 'text-anchor': 'top', 'text-optional': true },
        paint: { 'text-color': p.label, ...halo },
      },
      // Water-level stations: latest level against BĐ1–BĐ3.
      { id: 'water', type: 'circle', source: 'water', paint: { 'circle-radius': 13, 'circle-color': waterColor, 'circle-stroke-color': p.halo, 'circle-stroke-width': 3 } },
      {
        id: 'water-label',
        type: 'symbol',
        source: 'water',
        layout: {
          'text-field': ['case', ['==', ['get', 'levelM'], null], '-', ['concat', ['number-format', ['get', 'levelM'], { 'min-fraction-digits': 2, 'max-fraction-digits': 2 }], ' m']],
          'text-font': FONT_BOLD,
          'text-size': 15,
          'text-offset': [0, 1.4],
          'text-anchor': 'top',
          'text-allow-overlap': true,
        },
        paint: { 'text-color': waterColor, ...halo },
      },
      // Cameras by stream state.
      { id: 'cameras', type: 'circle', source: 'cameras', paint: { 'circle-radius': 9, 'circle-color': camColor, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5 } },
      {
        id: 'cameras-label',
        type: 'symbol',
        source: 'cameras',
        minzoom: 12,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 14, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true },
        paint: { 'text-color': p.label, ...halo },
      },
      // What an operator selected on any display.
      { id: 'selection-halo', type: 'circle', source: 'selection', paint: { 'circle-radius': 22, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': s.accent, 'circle-stroke-width': 5 } },
  ];
  const at = base.layers.findIndex((l) => l.id === MAP_LAYER_IDS.labelsBottom);
  return {
    ...base,
    sources: {
      ...base.sources,
      cameras: live(),
      cases: live({
        cluster: true,
        clusterRadius: 50,
        clusterMaxZoom: 13,
      }),
      water: live(),
      facilities: live(),
      selection: { type: 'geojson', data: EMPTY },
    },
    layers: [...base.layers.slice(0, at), ...liveLayers, ...base.layers.slice(at)],
  };
}
