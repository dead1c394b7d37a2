import type { KpiBoardId } from '../../../shared/contracts/kpi.contract';
import { CATALOGUE, type Component } from '../../../shared/kpi/catalogue';

/** The catalogue component each board shows (the overview picks headlines across all of them). */
export const BOARD_COMPONENT: Record<Exclude<KpiBoardId, 'overview'>, Component> = {
  cameras: 'cameras',
  services: 'services766',
  cyberspace: 'cyberspace',
  feedback: 'feedback',
  health: 'health',
  education: 'education',
};

/** What a district chairman looks at first, one or two per component. */
const OVERVIEW = [
  'dvc.score766',
  'dvc.ontime_pct',
  'dvc.due_24h',
  'pakn.ontime_pct',
  'pakn.overdue',
  'cam.online_pct',
  'cyber.negative_pct',
  'hl.ehr_coverage_pct',
  'hl.fully_immunized_pct',
  'ed.dropout_pct',
  'ed.schools_standard_pct',
  'cyber.mentions',
];

/** The 766 group points are drawn by the score card, not as tiles. */
const isGroupPoints = (code: string) => code.startsWith('dvc.g766.');

/** Indicator codes of a board, in display order. */
export function boardIndicators(board: KpiBoardId): string[] {
  if (board === 'overview') return OVERVIEW.filter((c) => CATALOGUE.some((i) => i.code === c));
  const component = BOARD_COMPONENT[board];
  const codes = CATALOGUE.filter((i) => i.component === component && !isGroupPoints(i.code)).map((i) => i.code);
  // The 766 board leads with the score and the numbers an officer can still act on today.
  if (board === 'services') {
    const first = ['dvc.score766', 'dvc.ontime_pct', 'dvc.due_24h', 'dvc.overdue_open'];
    return [...first.filter((c) => codes.includes(c)), ...codes.filter((c) => !first.includes(c))];
  }
  return codes;
}

/** Boards with the 766 score card. */
export const HAS_SCORE_766: ReadonlySet<KpiBoardId> = new Set(['overview', 'services']);
