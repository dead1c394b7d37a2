import type { MapFeature, MapLayerDiff, MapLayerSnapshot } from '../../../../shared/contracts/map.contract';
import type { GeoJSONFeatureDiff, GeoJSONSource } from './maplibre';

/** A contract feature as GeoJSON: the id is both the feature id and the promoted `id` property. */
export function toGeoJson(f: MapFeature): GeoJSON.Feature<GeoJSON.Point> {
  return { type: 'Feature', id: f.id, geometry: { type: 'Point', coordinates: [f.lon, f.lat] }, properties: { ...f.props, id: f.id } };
}

export type ApplyResult = 'applied' | 'stale' | 'gap';

/**
 * One live point source kept by id. The snapshot is the only full `setData`; every later change is
 * a diff handed to `GeoJSONSource.updateData` (remove / add / update by id), so the worker re-indexes
 * only what changed and a wall map never reloads a layer for one case.
 */
export class LiveLayer {
  readonly features = new Map<string, MapFeature>();
  rev = -1;

  constructor(private readonly source: () => GeoJSONSource | undefined) {}

  get count(): number {
    return this.features.size;
  }

  load(snapshot: Pick<MapLayerSnapshot, 'rev' | 'features'>): void {
    this.features.clear();
    for (const f of snapshot.features) this.features.set(f.id, f);
    this.rev = snapshot.rev;
    void this.source()?.setData({ type: 'FeatureCollection', features: snapshot.features.map(toGeoJson) });
  }

  /** Apply a diff on top of the current revision: 'gap' means a diff was missed (reload the snapshot). */
  apply(diff: Pick<MapLayerDiff, 'fromRev' | 'rev' | 'add' | 'update' | 'remove'>): ApplyResult {
    if (diff.rev <= this.rev) return 'stale';
    if (diff.fromRev !== this.rev) return 'gap';
    const add: GeoJSON.Feature[] = [];
    const update: GeoJSONFeatureDiff[] = [];
    const remove: string[] = [];
    for (const id of diff.remove) if (this.features.delete(id)) remove.push(id);
    const upsert = (f: MapFeature) => {
      const prev = this.features.get(f.id);
      if (prev) {
        // Only what changed. (Not `removeAllProperties`: MapLibre 6.17 then ignores the added ones.)
        const removeProperties = Object.keys(prev.props).filter((k) => !(k in f.props));
        const addOrUpdateProperties = Object.entries(f.props)
          .filter(([k, v]) => prev.props[k] !== v)
          .map(([key, value]) => ({ key, value }));
        const moved = prev.lon !== f.lon || prev.lat !== f.lat;
        if (moved || removeProperties.length || addOrUpdateProperties.length)
          update.push({ id: f.id, ...(moved ? { newGeometry: { type: 'Point', coordinates: [f.lon, f.lat] } } : {}), removeProperties, addOrUpdateProperties });
      } else add.push(toGeoJson(f)); // a replayed/unknown update is an add, an add of a known id an update
      this.features.set(f.id, f);
    };
    for (const f of diff.add) upsert(f);
    for (const f of diff.update) upsert(f);
    this.rev = diff.rev;
    void this.source()?.updateData({ add, update, remove });
    return 'applied';
  }
}
