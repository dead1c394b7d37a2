import type { AlertItem, KpiBoard, KpiBoardId, KpiTile, MapLayerSnapshot } from '../../../../shared/contracts';
import type { Camera } from '../../../../shared/domain/entities';
import { unitName } from '../../../../shared/kpi/units';
import { api } from '../../api';
import { useKpi, type Loaded } from '../kpi/useKpi';

/** What a board's figures are read from: a change to any reloads the slide. */
const BOARD_ENTITIES = ['indicator_value', 'dossier_event', 'feedback_case', 'camera', 'alert'] as const;

/** A KPI board of the current month for the whole district (the briefing's scope). */
export function useBoard(board: KpiBoardId): Loaded<KpiBoard> {
  return useKpi<KpiBoard>(`briefing|${board}`, () => api.kpi.board({ board, scope: { periodKind: 'month' } }), BOARD_ENTITIES);
}

/** The tiles of `codes` a board has, in that order. */
export function pick(board: KpiBoard | null, codes: readonly string[]): KpiTile[] {
  if (!board) return [];
  return codes.map((c) => board.tiles.find((t) => t.indicator === c)).filter((t): t is KpiTile => !!t);
}

/** The newest of several "as of" instants (ISO strings compare in time order). */
export function newest(...isos: Array<string | null | undefined>): string | null {
  return isos.filter((x): x is string => !!x).sort().at(-1) ?? null;
}

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
export function camerasByCommune(cameras: readonly Camera[], alerts: ReadonlyArray<AlertItem['row']>): CommuneCameras[] {
  const rows = new Map<string | null, CommuneCameras>();
  const row = (unitId: string | null) => rows.get(unitId) ?? rows.set(unitId, { unitId, cameras: 0, offline: 0, onlinePct: null }).get(unitId)!;
  for (const c of cameras) if (c.enabled) row(c.unitId).cameras++;
  for (const a of alerts) if (a.kind === 'camera_offline' && !a.acknowledgedAt) row(a.unitId).offline++;
  for (const r of rows.values()) r.onlinePct = r.cameras ? (Math.max(0, r.cameras - r.offline) / r.cameras) * 100 : null;
  return [...rows.values()].sort((a, b) => (a.onlinePct ?? -1) - (b.onlinePct ?? -1) || b.offline - a.offline || (a.unitId ? unitName(a.unitId) : '\uffff').localeCompare(b.unitId ? unitName(b.unitId) : '\uffff', 'vi'));
}
