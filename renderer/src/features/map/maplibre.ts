/// <reference types="geojson" />
import * as maplibregl from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker ships as its own module file from the app's origin: the strict CSP (worker-src 'self')
// allows it, and nothing is built from strings (no blob of code, no eval).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

maplibregl.setWorkerUrl(new URL(workerUrl, location.href).href);

let pmtilesOn = false;
/** A configured PMTiles basemap: `pmtiles://` URLs read the archive by HTTP Range requests (main thread). */
export function enablePmtiles(): void {
  if (pmtilesOn) return;
  pmtilesOn = true;
  maplibregl.addProtocol('pmtiles', new Protocol().tile);
}

export { maplibregl };
export type { GeoJSONSource, Map as MapLibreMap, StyleSpecification, ExpressionSpecification, LayerSpecification, MapLayerMouseEvent, GeoJSONFeatureDiff } from 'maplibre-gl';
