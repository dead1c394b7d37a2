import { z } from 'zod';
import { call, event } from './rpc';
import { MapBasemapConfig } from '../map/basemap';

/**
 * The GIS map's live point layers, built by main from the local cache (and stream health), sent
 * once as a snapshot and then as diffs (add / update / remove by id) so a wall map never reloads a
 * whole layer for one change. The selection (a camera, case, station, … picked on any display) is
 * held by main and broadcast, so every map highlights what an operator picked anywhere.
 */

export const MAP_LAYERS = ['cameras', 'cases', 'water', 'facilities', 'units'] as const;
export const MapLayerId = z.enum(MAP_LAYERS);
export type MapLayerId = z.infer<typeof MapLayerId>;

const Id = z.string().min(1).max(200);
const PropValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One point: its id (unique within the layer), position and flat properties the style reads. */
export const MapFeature = z.object({
  id: Id,
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  props: z.record(z.string(), PropValue),
});
export type MapFeature = z.infer<typeof MapFeature>;

export const MapLayerSnapshot = z.object({
  layer: MapLayerId,
  /** Revision of the layer; a diff applies on top of exactly `fromRev`. */
  rev: z.number().int().nonnegative(),
  features: z.array(MapFeature),
});
export type MapLayerSnapshot = z.infer<typeof MapLayerSnapshot>;

export const MapLayerDiff = z.object({
  layer: MapLayerId,
  fromRev: z.number().int().nonnegative(),
  rev: z.number().int().positive(),
  add: z.array(MapFeature),
  update: z.array(MapFeature),
  remove: z.array(Id),
});
export type MapLayerDiff = z.infer<typeof MapLayerDiff>;

/** Latest value of each indicator per unit (both code lists), for the choropleth. */
export const IndicatorMapValue = z.object({ unitId: Id, period: z.string(), value: z.number().nullable() });
export const MapIndicators = z.object({
  indicators: z.array(z.object({ id: Id, values: z.array(IndicatorMapValue) })),
});
export type MapIndicators = z.infer<typeof MapIndicators>;

export const MapSelectionKind = z.enum(['camera', 'case', 'water', 'facility', 'unit']);
export type MapSelectionKind = z.infer<typeof MapSelectionKind>;
export const MapSelection = z
  .object({
    kind: MapSelectionKind,
    id: Id,
    /** Display that made the selection (null: a page without a display, or the console). */
    by: z.string().max(64).nullable(),
    at: z.string(),
  })
  .nullable();
export type MapSelection = z.infer<typeof MapSelection>;

export const mapContract = {
  getLayer: call('map:getLayer', z.object({ layer: MapLayerId }), MapLayerSnapshot),
  getIndicators: call('map:getIndicators', z.void(), MapIndicators),
  /** Select something (or clear with null); every display's map highlights it. */
  select: call('map:select', z.object({ kind: MapSelectionKind, id: Id }).nullable(), MapSelection),
  getSelection: call('map:getSelection', z.void(), MapSelection),
  /** The optional online/PMTiles basemap from the app config (`map.basemap`; default none: no network). */
  getBasemap: call('map:getBasemap', z.void(), MapBasemapConfig),
  onDiff: event('map:diff', MapLayerDiff),
  onSelection: event('map:selection', MapSelection),
};
