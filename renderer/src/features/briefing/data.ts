import type { KpiBoard, KpiBoardId, KpiTile, MapLayerSnapshot } from '../../../../shared/contracts';
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
