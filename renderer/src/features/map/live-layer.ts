import type { MapFeature, MapLayerDiff, MapLayerSnapshot } from '../../../../shared/contracts/map.contract';
import type { GeoJSONFeatureDiff, GeoJSONSource } from './maplibre';

/**
 * A contract feature as GeoJSON: the id is both the feature id and the promoted `id` property.
 * With `keys`, only those properties go to MapLibre (what the style reads): the rest stays in
 * memory here (popups, search and the case detail read `LiveLayer.features`), so a 50k snapshot
 * crosses to the worker lean.
 */
export function toGeoJson(f: MapFeature, keys?: readonly string[]): GeoJSON.Feature<GeoJSON.Point> {
  const props: Record<string, unknown> = { id: f.id };
  if (keys) for (const k of keys) props[k] = f.props[k];
  else Object.assign(props, f.props);
  props.id = f.id;
  return { type: 'Feature', id: f.id, geometry: { type: 'Point', coordinates: [f.lon, f.lat] }, properties: props };
}

export type ApplyResult = 'applied' | 'stale' | 'gap';

type MapOf = NonNullable<GeoJSONSource['map']>;
type StyleWithState = { setFeatureState(target: { source: string; id: string }, state: Record<string, unknown>): void };

/**
 * Feature state for a live batch, without `Map.setFeatureState`'s `_update()`: that marks every
 * source dirty, so the next frame recomputes the tiles of all twelve sources although feature state
 * changes no tile. MapLibre applies feature state when it prepares each source's tiles for a frame;
 * the batch asks for that one frame itself (`map.triggerRepaint()`, once). Measured A/B in one page,
 * batches of 100 SLA changes alternating: MapLibre's JS per frame 2.9 → 2.2 ms p50, the batch's
 * main-thread CPU 6.7 → 6.1 ms p50 (software GL). Falls back to the public call if the style is not
 * reachable.
 */
function setState(map: MapOf, target: { source: string; id: string }, state: Record<string, unknown>): void {
  const style = (map as unknown as { style?: Partial<StyleWithState> }).style;
  if (typeof style?.setFeatureState === 'function') style.setFeatureState(target, state);
  else map.setFeatureState(target, state);
}

/** What a LiveLayer in overlay mode hands to the overlay drawer (see `LiveLayerOptions.overlay`). */
export type OverlayDraw = (features: MapFeature[]) => void;

export interface LiveLayerOptions {
  /**
   * Properties that are pure drawing state (SLA colour, stream state, water band): a change of only
   * these goes to `map.setFeatureState` (paint reads `['coalesce', ['feature-state', k], ['get', k]]`),
   * with no worker round trip and no tile reload. Every other change (add, remove, move, other
   * properties) goes to the source by `updateData`, coalesced.
   */
  stateKeys?: readonly string[];
  /**
   * The properties the style reads (besides the state keys). When given, only these (and the state
   * keys) are sent to MapLibre, and a change of any other property does not touch the map at all.
   */
  dataKeys?: readonly string[];
  /** At most one `updateData` per this many ms (0: at once). */
  flushMs?: number;
  /**
   * For a big clustered source: adds, moves and drawn-property changes are drawn at once by an
   * overlay (`draw`, e.g. a custom WebGL layer: one buffer upload, one frame, no worker, no tile
   * reload), and the clustered copy of a moved or removed point is hidden by feature state
   * `hidden`. The clustered source gets ONE `updateData` per consolidation (every `consolidateMs`,
   * or at once when the overlay would hold more than `maxFeatures`). Cluster counts and the heatmap
   * lag by up to `consolidateMs`.
   */
  overlay?: { draw: OverlayDraw; consolidateMs: number; maxFeatures: number };
}

/**
 * One live point source kept by id. The snapshot is the only full `setData`. After it, a change of
 * state keys only is a feature-state change; adds, removes, moves and other property changes are
 * collected and handed to `GeoJSONSource.updateData` at most once per `flushMs` (a clustered
 * source re-clusters and reloads its tiles on every updateData, so one per batch, not per change)
 * — or, in overlay mode, drawn by the overlay at once and consolidated into the source later.
 */
export class LiveLayer {
  readonly features = new Map<string, MapFeature>();
  rev = -1;
  /** What the source's data holds (props may lag behind on state keys: feature state covers them). */
  private readonly drawn = new Map<string, MapFeature>();
  /** Ids whose data must be sent at the next flush (or consolidation). */
  private readonly dirty = new Set<string>();
  /** Ids whose state keys changed since the data was sent: their props ride along with the next flush. */
  private readonly stateDirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Overlay mode: what the overlay draws, and the ids hidden in the clustered source. */
  readonly recent = new Map<string, MapFeature>();
  private readonly hidden = new Set<string>();
  private consolidateTimer: ReturnType<typeof setTimeout> | null = null;
  private consolidating: Promise<void> | null = null;
  /** Some feature state of this source was set since the last load. */
  private stateSet = false;
  private readonly overlay: LiveLayerOptions['overlay'];
  private readonly stateKeys: ReadonlySet<string>;
  /** Keys sent to MapLibre (null: all). */
  private readonly sentKeys: readonly string[] | null;
  private readonly flushMs: number;
  /** Counters (tests and benchmarks): what reached MapLibre. */
  readonly stats = { setData: 0, updateData: 0, featureState: 0, overlayDraws: 0, consolidations: 0 };

  constructor(
    private readonly source: () => GeoJSONSource | undefined,
    opts: LiveLayerOptions = {},
  ) {
    this.stateKeys = new Set(opts.stateKeys ?? []);
    this.sentKeys = opts.dataKeys ? [...new Set([...opts.dataKeys, ...this.stateKeys])] : null;
    this.flushMs = opts.flushMs ?? 0;
    this.overlay = opts.overlay;
  }

  get count(): number {
    return this.features.size;
  }

  /** Whether a coalesced updateData or a consolidation is waiting. */
  get pending(): boolean {
    return this.timer !== null || this.consolidating !== null;
  }

  /**
   * Whether a point is drawn by the clustered source (its data, or feature state on top): no overlay copy, no
   * change waiting for a flush or consolidation (a point added or changed since the last one is not).
   */
  isSettled(id: string): boolean {
    return this.features.has(id) && this.drawn.has(id) && !this.hidden.has(id) && !this.dirty.has(id) && !this.recent.has(id);
  }

  /** Whether a point's clustered copy is hidden (removed or redrawn by the overlay; clicks skip it). */
  isHidden(id: string): boolean {
    return this.hidden.has(id);
  }

  load(snapshot: Pick<MapLayerSnapshot, 'rev' | 'features'>): void {
    this.cancel();
    this.features.clear();
    this.drawn.clear();
    this.dirty.clear();
    this.stateDirty.clear();
    this.hidden.clear();
    if (this.overlay && this.recent.size) {
      this.recent.clear();
      this.drawOverlay(); // (an empty overlay stays as it is: no frame)
    }
    for (const f of snapshot.features) {
      this.features.set(f.id, f);
      this.drawn.set(f.id, f);
    }
    this.rev = snapshot.rev;
    const src = this.source();
    if (!src) return;
    // Clearing feature state costs a frame (MapLibre redraws at once): only when some was set. On the
    // first load that frame would be drawn while the worker clusters the snapshot (bench:map).
    if (this.stateSet) src.map?.removeFeatureState({ source: src.id });
    this.stateSet = false;
    this.stats.setData++;
    const keys = this.sentKeys ?? undefined;
    void src.setData({ type: 'FeatureCollection', features: snapshot.features.map((f) => toGeoJson(f, keys)) });
  }

  /** Apply a diff on top of the current revision: 'gap' means a diff was missed (reload the snapshot). */
  apply(diff: Pick<MapLayerDiff, 'fromRev' | 'rev' | 'add' | 'update' | 'remove'>): ApplyResult {
    if (diff.rev <= this.rev) return 'stale';
    if (diff.fromRev !== this.rev) return 'gap';
    const src = this.source();
    const map = src?.map;
    const ov = this.overlay;
    let overlayDirty = false;
    let repaint = false; // feature state set: the batch asks for its frame itself (see setState)
    const hide = (id: string) => {
      if (!map || !this.drawn.has(id) || this.hidden.has(id)) return;
      setState(map, { source: src!.id, id }, { hidden: true });
      this.stateSet = repaint = true;
      this.hidden.add(id);
    };
    for (const id of diff.remove) {
      if (!this.features.delete(id)) continue;
      this.dirty.add(id);
      if (ov) {
        hide(id);
        if (this.recent.delete(id)) overlayDirty = true;
      } else map?.removeFeatureState({ source: src!.id, id });
    }
    const upsert = (f: MapFeature) => {
      const prev = this.features.get(f.id);
      this.features.set(f.id, f);
      const moved = !prev || prev.lon !== f.lon || prev.lat !== f.lat;
      const changed = moved ? [] : this.drawnKeysChanged(prev.props, f.props);
      if (!moved && !changed.length) {
        // Nothing the map draws changed; the overlay's copy must still be this version (consolidate matches by identity).
        if (this.recent.has(f.id)) this.recent.set(f.id, f);
        return;
      }
      if (ov && (moved || this.recent.has(f.id) || this.dirty.has(f.id) || !changed.every((k) => this.stateKeys.has(k) && k in f.props))) {
        // Drawn by the overlay until the next consolidation (the clustered copy, if any, hidden).
        this.dirty.add(f.id);
        hide(f.id);
        this.recent.set(f.id, f);
        overlayDirty = true;
        return;
      }
      const shown = this.drawn.get(f.id);
      if (moved || !shown || this.dirty.has(f.id)) return void this.dirty.add(f.id);
      if (map && changed.every((k) => this.stateKeys.has(k) && k in f.props)) {
        const state: Record<string, unknown> = {};
        for (const k of changed) state[k] = f.props[k];
        setState(map, { source: src!.id, id: f.id }, state);
        this.stateSet = repaint = true;
        this.stats.featureState++;
        this.stateDirty.add(f.id);
      } else this.dirty.add(f.id);
    };
    for (const f of diff.add) upsert(f);
    for (const f of diff.update) upsert(f);
    this.rev = diff.rev;
    if (map && repaint) map.triggerRepaint();
    if (ov) {
      if (overlayDirty && this.recent.size > ov.maxFeatures) void this.consolidate();
      else {
        if (overlayDirty) this.drawOverlay();
        if (this.dirty.size && !this.consolidateTimer && !this.consolidating) this.consolidateTimer = setTimeout(() => void this.consolidate(), ov.consolidateMs);
      }
    } else if (this.dirty.size) this.schedule();
    return 'applied';
  }

  /** Send what is collected now (the timer does this by itself; in overlay mode: consolidate). */
  flush(): void {
    this.cancel();
    if (this.overlay) void this.consolidate();
    else void this.sendClustered();
  }

  /**
   * Overlay mode: move what the overlay draws (and what was removed) into the clustered source with
   * ONE updateData; once the clustered source has it and its tiles are loaded, drop those points
   * from the overlay and clear their `hidden` state. Resolves when done (benchmarks time it).
   */
  consolidate(): Promise<void> {
    if (this.consolidateTimer) clearTimeout(this.consolidateTimer);
    this.consolidateTimer = null;
    if (this.consolidating) return this.consolidating;
    const src = this.source();
    if (!src || !this.dirty.size) return Promise.resolve();
    const sent = new Map([...this.dirty].map((id) => [id, this.features.get(id)]));
    this.stats.consolidations++;
    const run = async () => {
      await this.sendClustered();
      const map = src.map;
      if (map && !(map.isSourceLoaded(src.id) && map.areTilesLoaded()))
        await new Promise<void>((r) => {
          const check = () => (!map.getSource(src.id) || (map.isSourceLoaded(src.id) && map.areTilesLoaded()) ? r() : map.once('idle', check));
          map.once('idle', check);
          map.triggerRepaint();
        });
      for (const [id, f] of sent) {
        if (this.dirty.has(id)) continue; // changed again meanwhile: still the overlay's
        if (this.hidden.delete(id) && this.features.has(id)) map?.removeFeatureState({ source: src.id, id }, 'hidden');
        if (this.recent.get(id) === f) this.recent.delete(id);
      }
      this.drawOverlay();
    };
    this.consolidating = run().finally(() => {
      this.consolidating = null;
      if (this.overlay && this.dirty.size && !this.consolidateTimer) this.consolidateTimer = setTimeout(() => void this.consolidate(), this.overlay.consolidateMs);
    });
    return this.consolidating;
  }

  /** Stop a waiting flush or consolidation timer (the layer is being dropped or reloaded). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.consolidateTimer) clearTimeout(this.consolidateTimer);
    this.consolidateTimer = null;
  }

  /** Changed keys among what the map draws (all keys when no `dataKeys` were given). */
  private drawnKeysChanged(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
    const keys = this.sentKeys ?? [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.filter((k) => a[k] !== b[k]);
  }

  private drawOverlay(): void {
    if (!this.overlay) return;
    this.stats.overlayDraws++;
    this.overlay.draw([...this.recent.values()]);
  }

  private sendClustered(): Promise<void> {
    const src = this.source();
    if (!src || !this.dirty.size) return Promise.resolve();
    const keys = this.sentKeys ?? undefined;
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
        add.push(toGeoJson(f, keys));
        continue;
      }
      // Feature state of a state key follows the data sent (an older setFeatureState must not win the coalesce).
      const fresh: Record<string, unknown> = {};
      for (const k of this.stateKeys) if (k in f.props) fresh[k] = f.props[k];
      if (Object.keys(fresh).length && src.map) {
        src.map.setFeatureState({ source: src.id, id }, fresh);
        this.stateSet = true;
      }
      // Only what changed. (Not `removeAllProperties`: MapLibre 6.17 then ignores the added ones.)
      const names = keys ?? Object.keys({ ...prev.props, ...f.props });
      const removeProperties = names.filter((k) => k in prev.props && !(k in f.props));
      // A state key gone from the data must not linger in feature state (it would win the coalesce).
      for (const k of removeProperties) if (this.stateKeys.has(k)) src.map?.removeFeatureState({ source: src.id, id }, k);
      const addOrUpdateProperties = names.filter((k) => k in f.props && prev.props[k] !== f.props[k]).map((key) => ({ key, value: f.props[key] }));
      const moved = prev.lon !== f.lon || prev.lat !== f.lat;
      if (moved || removeProperties.length || addOrUpdateProperties.length)
        update.push({ id, ...(moved ? { newGeometry: { type: 'Point', coordinates: [f.lon, f.lat] } } : {}), removeProperties, addOrUpdateProperties });
    }
    this.dirty.clear();
    this.stateDirty.clear();
    if (!add.length && !update.length && !remove.length) return Promise.resolve();
    this.stats.updateData++;
    return src.updateData({ add, update, remove }).then(() => undefined);
  }

  private schedule(): void {
    if (this.flushMs <= 0) return this.flush();
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.flushMs);
  }
}
