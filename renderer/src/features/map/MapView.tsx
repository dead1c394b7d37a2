import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { FeedbackLookups, MapFeature, MapIndicators, MapSelection } from '../../../../shared/contracts';
import type { CodeList } from '../../../../shared/domain/entities';
import { INDICATORS } from '../../../../shared/kpi/catalogue';
import { choroplethColor, choroplethLegend, codeListVisibility, MAP_LAYER_IDS, NO_BASEMAP, PALETTES, quantileBreaks, type MapBasemapConfig, type MapTheme } from '../../../../shared/map';
import { api, displayId } from '../../api';
import { formatTime } from '../../shell/format';
import { useCacheQuery, useConnection, useWallState } from '../../shell/hooks';
import { FeedbackDetail, type ActionMode } from '../feedback/FeedbackDetail';
import { isTyping } from '../feedback/format';
import { CameraPreview } from './CameraPreview';
import { indicatorUnit } from './indicators';
import { LiveLayer, type LiveLayerOptions } from './live-layer';
import { MapPanel, type ChoroplethLegend } from './MapPanel';
import { maplibregl, enablePmtiles, type GeoJSONSource, type MapLibreMap } from './maplibre';
import { placeLabelsOnlyOnChange, placementStats } from './placement';
import { searchMap, type Place, type SearchHit } from './search';
import type { PointsOverlay } from './points-overlay';
import {
  assetUrl,
  BASEMAP_FILES,
  buildStyle,
  CASES_CONSOLIDATE_MS,
  CASES_OVERLAY_ID,
  CASES_OVERLAY_MAX,
  caseOverlayPoint,
  casesOverlay,
  hiddenUnder,
  LIVE_DATA_KEYS,
  LIVE_FLUSH_MS,
  LIVE_SOURCES,
  LIVE_STATE_KEYS,
  TOGGLES,
  type LiveSource,
  type ToggleId,
} from './style';
import './map.css';
import { locale } from '../../i18n';

const DISTRICT_BOUNDS: [[number, number], [number, number]] = [[107.9454, 15.11828], [108.46912, 15.43621]];
const DISTRICT_CENTER: [number, number] = [(DISTRICT_BOUNDS[0][0] + DISTRICT_BOUNDS[1][0]) / 2, (DISTRICT_BOUNDS[0][1] + DISTRICT_BOUNDS[1][1]) / 2];

/**
 * (Re)add a cases overlay custom layer right above a points layer (the app's: `cases-points`, after
 * every style load; the benchmark's copy: its own). Empty: the LiveLayer fills it.
 */
function addCasesOverlay(m: MapLibreMap, theme: MapTheme, pointsLayer = 'cases-points', id = CASES_OVERLAY_ID): PointsOverlay {
  const overlay = casesOverlay(theme, DISTRICT_CENTER, id);
  const ids = m.getStyle().layers.map((l) => l.id);
  if (m.getLayer(id)) m.removeLayer(id);
  m.addLayer(overlay, ids[ids.indexOf(pointsLayer) + 1]);
  return overlay;
}
const PAN_PX = 160;
/** `?maptest` (tests and benchmarks only): the map instance and its live layers on window. */
const TEST_MODE = new URLSearchParams(location.search).has('maptest');

/** How each live layer is fed (the benchmark builds its copy of the cases layer with this too). */
export function liveLayerOptions(s: LiveSource, overlay: () => PointsOverlay | null, theme: () => MapTheme, consolidateMs = CASES_CONSOLIDATE_MS): LiveLayerOptions {
  return {
    stateKeys: LIVE_STATE_KEYS[s],
    dataKeys: LIVE_DATA_KEYS[s],
    flushMs: LIVE_FLUSH_MS,
    ...(s === 'cases' ? { overlay: { draw: (fs: MapFeature[]) => overlay()?.setPoints(fs.map((f) => caseOverlayPoint(f, theme()))), consolidateMs, maxFeatures: CASES_OVERLAY_MAX } } : {}),
  };
}

type Popup = { kind: 'camera' | 'water' | 'facility'; feature: MapFeature };
type Counts = Record<LiveSource, number>;
const ZERO: Counts = { cameras: 0, cases: 0, water: 0, facilities: 0 };
const SELECT_SOURCE: Record<string, LiveSource | undefined> = { camera: 'cameras', case: 'cases', water: 'water', facility: 'facilities' };

declare global {
  interface Window {
    __iocMap?: {
      map: MapLibreMap;
      layers: Record<LiveSource, LiveLayer>;
      maplibregl: typeof maplibregl;
      LiveLayer: typeof LiveLayer;
      overlay: () => PointsOverlay | null;
      /** A copy of the cases layer on another source (benchmarks): the app's options and its own overlay above `pointsLayer`. */
      casesCopy: (sourceId: string, pointsLayer: string, consolidateMs: number) => { layer: LiveLayer; overlay: PointsOverlay };
      /** Frames whose label placement was kept or redone (placement.ts). */
      placement: typeof placementStats;
    };
  }
}

async function loadPlaces(file: string): Promise<Place[]> {
  const res = await fetch(assetUrl(file));
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
  const fc = (await res.json()) as GeoJSON.FeatureCollection<GeoJSON.Point>;
  return fc.features.map((f) => ({ id: String(f.properties?.unitId ?? ''), name: String(f.properties?.name ?? ''), code: String(f.properties?.code ?? ''), lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
}

/** The GIS map of the district: offline basemap, live layers by diff, wall-wide selection. */
export function MapView() {
  const { t, i18n } = useTranslation();
  const wall = useWallState();
  const conn = useConnection();
  const container = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [styleRev, setStyleRev] = useState(0);
  const [theme, setTheme] = useState<MapTheme>(() => (localStorage.getItem('ioc.map.theme') === 'light' ? 'light' : 'dark'));
  const [toggles, setToggles] = useState<Record<ToggleId, boolean>>({ admin: true, choropleth: false, cameras: true, cases: true, heatmap: false, water: true, facilities: true });
  const [codeList, setCodeList] = useState<CodeList>('vn-2025');
  const [indicator, setIndicator] = useState('');
  const [counts, setCounts] = useState<Counts>(ZERO);
  const [loaded, setLoaded] = useState<Set<LiveSource>>(new Set());
  const [popup, setPopup] = useState<Popup | null>(null);
  const [popupNode, setPopupNode] = useState<HTMLDivElement | null>(null);
  const [openCase, setOpenCase] = useState<string | null>(null);
  const [caseAction, setCaseAction] = useState<ActionMode>(null);
  const [selection, setSelection] = useState<MapSelection>(null);
  const [places, setPlaces] = useState<{ units: Place[]; oldUnits: Place[] }>({ units: [], oldUnits: [] });
  const [query, setQuery] = useState('');
  const [hitIndex, setHitIndex] = useState(0);
  // Cases: adds, moves and removals are drawn at once by the overlay custom layer (one frame) and
  // folded into the 50k-point clustered source once a minute (see LiveLayer's overlay mode).
  const overlayRef = useRef<PointsOverlay | null>(null);
  const themeRef = useRef(theme);
  const layers = useMemo(
    () =>
      Object.fromEntries(
        LIVE_SOURCES.map((s) => [
          s,
          new LiveLayer(() => map?.getSource<GeoJSONSource>(s), liveLayerOptions(s, () => overlayRef.current, () => themeRef.current)),
        ]),
      ) as Record<LiveSource, LiveLayer>,
    [map],
  );
  useEffect(() => () => Object.values(layers).forEach((l) => l.cancel()), [layers]);
  const indicators = useCacheQuery<MapIndicators>(() => api.map.getIndicators(), ['indicator_value']);
  const lookups = useCacheQuery<FeedbackLookups>(() => api.feedback.lookups(), ['feedback_case', 'admin_unit', 'agency']);

  // ---- the map itself ---------------------------------------------------------------------------
  // The optional online/PMTiles basemap from the app config (default none: the map needs no network).
  const [basemap, setBasemap] = useState<MapBasemapConfig | null>(null);
  useEffect(() => {
    api.map.getBasemap().then(setBasemap, (e: Error) => {
      console.warn('[map] basemap config', e.message);
      setBasemap(NO_BASEMAP);
    });
  }, []);
  useEffect(() => {
    if (!container.current || !basemap) return;
    if (basemap.kind === 'pmtiles') enablePmtiles();
    if (TEST_MODE) {
      const w = window as unknown as { __iocMapBuilds?: number };
      w.__iocMapBuilds = (w.__iocMapBuilds ?? 0) + 1; // e2e: a page builds its map once
    }
    const m = new maplibregl.Map({
      container: container.current,
      style: buildStyle(theme, i18n.language === 'en' ? 'en' : 'vi', basemap),
      bounds: DISTRICT_BOUNDS,
      fitBoundsOptions: { padding: 40 },
      minZoom: 7,
      maxZoom: 17,
      keyboard: false, // the view's own keys work without focusing the canvas
      attributionControl: { compact: true },
      // Labels are placed at once, with no fade: fadeDuration 0. It forces a full symbol placement on
      // every frame (~2 ms of main thread per live update batch, software GL), but MapLibre's 300 ms
      // fade measured worse where people see it: panFps 6.3 → 4.5 and 6–11 frames instead of 5–6 for
      // the consolidation of live cases (bench:map, BENCH_MAP_FADE=300, session 4).
      fadeDuration: 0,
    });
    placeLabelsOnlyOnChange(m);
    m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
    m.on('load', () => {
      overlayRef.current = addCasesOverlay(m, themeRef.current);
      setMap(m);
    });
    m.on('error', (e) => console.warn('[map]', e.error?.message ?? e));
    return () => {
      setMap(null);
      m.remove();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [basemap]);

  // Theme: a new style; live sources are refilled from memory once it has loaded.
  const themeApplied = useRef(theme);
  useEffect(() => {
    localStorage.setItem('ioc.map.theme', theme);
    if (!map || themeApplied.current === theme) return;
    themeApplied.current = theme;
    map.setStyle(buildStyle(theme, i18n.language === 'en' ? 'en' : 'vi', basemap ?? NO_BASEMAP), { diff: false });
    themeRef.current = theme;
    map.once('style.load', () => {
      overlayRef.current = addCasesOverlay(map, theme);
      for (const s of LIVE_SOURCES) layers[s].load({ rev: layers[s].rev, features: [...layers[s].features.values()] });
      setStyleRev((r) => r + 1);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme, map, layers]);

  // ---- live layers: snapshot, then diffs --------------------------------------------------------
  useEffect(() => {
    if (!map || conn !== 'open') return;
    let alive = true;
    const loading = new Set<LiveSource>();
    const recount = () => setCounts(Object.fromEntries(LIVE_SOURCES.map((s) => [s, layers[s].count])) as Counts);
    const reload = (s: LiveSource) => {
      if (loading.has(s)) return;
      loading.add(s);
      api.map.getLayer({ layer: s }).then(
        (snap) => {
          loading.delete(s);
          if (!alive) return;
          layers[s].load(snap);
          recount();
          setLoaded((prev) => new Set(prev).add(s));
        },
        (err: Error) => {
          loading.delete(s);
          console.warn('[map] layer load failed', s, err.message);
        },
      );
    };
    const off = api.map.onDiff((diff) => {
      const s = diff.layer as LiveSource;
      if (!layers[s] || loading.has(s)) return; // the snapshot on its way is at least as new
      if (layers[s].apply(diff) === 'gap') reload(s);
      else recount();
    });
    for (const s of LIVE_SOURCES) reload(s);
    if (TEST_MODE)
      window.__iocMap = {
        map,
        layers,
        maplibregl,
        LiveLayer,
        overlay: () => overlayRef.current,
        casesCopy: (sourceId, pointsLayer, consolidateMs) => {
          const overlay = addCasesOverlay(map, themeRef.current, pointsLayer, `${sourceId}-overlay`);
          const layer = new LiveLayer(() => map.getSource<GeoJSONSource>(sourceId), liveLayerOptions('cases', () => overlay, () => themeRef.current, consolidateMs));
          return { layer, overlay };
        },
        placement: placementStats,
      };
    return () => {
      alive = false;
      off();
    };
  }, [map, conn, layers]);

  // ---- visibility: toggles × code list ---------------------------------------------------------
  useEffect(() => {
    if (!map) return;
    const hidden = hiddenUnder(codeList);
    const show = new Map<string, boolean>(Object.entries(codeListVisibility(codeList)).map(([id, v]) => [id, v === 'visible']));
    for (const [id, ids] of Object.entries(TOGGLES) as Array<[ToggleId, readonly string[]]>) for (const l of ids) show.set(l, toggles[id]);
    // The heatmap replaces the clusters (points stay for zoomed-in detail); both need the cases layer.
    for (const l of ['cases-clusters', 'cases-cluster-count']) show.set(l, toggles.cases && !toggles.heatmap);
    show.set('cases-heat', toggles.cases && toggles.heatmap);
    // The choropleth paints the units of the list shown, even with the names switched off.
    if (toggles.choropleth) show.set(codeList === 'vn-2025' ? MAP_LAYER_IDS.communesFill : MAP_LAYER_IDS.units2019, true);
    for (const [l, on] of show) if (map.getLayer(l)) map.setLayoutProperty(l, 'visibility', on && !hidden.has(l) ? 'visible' : 'none');
  }, [map, toggles, codeList, styleRev]);

  // ---- choropleth -------------------------------------------------------------------------------
  const available = indicators?.indicators ?? [];
  const current = available.find((i) => i.id === indicator) ?? available.find((i) => i.values.some((v) => v.unitId.startsWith(`${codeList}:`) && v.value !== null)) ?? available[0];
  const choropleth = useMemo(() => {
    if (!current) return null;
    const values = current.values.filter((v) => v.unitId.startsWith(`${codeList}:`) && v.value !== null);
    const breaks = quantileBreaks(values.map((v) => v.value), 5);
    // Class bounds carry the catalogue's unit ("< 12,5 %", "≥ 3 ngày"; counts have none).
    const unit = indicatorUnit(INDICATORS.get(current.id), t);
    const fmt = (n: number) => `${n.toLocaleString(locale(i18n.language), { maximumFractionDigits: 1 })}${unit ? ` ${unit}` : ''}`;
    const periods = [...new Set(values.map((v) => v.period))].sort();
    const legend: ChoroplethLegend = { indicator: current.id, period: periods.at(-1) ?? null, rows: values.length ? choroplethLegend(theme, breaks, fmt) : [] };
    return { legend, values, breaks };
  }, [current, codeList, theme, i18n.language, t]);
  useEffect(() => {
    if (!map || !map.getLayer(MAP_LAYER_IDS.communesFill)) return;
    const pal = PALETTES[theme];
    // Values live in feature state (basemap feature ids are the unit codes).
    map.removeFeatureState({ source: 'communes' });
    map.removeFeatureState({ source: 'units2019' });
    const on = toggles.choropleth && choropleth && choropleth.values.length > 0;
    if (on)
      for (const v of choropleth.values) {
        const [list, code] = v.unitId.split(':');
        map.setFeatureState({ source: list === 'vn-2025' ? 'communes' : 'units2019', id: Number(code) }, { value: v.value });
      }
    const color = (on ? choroplethColor(theme, choropleth.breaks) : null) as string | null;
    map.setPaintProperty(MAP_LAYER_IDS.communesFill, 'fill-color', color ?? (toggles.choropleth ? pal.noData : pal.communeFill));
    map.setPaintProperty(MAP_LAYER_IDS.communesFill, 'fill-opacity', toggles.choropleth ? 0.9 : 0.7);
    map.setPaintProperty(MAP_LAYER_IDS.units2019, 'circle-color', color ?? pal.noData);
  }, [map, choropleth, toggles.choropleth, theme, styleRev]);

  // ---- selection shared across displays --------------------------------------------------------
  useEffect(() => {
    if (conn !== 'open') return;
    const off = api.map.onSelection(setSelection);
    api.map.getSelection().then(setSelection, () => {});
    return off;
  }, [conn]);
  const selectedFeature = useMemo(() => {
    if (!selection) return null;
    const src = SELECT_SOURCE[selection.kind];
    if (src) return layers[src].features.get(selection.id) ?? null;
    const u = [...places.units, ...places.oldUnits].find((p) => p.id === selection.id);
    return u ? ({ id: u.id, lon: u.lon, lat: u.lat, props: {} } as MapFeature) : null;
    // counts: a diff may bring the selected feature in
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selection, layers, places, counts]);
  const flownTo = useRef<string | null>(null);
  useEffect(() => {
    if (!map) return;
    const src = map.getSource<GeoJSONSource>('selection');
    void src?.setData({ type: 'FeatureCollection', features: selectedFeature ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: [selectedFeature.lon, selectedFeature.lat] }, properties: {} }] : [] });
    // Picked on another display: bring it into view here (unclustered).
    const key = selection ? `${selection.kind}:${selection.id}:${selection.at}` : null;
    if (selection && selectedFeature && selection.by !== displayId && flownTo.current !== key) {
      flownTo.current = key;
      map.flyTo({ center: [selectedFeature.lon, selectedFeature.lat], zoom: Math.max(map.getZoom(), selection.kind === 'unit' ? 11.5 : 14.5), duration: 1200 });
    }
  }, [map, selection, selectedFeature, styleRev]);
  const select = useCallback((kind: NonNullable<MapSelection>['kind'], id: string) => {
    api.map.select({ kind, id }).then(setSelection, (e: Error) => console.warn('[map] select failed', e.message));
  }, []);

  // ---- clicks ------------------------------------------------------------------------------------
  useEffect(() => {
    if (!map) return;
    // The overlay is a custom layer (no rendered features to query): it hit-tests its own points.
    const pickOverlay = (e: maplibregl.MapMouseEvent) => (map.getLayoutProperty(CASES_OVERLAY_ID, 'visibility') === 'none' ? null : (overlayRef.current?.pick(e.point) ?? null));
    const featureOf = (s: LiveSource, e: maplibregl.MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.id;
      // A case drawn by the overlay (above the clustered cases) takes the click; a hidden clustered copy never does.
      if ((s === 'cases' && pickOverlay(e)) || typeof id !== 'string' || layers[s].isHidden(id)) return null;
      return layers[s].features.get(id) ?? null;
    };
    const onCamera = (e: maplibregl.MapLayerMouseEvent) => {
      const f = featureOf('cameras', e);
      if (!f) return;
      setPopup({ kind: 'camera', feature: f });
      select('camera', f.id);
    };
    const onWater = (e: maplibregl.MapLayerMouseEvent) => {
      const f = featureOf('water', e);
      if (!f) return;
      setPopup({ kind: 'water', feature: f });
      select('water', f.id);
    };
    const onFacility = (e: maplibregl.MapLayerMouseEvent) => {
      const f = featureOf('facilities', e);
      if (!f) return;
      setPopup({ kind: 'facility', feature: f });
      select('facility', f.id);
    };
    const showCase = (f: MapFeature | null | undefined) => {
      if (!f) return;
      setOpenCase(f.id);
      setCaseAction(null);
      select('case', f.id);
    };
    const onCase = (e: maplibregl.MapLayerMouseEvent) => showCase(featureOf('cases', e));
    const onCluster = (e: maplibregl.MapLayerMouseEvent) => {
      if (pickOverlay(e)) return;
      const feature = e.features?.[0];
      const clusterId = feature?.properties?.cluster_id;
      if (typeof clusterId !== 'number' || feature?.geometry.type !== 'Point') return;
      const center = feature.geometry.coordinates as [number, number];
      map
        .getSource<GeoJSONSource>('cases')
        ?.getClusterExpansionZoom(clusterId)
        .then((zoom) => map.easeTo({ center, zoom: Math.min(zoom + 0.2, 16) }), () => {});
    };
    const handlers: Array<[string, (e: maplibregl.MapLayerMouseEvent) => void]> = [
      ['cameras', onCamera],
      ['water', onWater],
      ['facilities', onFacility],
      ['cases-points', onCase],
      ['cases-clusters', onCluster],
    ];
    const pointer = () => (map.getCanvas().style.cursor = 'pointer');
    const plain = () => (map.getCanvas().style.cursor = '');
    const onOverlayClick = (e: maplibregl.MapMouseEvent) => {
      const hit = pickOverlay(e);
      showCase(hit && layers.cases.features.get(hit.id));
    };
    let overOverlay = false;
    const onOverlayHover = (e: maplibregl.MapMouseEvent) => {
      const hit = !!pickOverlay(e);
      if (hit) pointer();
      else if (overOverlay) plain();
      overOverlay = hit;
    };
    map.on('click', onOverlayClick);
    map.on('mousemove', onOverlayHover);
    for (const [layer, h] of handlers) {
      map.on('click', layer, h);
      map.on('mouseenter', layer, pointer);
      map.on('mouseleave', layer, plain);
    }
    return () => {
      map.off('click', onOverlayClick);
      map.off('mousemove', onOverlayHover);
      for (const [layer, h] of handlers) {
        map.off('click', layer, h);
        map.off('mouseenter', layer, pointer);
        map.off('mouseleave', layer, plain);
      }
    };
  }, [map, layers, select]);

  // The popup: a MapLibre popup whose content React renders through a portal.
  // Cameras get a docked card instead: a <video> inside a transformed popup is drawn misplaced by
  // Chromium's software compositor (a dark ghost box), and a wall wants the preview big anyway.
  useEffect(() => {
    if (!map || !popup || popup.kind === 'camera') return;
    const node = document.createElement('div');
    const p = new maplibregl.Popup({ closeOnClick: false, maxWidth: 'none', className: 'map-popup', offset: 16 }).setLngLat([popup.feature.lon, popup.feature.lat]).setDOMContent(node).addTo(map);
    setPopupNode(node);
    let removing = false;
    // The user closed it (×): forget it. Our own cleanup also fires 'close'; that must not.
    p.on('close', () => !removing && setPopup((cur) => (cur === popup ? null : cur)));
    return () => {
      removing = true;
      setPopupNode(null);
      p.remove();
    };
  }, [map, popup]);
  // A popup's feature follows the live layer (state colours, level).
  const popupFeature = popup ? (layers[SELECT_SOURCE[popup.kind]!].features.get(popup.feature.id) ?? popup.feature) : null;

  // ---- search and keys ---------------------------------------------------------------------------
  useEffect(() => {
    Promise.all([loadPlaces(BASEMAP_FILES.communeLabels), loadPlaces(BASEMAP_FILES.unitsOld)]).then(
      ([units, oldUnits]) => setPlaces({ units, oldUnits }),
      (e: Error) => console.warn('[map] places', e.message),
    );
  }, []);
  const hits = useMemo(
    () => searchMap(query, { ...places, cameras: layers.cameras.features.values(), cases: layers.cases.features.values(), water: layers.water.features.values() }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [query, places, layers, counts],
  );
  const go = useCallback(
    (hit: SearchHit) => {
      if (!map) return;
      map.flyTo({ center: [hit.lon, hit.lat], zoom: hit.zoom, duration: 1000 });
      if (hit.kind === 'oldUnit') setCodeList('vn-2019');
      if (hit.kind === 'unit') setCodeList('vn-2025');
      select(hit.select, hit.id);
      if (hit.kind === 'case') setOpenCase(hit.id);
      if (hit.kind === 'camera') {
        const f = layers.cameras.features.get(hit.id);
        if (f) setPopup({ kind: 'camera', feature: f });
      }
      setQuery('');
      searchRef.current?.blur();
    },
    [map, layers, select],
  );
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!map || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target)) return;
      const k = e.key;
      if (k === '+' || k === '=') map.zoomIn();
      else if (k === '-' || k === '_') map.zoomOut();
      else if (k === 'ArrowLeft') map.panBy([-PAN_PX, 0]);
      else if (k === 'ArrowRight') map.panBy([PAN_PX, 0]);
      else if (k === 'ArrowUp') map.panBy([0, -PAN_PX]);
      else if (k === 'ArrowDown') map.panBy([0, PAN_PX]);
      else if (k === '/') searchRef.current?.focus();
      else if (k === 'Escape') {
        setPopup(null);
        setOpenCase(null);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [map]);

  const ready = !!map && LIVE_SOURCES.every((s) => loaded.has(s));
  return (
    <section className={`map-view map-theme-${theme}${openCase ? ' map-with-case' : ''}`} data-testid="view-map" data-ready={ready || undefined} data-codelist={codeList}>
      <MapPanel
        theme={theme}
        onTheme={setTheme}
        toggles={toggles}
        onToggle={(id, on) => setToggles((cur) => ({ ...cur, [id]: on }))}
        codeList={codeList}
        onCodeList={setCodeList}
        indicators={indicators}
        indicator={current?.id ?? ''}
        onIndicator={setIndicator}
        choropleth={toggles.choropleth ? (choropleth?.legend ?? null) : null}
        counts={counts}
      />
      <div className="map-stage">
        <div ref={container} className="map-canvas" data-testid="map-canvas" />
        <div className="map-search">
          <input
            ref={searchRef}
            type="search"
            value={query}
            placeholder={t('map.search.placeholder')}
            onChange={(e) => {
              setQuery(e.target.value);
              setHitIndex(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') setHitIndex((i) => Math.min(hits.length - 1, i + 1));
              else if (e.key === 'ArrowUp') setHitIndex((i) => Math.max(0, i - 1));
              else if (e.key === 'Enter' && hits[hitIndex]) go(hits[hitIndex]);
              else if (e.key === 'Escape') setQuery('');
              else return;
              e.preventDefault();
            }}
            data-testid="map-search"
            aria-label={t('map.search.placeholder')}
          />
          {query.trim() && (
            <ul className="map-hits" data-testid="map-search-hits" role="listbox">
              {hits.length ? (
                hits.map((h, i) => (
                  <li key={`${h.kind}:${h.id}`} role="option" aria-selected={i === hitIndex} onMouseDown={(e) => e.preventDefault()} onClick={() => go(h)} data-testid={`map-hit-${h.kind}`} data-id={h.id}>
                    <span className="map-hit-kind">{t(`map.search.${h.kind}`)}</span> {h.label}
                  </li>
                ))
              ) : (
                <li className="muted">{t('map.search.none')}</li>
              )}
            </ul>
          )}
        </div>
        {selection && selectedFeature && (
          <div className="map-selection" data-testid="map-selection" data-kind={selection.kind} data-id={selection.id}>
            {t('map.selectedOn', { display: selection.by ?? '—' })}: <strong>{String(selectedFeature.props.name ?? selectedFeature.props.title ?? selection.id)}</strong>
          </div>
        )}
        {!ready && <p className="map-loading loading">{t('map.loading')}</p>}
      </div>
      {openCase && (
        <div className="map-case" data-testid="map-case">
          <FeedbackDetail id={openCase} lookups={lookups} action={caseAction} setAction={setCaseAction} onClose={() => setOpenCase(null)} />
        </div>
      )}
      {popup?.kind === 'camera' && popupFeature && (
        <div className="map-card" role="dialog" aria-label={t('map.popup.camera', { name: String(popupFeature.props.name ?? popupFeature.id) })}>
          <button type="button" className="map-card-close" onClick={() => setPopup(null)} aria-label={t('map.popup.close')} data-testid="map-card-close">
            ×
          </button>
          <CameraPreview camera={popupFeature} wall={wall} />
        </div>
      )}
      {popupNode &&
        popupFeature &&
        popup?.kind !== 'camera' &&
        createPortal(
          popup?.kind === 'water' ? (
            <WaterInfo f={popupFeature} lang={i18n.language} />
          ) : (
            <div className="map-popup-body" data-testid="map-facility-popup">
              <strong className="map-popup-title">{String(popupFeature.props.name ?? popupFeature.id)}</strong>
              <span>{t(`map.facility.${String(popupFeature.props.kind ?? 'other')}`)}</span>
            </div>
          ),
          popupNode,
        )}
    </section>
  );
}

function WaterInfo({ f, lang }: { f: MapFeature; lang: string }) {
  const { t } = useTranslation();
  const band = Number(f.props.band ?? -1);
  const cls = ['normal', 'bd1', 'bd2', 'bd3'][band];
  return (
    <div className="map-popup-body" data-testid="map-water-popup" data-band={band}>
      <strong className="map-popup-title">{String(f.props.name ?? f.id)}</strong>
      <span className={`map-water map-water-${cls ?? 'none'}`}>{cls ? t(`map.water.${cls}`) : t('map.water.none')}</span>
      {f.props.levelM !== null && <span>{t('map.water.level', { level: Number(f.props.levelM).toFixed(2), time: formatTime(String(f.props.readingAt), lang) })}</span>}
      {f.props.bd1 !== null && <span className="muted">{t('map.water.alarms', { bd1: f.props.bd1, bd2: f.props.bd2, bd3: f.props.bd3 })}</span>}
    </div>
  );
}
