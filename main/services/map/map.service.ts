import type Database from 'better-sqlite3';
import { mapContract, type MapFeature, type MapIndicators, type MapLayerDiff, type MapLayerId, type MapLayerSnapshot, type MapSelection, type MapSelectionKind } from '../../../shared/contracts/map.contract';
import type { Entity } from '../../../shared/domain/entities';
import type { SlaPolicy } from '../../../shared/feedback/sla';
import type { StreamHealth } from '../../../shared/video/streams';
import type { Logger } from '../../core/dispatcher';
import type { EventBus } from '../../core/events';
import { SlaIndex } from '../feedback/sla-index';
import { latestValues } from '../kpi/latest';
import { cameraFeature, caseFeature, facilityFeature, unitFeature, waterFeature } from './layers';
import { RowMirror } from './row-mirror';

export interface MapServiceDeps {
  /** The local cache connection (null until it is open). */
  db: () => Database.Database | null;
  bus: EventBus;
  /** Every stream's health (empty when video is not available). */
  health: () => StreamHealth[];
  log?: Logger;
  now?: () => Date;
  policy?: SlaPolicy;
  /** Coalesce bursts of cache changes (a pull page) into one diff per layer. */
  debounceMs?: number;
  /** SLA colours age with the clock: recompute the cases layer this often. */
  slaTickMs?: number;
}

interface LayerState {
  rev: number;
  /** id → feature and its comparison key. */
  features: Map<string, { f: MapFeature; key: string }>;
  built: boolean;
}

/** Which layers an entity feeds. */
const FEEDS: Record<string, MapLayerId[]> = {
  camera: ['cameras'],
  feedback_case: ['cases'],
  water_station: ['water'],
  water_reading: ['water'],
  facility: ['facilities'],
  admin_unit: ['units'],
};

const keyOf = (f: MapFeature) => JSON.stringify([f.lon, f.lat, f.props]);

/**
 * The map's point layers over the local cache: each layer is built from incrementally refreshed
 * row mirrors, compared with what was last sent, and published as a `map:diff` (only the features
 * that were added, changed or removed). Holds the wall-wide selection.
 */
export class MapService {
  private readonly layers = new Map<MapLayerId, LayerState>();
  private readonly mirrors = new Map<string, RowMirror>();
  /** Latest reading per station, folded from the water_reading mirror's changes. */
  private readonly latestReading = new Map<string, { at: string; levelM: number }>();
  private readonly sla: SlaIndex;
  private readonly now: () => Date;
  private selection: MapSelection = null;
  private dirty = new Set<MapLayerId>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly slaTimer: ReturnType<typeof setInterval>;
  private disposed = false;

  constructor(private readonly deps: MapServiceDeps) {
    this.sla = new SlaIndex(deps.policy);
    this.now = deps.now ?? (() => new Date());
    this.slaTimer = setInterval(() => this.invalidate(['cases']), deps.slaTickMs ?? 60_000);
    this.slaTimer.unref?.();
  }

  // ---- contract -------------------------------------------------------------------------------

  getLayer(layer: MapLayerId): MapLayerSnapshot {
    // A snapshot is always current: pending changes are folded in (and published) first.
    this.refresh(layer);
    const s = this.state(layer);
    return { layer, rev: s.rev, features: [...s.features.values()].map((v) => v.f) };
  }

  getIndicators(): MapIndicators {
    const db = this.deps.db();
    if (!db) return { indicators: [] };
    // Per indicator and unit: the newest MONTH with a value, else the newest year (latestValues never
    // mixes period kinds; units merged in 2025 keep their last month before the merger). Only units
    // the map draws: communes and towns of either code list, not the district.
    const drawn = db.prepare(`SELECT id FROM cache_rows WHERE entity = 'admin_unit' AND json_extract(data, '$.level') IN ('commune', 'town') ORDER BY id`).pluck().all() as string[];
    const latest = new Map<string, Map<string, { period: string; value: number | null }>>();
    for (const kind of ['year', 'month'] as const) {
      for (const r of latestValues(db, kind, drawn)) {
        const byUnit = latest.get(r.indicator) ?? new Map<string, { period: string; value: number | null }>();
        latest.set(r.indicator, byUnit);
        byUnit.set(r.unitId, { period: r.period, value: r.value }); // months override years
      }
    }
    return {
      indicators: [...latest.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, byUnit]) => ({ id, values: [...byUnit.entries()].map(([unitId, v]) => ({ unitId, ...v })) })),
    };
  }

  select(input: { kind: MapSelectionKind; id: string } | null, by: string | null): MapSelection {
    this.selection = input ? { kind: input.kind, id: input.id, by, at: this.now().toISOString() } : null;
    this.deps.bus.publish(mapContract.onSelection, this.selection);
    return this.selection;
  }

  getSelection(): MapSelection {
    return this.selection;
  }

  // ---- inputs ---------------------------------------------------------------------------------

  /** The cache changed (`data:changed`). */
  onDataChanged(entities: readonly (Entity | string)[]): void {
    this.invalidate(entities.flatMap((e) => FEEDS[e] ?? []));
  }

  /** Stream health changed: camera colours may have. */
  onHealth(): void {
    this.invalidate(['cameras']);
  }

  /** Rebuild these layers soon (coalesced), publishing one diff each if anything changed. */
  invalidate(layers: readonly MapLayerId[]): void {
    if (this.disposed || !layers.length) return;
    for (const l of layers) if (this.state(l).built) this.dirty.add(l); // nobody asked yet: nothing to diff against
    if (this.timer || !this.dirty.size) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const todo = [...this.dirty];
      this.dirty.clear();
      for (const l of todo) {
        try {
          this.refresh(l);
        } catch (err) {
          this.deps.log?.('error', 'map layer refresh failed', { layer: l, error: (err as Error).message });
        }
      }
    }, this.deps.debounceMs ?? 100);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.slaTimer);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // ---- internals ------------------------------------------------------------------------------

  private state(layer: MapLayerId): LayerState {
    let s = this.layers.get(layer);
    if (!s) this.layers.set(layer, (s = { rev: 0, features: new Map(), built: false }));
    return s;
  }

  private mirror(entity: string): RowMirror {
    let m = this.mirrors.get(entity);
    if (!m) this.mirrors.set(entity, (m = new RowMirror(entity)));
    return m;
  }

  /** Compute the layer now; publish the difference with what was last sent (if any). */
  refresh(layer: MapLayerId): MapLayerDiff | null {
    this.dirty.delete(layer);
    const s = this.state(layer);
    const next = this.build(layer);
    if (!s.built) {
      s.built = true;
      for (const f of next) s.features.set(f.id, { f, key: keyOf(f) });
      return null;
    }
    const add: MapFeature[] = [];
    const update: MapFeature[] = [];
    const remove: string[] = [];
    const seen = new Set<string>();
    for (const f of next) {
      seen.add(f.id);
      const key = keyOf(f);
      const prev = s.features.get(f.id);
      if (!prev) add.push(f);
      else if (prev.key !== key) update.push(f);
      else continue;
      s.features.set(f.id, { f, key });
    }
    for (const id of s.features.keys())
      if (!seen.has(id)) {
        remove.push(id);
        s.features.delete(id);
      }
    if (!add.length && !update.length && !remove.length) return null;
    const diff: MapLayerDiff = { layer, fromRev: s.rev, rev: s.rev + 1, add, update, remove };
    s.rev += 1;
    this.deps.bus.publish(mapContract.onDiff, diff);
    return diff;
  }

  private build(layer: MapLayerId): MapFeature[] {
    const db = this.deps.db();
    if (!db) return [];
    const out: MapFeature[] = [];
    const push = (f: MapFeature | null) => f && out.push(f);
    switch (layer) {
      case 'cameras': {
        const m = this.mirror('camera');
        m.refresh(db);
        const byCamera = new Map<string, StreamHealth[]>();
        for (const h of this.deps.health()) byCamera.set(h.cameraId, [...(byCamera.get(h.cameraId) ?? []), h]);
        for (const [id, r] of m.values()) push(cameraFeature(id, r.data, byCamera.get(id) ?? []));
        break;
      }
      case 'cases': {
        const m = this.mirror('feedback_case');
        m.refresh(db);
        const th = this.sla.thresholds(this.now().getTime());
        for (const [id, r] of m.values()) push(caseFeature(id, r.data, th));
        break;
      }
      case 'water': {
        const stations = this.mirror('water_station');
        stations.refresh(db);
        const readings = this.mirror('water_reading');
        const { changed, removed } = readings.refresh(db);
        if (removed.size) {
          // A reading went away (rare): fold all of them again.
          this.latestReading.clear();
          for (const [id] of readings.values()) changed.add(id);
        }
        for (const id of changed) {
          const r = readings.get(id);
          if (!r || typeof r.stationId !== 'string' || typeof r.at !== 'string' || typeof r.levelM !== 'number') continue;
          const prev = this.latestReading.get(r.stationId);
          if (!prev || Date.parse(r.at) >= Date.parse(prev.at)) this.latestReading.set(r.stationId, { at: r.at, levelM: r.levelM });
        }
        for (const [id, r] of stations.values()) push(waterFeature(id, r.data, this.latestReading.get(id)));
        break;
      }
      case 'facilities': {
        const m = this.mirror('facility');
        m.refresh(db);
        for (const [id, r] of m.values()) push(facilityFeature(id, r.data));
        break;
      }
      case 'units': {
        const m = this.mirror('admin_unit');
        m.refresh(db);
        for (const [id, r] of m.values()) push(unitFeature(id, r.data));
        break;
      }
    }
    return out;
  }
}
