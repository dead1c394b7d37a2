import type { KpiBoard, KpiBoardId, KpiTile } from '../../../../shared/contracts';
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

export { camerasByCommune, onScreen, stations, type CommuneCameras, type Station } from '../../../../shared/briefing/rows';
