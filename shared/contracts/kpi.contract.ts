import { z } from 'zod';
import { call } from './rpc';

/**
 * KPI boards over the local cache: one board per IOC component plus an overview. The central
 * server computes `indicator_value` rows per period and unit (shared/kpi); the desktop reads them,
 * judges each against the catalogue's thresholds, and adds what only the cache knows now (due-soon
 * worklists, camera stream health). Changes arrive as `data:changed`; views reload.
 */

export const KPI_BOARDS = ['overview', 'cameras', 'services', 'cyberspace', 'feedback', 'health', 'education'] as const;
export const KpiBoardId = z.enum(KPI_BOARDS);
export type KpiBoardId = z.infer<typeof KpiBoardId>;

export const KpiPeriodKind = z.enum(['day', 'week', 'month', 'year']);
export type KpiPeriodKind = z.infer<typeof KpiPeriodKind>;

/** Which code list drill-downs use: the 13 pre-2025 units or the 5 communes since 1 July 2025. */
export const KpiCodeList = z.enum(['vn-2019', 'vn-2025']);
export type KpiCodeList = z.infer<typeof KpiCodeList>;

export const KpiState = z.enum(['green', 'amber', 'red', 'none']);
export type KpiState = z.infer<typeof KpiState>;

const Id = z.string().min(1).max(200);
const Code = z.string().min(1).max(80);

export const KpiPoint = z.object({ period: z.string(), value: z.number().nullable() });
export type KpiPoint = z.infer<typeof KpiPoint>;

/** One indicator for one unit: its latest value, judged, with the trend that led there. */
export const KpiTile = z.object({
  indicator: Code,
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  /** Period of `value` (the newest period with a row, at or before the board's period). */
  period: z.string().nullable(),
  /** The same indicator one period earlier (null when missing). */
  previous: z.number().nullable(),
  target: z.number().nullable(),
  state: KpiState,
  /** When the server computed the value (the tile's "as of"); for live tiles, when the desktop read it. */
  asOf: z.string().nullable(),
  /** Oldest first, one point per period of the board's kind, gaps as null. */
  trend: z.array(KpiPoint),
  /** 'live': computed on the desktop from the cache now (e.g. cameras offline, dossiers due in 24 h). */
  source: z.enum(['server', 'live']),
});
export type KpiTile = z.infer<typeof KpiTile>;

export const KpiScope = z.object({
  periodKind: KpiPeriodKind.default('month'),
  /** A unit id of either code list, or omitted for the whole district. */
  unitId: Id.optional(),
  /** The last period shown (default: the current one in Asia/Ho_Chi_Minh). */
  period: z.string().max(12).optional(),
});
export type KpiScope = z.infer<typeof KpiScope>;

export const KpiBoardInput = z.object({ board: KpiBoardId, scope: KpiScope.default({ periodKind: 'month' }) });
export type KpiBoardInput = z.input<typeof KpiBoardInput>;

export const Score766Group = z.object({
  /** transparency | progress | digitization | online | satisfaction (shared/kpi GROUPS_766). */
  group: Code,
  /** Points earned, or null when the group has no data in the period. */
  points: z.number().nullable(),
  max: z.number(),
});

export const WhatIf = z.object({
  /** close_due_soon: finish the open dossiers due within 24 h on time; close_overdue: finish the late ones now. */
  scenario: z.enum(['close_due_soon', 'close_overdue']),
  count: z.number().int().nonnegative(),
  /** The first dossiers of the scenario, soonest due first (the worklist shows them all). */
  dossierIds: z.array(z.string()),
  scoreBefore: z.number().nullable(),
  scoreAfter: z.number().nullable(),
  gain: z.number(),
});
export type WhatIf = z.infer<typeof WhatIf>;

export const Score766 = z.object({
  period: z.string().nullable(),
  /** Sum of the five groups; null when a group has no data (then `partial` of `partialMax` is shown). */
  total: z.number().nullable(),
  partial: z.number(),
  partialMax: z.number(),
  max: z.number(),
  groups: z.array(Score766Group),
  /** Only for the current period (dossiers can still be closed). */
  whatIf: z.array(WhatIf),
  asOf: z.string().nullable(),
});
export type Score766 = z.infer<typeof Score766>;

export const KpiBoard = z.object({
  board: KpiBoardId,
  periodKind: KpiPeriodKind,
  period: z.string(),
  unitId: z.string(),
  tiles: z.array(KpiTile),
  /** Present on the public-services and overview boards. */
  score766: Score766.nullable(),
  /** The newest `asOf` of any tile (server computation time), or null with no data. */
  asOf: z.string().nullable(),
  /** When the desktop answered (live tiles are "as of" this). */
  now: z.string(),
});
export type KpiBoard = z.infer<typeof KpiBoard>;

export const KpiDrillInput = z.object({
  indicator: Code,
  by: z.enum(['unit', 'agency']).default('unit'),
  codeList: KpiCodeList.default('vn-2025'),
  periodKind: KpiPeriodKind.default('month'),
  period: z.string().max(12).optional(),
});
export type KpiDrillInput = z.input<typeof KpiDrillInput>;

export const KpiDrillRow = z.object({
  id: z.string(),
  name: z.string(),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  period: z.string().nullable(),
  state: KpiState,
  trend: z.array(KpiPoint),
});
export type KpiDrillRow = z.infer<typeof KpiDrillRow>;

export const KpiDrill = z.object({
  indicator: Code,
  by: z.enum(['unit', 'agency']),
  codeList: KpiCodeList,
  periodKind: KpiPeriodKind,
  period: z.string(),
  rows: z.array(KpiDrillRow),
  /** The district figure for the same period, for comparison. */
  district: KpiDrillRow.nullable(),
  asOf: z.string().nullable(),
  /** Why a list is empty or partial, e.g. pre-2025 units have no data after the merger. */
  note: z.enum(['no_data', 'pre_merger_only', 'post_merger_only']).nullable(),
});
export type KpiDrill = z.infer<typeof KpiDrill>;

/** Due-soon / overdue lists, plus the newest negative mentions online (cyberspace: `dueAt` is when it was published). */
export const WORKLISTS = ['dossiers_due', 'dossiers_late', 'feedback_overdue', 'immunization_overdue', 'cyber_negative'] as const;
export const WorklistKind = z.enum(WORKLISTS);
export type WorklistKind = z.infer<typeof WorklistKind>;

export const WorklistItem = z.object({
  id: z.string(),
  title: z.string(),
  /** Procedure, category, antigen… */
  detail: z.string().nullable(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  agencyId: z.string().nullable(),
  agencyName: z.string().nullable(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  /** Overdue feedback: working minutes past due, as the desk's SLA counts them (its calendar). */
  lateWorkingMinutes: z.number().nullable().optional(),
});
export type WorklistItem = z.infer<typeof WorklistItem>;

export const Worklist = z.object({
  kind: WorklistKind,
  total: z.number().int().nonnegative(),
  items: z.array(WorklistItem),
  now: z.string(),
});
export type Worklist = z.infer<typeof Worklist>;

export const WorklistInput = z.object({
  kind: WorklistKind,
  unitId: Id.optional(),
  agencyId: Id.optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type WorklistInput = z.input<typeof WorklistInput>;

export const KpiExportInput = z.object({
  board: KpiBoardId,
  scope: KpiScope.default({ periodKind: 'month' }),
  lang: z.enum(['vi', 'en']).default('vi'),
  /** Write the file beside the user's downloads (desktop app); otherwise only return the text. */
  save: z.boolean().default(false),
});
export type KpiExportInput = z.input<typeof KpiExportInput>;

export const KpiExport = z.object({
  filename: z.string(),
  csv: z.string(),
  rows: z.number().int().nonnegative(),
  /** Where the file was written, when `save` was asked and possible. */
  savedTo: z.string().nullable(),
});
export type KpiExport = z.infer<typeof KpiExport>;

export const kpiContract = {
  board: call('kpi:board', KpiBoardInput, KpiBoard),
  drill: call('kpi:drill', KpiDrillInput, KpiDrill),
  worklist: call('kpi:worklist', WorklistInput, Worklist),
  /** The board as CSV (one row per tile and trend period), UTF-8 with BOM so Excel reads Vietnamese. */
  exportCsv: call('kpi:exportCsv', KpiExportInput, KpiExport),
};
