import type { MapFeature, MapLayerDiff, MapLayerSnapshot } from '../../../../shared/contracts/map.contract';
import type { GeoJSONFeatureDiff, GeoJSONSource } from './maplibre';

/** A contract feature as GeoJSON: the id is both the feature id and the promoted `id` property. */
export function toGeoJson(f: MapFeature): GeoJSON.Feature<GeoJSON.Point> {
  return { type: 'Feature', id: f.id, geometry: { type: 'Point', coordinates: [f.lon, f.lat] }, properties: { ...f.props, id: f.id } };
}

export type ApplyResult = 'applied' | 'stale' | 'gap';

export interface LiveLayerOptions {
  /**
   * Properties that are pure drawing state (SLA colour, stream state, water band): a change of only
   * these goes to `map.setFeatureState` (paint reads `['coalesce', ['feature-state', k], ['get', k]]`),
   * with no worker round trip and no tile reload. Every other change (add, remove, move, other
   * properties) goes to the source by `updateData`, coalesced.
   */
  stateKeys?: readonly string[];
  /** At most one `updateData` per this many ms (0: at once). */
  flushMs?: number;
}

/**
 * One live point source kept by id. The snapshot is the only full `setData`. After it, a change of
 * state keys only is a feature-state change; adds, removes, moves and other property changes are
 * collected and handed to `GeoJSONSource.updateData` at most once per `flushMs` (a clustered
 * source re-clusters and reloads its tiles on every updateData, so one per batch, not per change).
 */
export class LiveLayer {
  readonly features = new Map<string, MapFeature>();
  rev = -1;
  /** What the source's data holds (props may lag behind on state keys: feature state covers them). */
  private readonly drawn = new Map<string, MapFeature>();
  /** Ids whose data must be sent at the next flush. */
  private readonly dirty = new Set<string>();
  /** Ids whose state keys changed since the data was sent: their props ride along with the next flush. */
  private readonly stateDirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly stateKeys: ReadonlySet<string>;
  private readonly flushMs: number;
  /** Counters (tests and benchmarks): what reached MapLibre. */
  readonly stats = { setData: 0, updateData: 0, featureState: 0 };

  constructor(
    private readonly source: () => GeoJSONSource | undefined,
    opts: LiveLayerOptions = {},
  ) {
    this.stateKeys = new Set(opts.stateKeys ?? []);
    this.flushMs = opts.flushMs ?? 0;
  }

  get count(): number {
    return this.features.size;
  }

  /** Whether a coalesced updateData is waiting. */
  get pending(): boolean {
    return this.timer !== null;
  }

  load(snapshot: Pick<MapLayerSnapshot, 'rev' | 'features'>): void {
    this.cancel();
    this.features.clear();
    this.drawn.clear();
    for (const f of snapshot.features) {
      this.features.set(f.id, f);
      this.drawn.set(f.id, f);
    }
    this.rev = snapshot.rev;
    const src = this.source();
    if (!src) return;
    src.map?.removeFeatureState({ source: src.id });
    this.stats.setData++;
    void src.setData({ type: 'FeatureCollection', features: snapshot.features.map(toGeoJson) });
  }

  /** Apply a diff on top of the current revision: 'gap' means a diff was missed (reload the snapshot). */
  apply(diff: Pick<MapLayerDiff, 'fromRev' | 'rev' | 'add' | 'update' | 'remove'>): ApplyResult {
    if (diff.rev <= this.rev) return 'stale';
    if (diff.fromRev !== this.rev) return 'gap';
    const src = this.source();
    const map = src?.map;
    for (const id of diff.remove) {
      if (!this.features.delete(id)) continue;
      this.dirty.add(id);
      map?.removeFeatureState({ source: src!.id, id });
    }
    const upsert = (f: MapFeature) => {
      const prev = this.features.get(f.id);
      this.features.set(f.id, f);
      const shown = this.drawn.get(f.id);
      if (!prev || !shown || this.dirty.has(f.id) || prev.lon !== f.lon || prev.lat !== f.lat) return void this.dirty.add(f.id);
      const keys = new Set([...Object.keys(prev.props), ...Object.keys(f.props)]);
      const changed = [...keys].filter((k) => prev.props[k] !== f.props[k]);
      if (!changed.length) return;
      if (map && changed.every((k) => this.stateKeys.has(k) && k in f.props)) {
        const state: Record<string, unknown> = {};
        for (const k of changed) state[k] = f.props[k];
        map.setFeatureState({ source: src!.id, id: f.id }, state);
        this.stats.featureState++;
        this.stateDirty.add(f.id);
      } else this.dirty.add(f.id);
    };
    for (const f of diff.add) upsert(f);
    for (const f of diff.update) upsert(f);
    this.rev = diff.rev;
    if (this.dirty.size) this.schedule();
    return 'applied';
  }

  /** Send what is collected now (the timer does this by itself). */
  flush(): void {
    this.cancel();
    const src = this.source();
    if (!src || !this.dirty.size) return;
    const add: GeoJSON.Feature[] = [];
    const update: GeoJSONFeatureDiff[] = [];
    const remove: string[] = [];
    for (const id of new Set([...this.dirty, ...this.stateDirty])) {
      const f = this.features.get(id);
      const prev = this.drawn.get(id);
      if (!f) {
        if (prev) remove.push(id);
        this.drawn.delete(id);
        continue;
      }
      this.drawn.set(id, f);
      if (!prev) {
        add.push(toGeoJson(f));
        continue;
      }
      // Only what changed. (Not `removeAllProperties`: MapLibre 6.17 then ignores the added ones.)
      const removeProperties = Object.keys(prev.props).filter((k) => !(k in f.props));
      // A state key gone from the data must not linger in feature state (it would win the coalesce).
      for (const k of removeProperties) if (this.stateKeys.has(k)) src.map?.removeFeatureState({ source: src.id, id }, k);
      const addOrUpdateProperties = Object.entries(f.props)
        .filter(([k, v]) => prev.props[k] !== v)
        .map(([key, value]) => ({ key, value }));
      const moved = prev.lon !== f.lon || prev.lat !== f.lat;
      if (moved || removeProperties.length || addOrUpdateProperties.length)
        update.push({ id, ...(moved ? { newGeometry: { type: 'Point', coordinates: [f.lon, f.lat] } } : {}), removeProperties, addOrUpdateProperties });
    }
    this.dirty.clear();
    this.stateDirty.clear();
    if (!add.length && !update.length && !remove.length) return;
    this.stats.updateData++;
    void src.updateData({ add, update, remove });
  }

  /** Stop a waiting flush (the layer is being dropped or reloaded). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.flushMs <= 0) return this.flush();
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.flushMs);
  }
}
