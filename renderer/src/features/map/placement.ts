import type { MapLibreMap } from './maplibre';

/**
 * Label placement only when something it depends on changed (MapLibre 6.17, `fadeDuration: 0`).
 *
 * With no label fade, MapLibre places every label of the map again on every frame
 * (`forceFullPlacement`). A live update batch draws one frame whose labels did not change: the
 * placement was ~2 ms of its main-thread time (bench:map profile, software GL). A frame that brings
 * new label tiles also marks that fresh placement stale, so MapLibre draws one more frame that
 * changes nothing: a whole 1080p frame in SwiftShader (~100–250 ms of CPU) after the first render,
 * every consolidation and every tile load.
 *
 * This wraps `Style._updatePlacement` (once, on the prototype). Before MapLibre's own code runs, it
 * indexes the label tiles itself, as MapLibre does first (`crossTileSymbolIndex.addLayer`):
 * - nothing changed (no label tile added or removed, the same camera, collision settings and layer
 *   order, the last placement finished): the last placement still holds, so it is kept;
 * - otherwise MapLibre places all labels as before. Its own indexing then finds nothing new, so the
 *   placement it has just finished is not marked stale (no extra frame).
 * Any other fade duration goes to MapLibre untouched. Layout, filter and visibility changes reload
 * their tiles, which counts as a change.
 */
interface SymbolIndex {
  addLayer(layer: unknown, tiles: unknown[], lng: number): boolean;
}
interface TileLike {
  tileID: { overscaledZ: number; isLessThan(o: unknown): boolean };
}
interface StyleInternals {
  _order: string[];
  _layers: Record<string, { type: string; source: string }>;
  _layerOrderChanged: boolean;
  tileManagers: Record<string, { getRenderableIds(symbols: boolean): string[]; getTileByID(id: string): TileLike }>;
  crossTileSymbolIndex: SymbolIndex;
  pauseablePlacement?: { isDone(): boolean };
  _placementInputsChanged(transform: unknown, showCollisionBoxes: boolean, crossSourceCollisions: boolean): boolean;
  _updatePlacement(transform: Transform, showCollisionBoxes: boolean, fadeDuration: number, crossSourceCollisions: boolean, forceFullPlacement?: boolean): boolean;
}
interface Transform {
  center: { lng: number };
  worldCoordinateHelper: { wraps: boolean };
}

const PATCHED = Symbol.for('ioc.placementOnChange');
/** Frames whose label placement was kept (tests and benchmarks). */
export const placementStats = { kept: 0, placed: 0 };

/** Install on the map's style class (once per page); a MapLibre without these internals is left alone. */
export function placeLabelsOnlyOnChange(map: MapLibreMap): boolean {
  const style = (map as unknown as { style?: StyleInternals }).style;
  const proto = style && (Object.getPrototypeOf(style) as StyleInternals & { [PATCHED]?: true });
  if (!proto) return false;
  if (proto[PATCHED]) return true;
  const original = proto._updatePlacement;
  if (typeof original !== 'function' || typeof proto._placementInputsChanged !== 'function' || !style.crossTileSymbolIndex || !style.tileManagers) {
    console.warn('[map] label placement: MapLibre internals changed, placing labels on every frame');
    return false;
  }
  proto[PATCHED] = true;
  proto._updatePlacement = function (this: StyleInternals, transform, showCollisionBoxes, fadeDuration, crossSourceCollisions, forceFullPlacement = false) {
    if (fadeDuration !== 0) return original.call(this, transform, showCollisionBoxes, fadeDuration, crossSourceCollisions, forceFullPlacement);
    // MapLibre's first step, the same way: which label tiles each symbol layer draws now.
    let bucketsChanged = false;
    const layerTiles: Record<string, TileLike[]> = {};
    for (const id of this._order) {
      const layer = this._layers[id];
      if (layer.type !== 'symbol') continue;
      if (!layerTiles[layer.source]) {
        const tm = this.tileManagers[layer.source];
        layerTiles[layer.source] = tm
          .getRenderableIds(true)
          .map((t) => tm.getTileByID(t))
          .sort((a, b) => b.tileID.overscaledZ - a.tileID.overscaledZ || (a.tileID.isLessThan(b.tileID) ? -1 : 1));
      }
      bucketsChanged = this.crossTileSymbolIndex.addLayer(layer, layerTiles[layer.source], transform.worldCoordinateHelper.wraps ? transform.center.lng : 0) || bucketsChanged;
    }
    const unchanged =
      !bucketsChanged &&
      !forceFullPlacement &&
      !this._layerOrderChanged &&
      this.pauseablePlacement?.isDone() === true &&
      !this._placementInputsChanged(transform, showCollisionBoxes, crossSourceCollisions);
    if (unchanged) {
      placementStats.kept++;
      return false;
    }
    placementStats.placed++;
    return original.call(this, transform, showCollisionBoxes, fadeDuration, crossSourceCollisions, forceFullPlacement);
  };
  return true;
}
