import type { MapLayerSnapshot } from '../contracts/map.contract';
import type { Alert, Camera } from '../domain/entities';
import { unitName } from '../kpi/units';

/* Rows of the briefing's live slides (river levels, cameras by commune), from what the cache holds. */

/** A gauging station as the water slide shows it (the map's `water` layer feature, typed). */
export interface Station {
  id: string;
  name: string;
  river: string;
  levelM: number | null;
  readingAt: string | null;
  bd1: number | null;
  bd2: number | null;
  bd3: number | null;
  /** -1: no reading or no alarm levels; 0 below BĐ1 … 3 at or above BĐ3. */
  band: number;
}

const numOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strOr = (v: unknown, d: string) => (typeof v === 'string' ? v : d);

/** The water layer's stations, worst band first, then by name (Vietnamese collation). */
export function stations(layer: MapLayerSnapshot | null): Station[] {
  if (!layer) return [];
  return layer.features
    .map((f) => ({
      id: f.id,
      name: strOr(f.props.name, f.id),
      river: strOr(f.props.river, ''),
      levelM: numOrNull(f.props.levelM),
      readingAt: typeof f.props.readingAt === 'string' ? f.props.readingAt : null,
      bd1: numOrNull(f.props.bd1),
      bd2: numOrNull(f.props.bd2),
      bd3: numOrNull(f.props.bd3),
      band: numOrNull(f.props.band) ?? -1,
    }))
    .sort((a, b) => b.band - a.band || a.name.localeCompare(b.name, 'vi'));
}

/** One commune's cameras: how many (enabled, as the boards count them), how many are offline now. */
export interface CommuneCameras {
  unitId: string | null;
  cameras: number;
  offline: number;
  /** Online share in %, null for a commune without an enabled camera. */
  onlinePct: number | null;
}

/**
 * Enabled cameras and open `camera_offline` alerts per commune, the worst first (lowest online
 * share, then most offline, then by name). An alert of a commune without a camera still shows.
 */
export function camerasByCommune(cameras: readonly Camera[], alerts: readonly Alert[]): CommuneCameras[] {
  const rows = new Map<string | null, CommuneCameras>();
  const row = (unitId: string | null) => rows.get(unitId) ?? rows.set(unitId, { unitId, cameras: 0, offline: 0, onlinePct: null }).get(unitId)!;
  for (const c of cameras) if (c.enabled) row(c.unitId).cameras++;
  for (const a of alerts) if (a.kind === 'camera_offline' && !a.acknowledgedAt) row(a.unitId).offline++;
  for (const r of rows.values()) r.onlinePct = r.cameras ? (Math.max(0, r.cameras - r.offline) / r.cameras) * 100 : null;
  return [...rows.values()].sort((a, b) => (a.onlinePct ?? -1) - (b.onlinePct ?? -1) || b.offline - a.offline || (a.unitId ? unitName(a.unitId) : '\uffff').localeCompare(b.unitId ? unitName(b.unitId) : '\uffff', 'vi'));
}

/**
 * What one screen holds of a list: all of it when it fits in `max` rows, else the first `max - 1`
 * and a "N more" line in the last row's place (the list is sorted worst first: the calmest wait).
 */
export function onScreen<T>(rows: readonly T[], max: number): { shown: T[]; hidden: number } {
  if (rows.length <= max) return { shown: [...rows], hidden: 0 };
  const n = Math.max(0, max - 1);
  return { shown: rows.slice(0, n), hidden: rows.length - n };
}
