import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { IocError } from '../../../shared/contracts/rpc';
import type {
  KpiBoard,
  KpiBoardId,
  KpiCodeList,
  KpiDrill,
  KpiDrillRow,
  KpiExport,
  KpiPeriodKind,
  KpiPoint,
  KpiScope,
  KpiTile,
  Score766,
  WhatIf,
  Worklist,
  WorklistItem,
  WorklistKind,
} from '../../../shared/contracts/kpi.contract';
import type { FeedbackQueryResult } from '../../../shared/contracts/feedback.contract';
import { ANTIGEN_NAMES, GROUPS_766, INDICATORS, stateOf, type Antigen, type Group766, type Indicator } from '../../../shared/kpi/catalogue';
import { EMPTY_766, score766, whatIf766, type Inputs766 } from '../../../shared/kpi/formulas';
import { kindOf, periodOf, periodRange, previousPeriod } from '../../../shared/kpi/periods';
import { DISTRICT_ID, NEW_UNITS, OLD_UNITS, predecessors, unitName } from '../../../shared/kpi/units';
import type { Logger } from '../../core/dispatcher';
import { boardIndicators, HAS_SCORE_766 } from './boards';
import { toCsv } from './csv';

const HOUR = 3_600_000;
/** How many periods a sparkline shows, per kind. */
export const TREND_LENGTH: Record<KpiPeriodKind, number> = { day: 14, week: 12, month: 12, year: 5 };
const DONE_ON_TIME = `('completed_early', 'completed_on_time')`;

export interface KpiServiceDeps {
  /** The local cache connection (null until it is open). */
  db: () => Database.Database | null;
  /** Server time of the last successful pull: "as of" for figures the desktop counts live. */
  cacheAsOf?: () => string | null;
  /** Overdue feedback (FeedbackService.query): the SLA clock lives there. */
  feedbackQuery?: (input: { filters: { overdue?: boolean; unitId?: string; agencyId?: string }; sort: { by: 'dueAt'; dir: 'asc' }; offset: number; limit: number }) => FeedbackQueryResult;
  /** Where exported CSV files go (the desktop app: the user's Downloads); null = return the text only. */
  exportDir?: () => string | null;
  now?: () => Date;
  log?: Logger;
  /** Board answers slower than this are logged (ms). */
  slowQueryMs?: number;
}

interface ValueRow {
  period: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  computed_at: string | null;
  as_of: string | null;
}

interface DossierRow {
  dossier_id: string;
  procedure: string | null;
  unit_id: string | null;
  agency_id: string | null;
  received_at: number | null;
  due_at: number | null;
}

/** The last `n` periods of a kind ending at `period`, oldest first. */
export function trailingPeriods(period: string, n: number): string[] {
  const out = [period];
  while (out.length < n) out.unshift(previousPeriod(out[0]));
  return out;
}

/** Stored unit ids whose records belong to `unitId`: a 2025 commune includes the units merged into it. */
function leavesOf(unitId: string): string[] | null {
  if (unitId === DISTRICT_ID) return null;
  const older = predecessors(unitId);
  return [unitId, ...older];
}

const inList = (ids: readonly string[]) => ids.map(() => '?').join(', ');

/**
 * KPI boards over the local cache. Indicator values come from the server's computation
 * (kpi_values, kept from indicator_value rows by migration-5 triggers); the desktop judges them
 * against the catalogue and adds what only it knows now: dossiers due within 24 h or late
 * (kpi_dossiers), overdue feedback (the SLA clock in FeedbackService), children overdue for a
 * vaccine (immunization_due rows).
 */
export class KpiService {
  private readonly now: () => Date;
  private readonly stmts = new WeakMap<Database.Database, Map<string, Database.Statement>>();

  constructor(private readonly deps: KpiServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  // ---- boards -------------------------------------------------------------------------------

  board(board: KpiBoardId, scope: KpiScope): KpiBoard {
    const started = performance.now();
    const db = this.requireDb();
    const now = this.now();
    const kind = scope.periodKind;
    const period = this.periodOrCurrent(kind, scope.period, now);
    const unitId = scope.unitId ?? DISTRICT_ID;
    const current = period === periodOf(kind, now);
    const tiles: KpiTile[] = [];
    for (const code of boardIndicators(board)) {
      const ind = INDICATORS.get(code);
      if (!ind) continue;
      const live = current ? this.liveValue(db, code, unitId, now) : null;
      tiles.push(live ? this.liveTile(db, ind, unitId, kind, period, live) : this.tile(db, ind, unitId, kind, period));
    }
    const score = HAS_SCORE_766.has(board) ? this.score766(db, unitId, kind, period, current, now) : null;
    const asOf = tiles.reduce<string | null>((m, t) => (t.source === 'server' && t.asOf && (!m || t.asOf > m) ? t.asOf : m), null);
    const ms = performance.now() - started;
    if (ms > (this.deps.slowQueryMs ?? 150)) this.deps.log?.('warn', 'slow KPI board', { board, ms: Math.round(ms), kind, period, unitId });
    return { board, periodKind: kind, period, unitId, tiles, score766: score, asOf, now: now.toISOString() };
  }

  /** A period of the given kind: the one asked for (validated) or the current one in Vietnam. */
  private periodOrCurrent(kind: KpiPeriodKind, period: string | undefined, now: Date): string {
    if (!period) return periodOf(kind, now);
    let k: string;
    try {
      k = kindOf(period);
    } catch {
      throw new IocError('invalid_input', `"${period}" is not a period (2026-11-26, 2026-W48, 2026-11 or 2026)`);
    }
    if (k !== kind) throw new IocError('invalid_input', `period ${period} is a ${k}, not a ${kind}`);
    return period;
  }

  private series(db: Database.Database, indicator: string, unitId: string, kind: KpiPeriodKind, period: string, n: number): ValueRow[] {
    return this.stmt(
      db,
      `SELECT period, value, numerator, denominator, computed_at, as_of FROM kpi_values INDEXED BY kv_lookup
         WHERE indicator = ? AND unit_id = ? AND kind = ? AND period <= ? ORDER BY period DESC LIMIT ?`,
    ).all(indicator, unitId, kind, period, n) as ValueRow[];
  }

  private tile(db: Database.Database, ind: Indicator, unitId: string, kind: KpiPeriodKind, period: string): KpiTile {
    const n = TREND_LENGTH[kind];
    const periods = trailingPeriods(period, n);
    const rows = this.series(db, ind.code, unitId, kind, period, n);
    const byPeriod = new Map(rows.map((r) => [r.period, r]));
    const latest = rows[0] ?? null;
    const prev = latest ? (byPeriod.get(previousPeriod(latest.period)) ?? this.series(db, ind.code, unitId, kind, previousPeriod(latest.period), 1).find((r) => r.period === previousPeriod(latest.period))) : undefined;
    return {
      indicator: ind.code,
      value: latest?.value ?? null,
      numerator: latest?.numerator ?? null,
      denominator: latest?.denominator ?? null,
      period: latest?.period ?? null,
      previous: prev?.value ?? null,
      target: ind.target,
      state: stateOf(ind, latest?.value),
      asOf: latest ? (latest.as_of ?? latest.computed_at) : null,
      trend: periods.map((p): KpiPoint => ({ period: p, value: byPeriod.get(p)?.value ?? null })),
      source: 'server',
    };
  }

  /** A snapshot indicator counted from the cache now, with the server's history as its trend. */
  private liveTile(db: Database.Database, ind: Indicator, unitId: string, kind: KpiPeriodKind, period: string, value: number): KpiTile {
    const base = this.tile(db, ind, unitId, kind, period);
    const trend = base.trend.map((p) => (p.period === period ? { period, value } : p));
    const previous = base.trend.length > 1 ? base.trend[base.trend.length - 2].value : null;
    return { ...base, value, numerator: null, denominator: null, period, previous, state: stateOf(ind, value), asOf: this.deps.cacheAsOf?.() ?? this.now().toISOString(), trend, source: 'live' };
  }

  /** Counts the desktop knows better than the last server computation (they change by the minute). */
  private liveValue(db: Database.Database, code: string, unitId: string, now: Date): number | null {
    const t = now.getTime();
    if (code === 'dvc.due_24h') return this.countDossiers(db, unitId, `due_at > ? AND due_at <= ?`, [t, t + 24 * HOUR]);
    if (code === 'dvc.overdue_open') return this.countDossiers(db, unitId, `due_at <= ?`, [t]);
    if (code === 'pakn.overdue' && this.deps.feedbackQuery) {
      // Feedback cases carry post-2025 communes; a pre-2025 unit has no live count.
      if (unitId !== DISTRICT_ID && !NEW_UNITS.some((u) => u.id === unitId)) return null;
      const r = this.deps.feedbackQuery({ filters: unitId === DISTRICT_ID ? {} : { unitId }, sort: { by: 'dueAt', dir: 'asc' }, offset: 0, limit: 0 });
      return r.counts.overdue;
    }
    return null;
  }

  private countDossiers(db: Database.Database, unitId: string, cond: string, params: unknown[]): number | null {
    const leaves = leavesOf(unitId);
    // No dossier events cached at all: no live figure (the server's value, if any, stands).
    if (!(this.stmt(db, `SELECT 1 FROM kpi_dossiers LIMIT 1`).get() as unknown)) return null;
    const unitSql = leaves ? ` AND unit_id IN (${inList(leaves)})` : '';
    return this.stmt(db, `SELECT count(*) FROM kpi_dossiers INDEXED BY kd_open_due WHERE done_at IS NULL AND ${cond}${unitSql}`)
      .pluck()
      .get(...params, ...(leaves ?? [])) as number;
  }

  // ---- Decision 766 -------------------------------------------------------------------------

  /** The stored numerators/denominators of one unit and period, back into the 766 inputs. */
  private inputs766(db: Database.Database, unitId: string, kind: KpiPeriodKind, period: string): { inputs: Inputs766; asOf: string | null; any: boolean } {
    const get = (code: string) => this.series(db, code, unitId, kind, period, 1).find((r) => r.period === period) ?? null;
    const nd = (code: string) => {
      const r = get(code);
      return { num: r?.numerator ?? 0, den: r?.denominator ?? 0, row: r };
    };
    const synced = nd('dvc.synced_pct');
    const onTime = nd('dvc.ontime_pct');
    const used = nd('dvc.time_used_pct');
    const digitized = nd('dvc.digitized_pct');
    const online = nd('dvc.online_pct');
    const paid = nd('dvc.payment_pct');
    const sat = nd('dvc.satisfaction_pct');
    const completed = digitized.den;
    const rows = [synced, onTime, used, digitized, online, paid, sat].map((x) => x.row).filter((r): r is ValueRow => !!r);
    const asOf = rows.reduce<string | null>((m, r) => {
      const a = r.as_of ?? r.computed_at;
      return a && (!m || a > m) ? a : m;
    }, null);
    return {
      inputs: {
        ...EMPTY_766,
        received: synced.den,
        synced: synced.num,
        completed,
        earlyOrOnTime: onTime.num,
        overdueOpen: Math.max(0, onTime.den - completed),
        daysUsed: used.num,
        daysAllowed: used.den,
        digitized: digitized.num,
        online: online.num,
        withFee: paid.den,
        paidOnline: paid.num,
        ratings: sat.den,
        satisfied: sat.num,
      },
      asOf,
      any: rows.length > 0,
    };
  }

  private score766(db: Database.Database, unitId: string, kind: KpiPeriodKind, period: string, current: boolean, now: Date): Score766 {
    const { inputs, asOf, any } = this.inputs766(db, unitId, kind, period);
    const groups = Object.keys(GROUPS_766) as Group766[];
    if (!any) {
      return { period, total: null, partial: 0, partialMax: 0, max: 100, groups: groups.map((g) => ({ group: g, points: null, max: GROUPS_766[g] })), whatIf: [], asOf: null };
    }
    const s = score766(inputs);
    const whatIf: WhatIf[] = [];
    if (current) {
      const t = now.getTime();
      const due = this.openDossiers(db, unitId, `due_at > ? AND due_at <= ?`, [t, t + 24 * HOUR], 'ASC', 10_000);
      const late = this.openDossiers(db, unitId, `due_at <= ?`, [t], 'ASC', 10_000);
      const usage = (rows: DossierRow[]) => {
        const withDates = rows.filter((r) => r.received_at != null && r.due_at != null);
        if (!withDates.length) return { daysEach: 0, allowedEach: 0 };
        const days = withDates.reduce((a, r) => a + (t - r.received_at!) / (24 * HOUR), 0) / withDates.length;
        const allowed = withDates.reduce((a, r) => a + (r.due_at! - r.received_at!) / (24 * HOUR), 0) / withDates.length;
        return { daysEach: days, allowedEach: allowed };
      };
      if (due.length) {
        const w = whatIf766(inputs, { closeDueSoonOnTime: due.length, ...usage(due) });
        whatIf.push({ scenario: 'close_due_soon', count: due.length, dossierIds: due.slice(0, 50).map((d) => d.dossier_id), scoreBefore: w.before.total ?? w.before.partial, scoreAfter: w.after.total ?? w.after.partial, gain: w.delta });
      }
      // The computation's own count of late open dossiers bounds what can leave the ratio.
      if (late.length) {
        const w = whatIf766(inputs, { closeOverdue: late.length, ...usage(late) });
        whatIf.push({ scenario: 'close_overdue', count: late.length, dossierIds: late.slice(0, 50).map((d) => d.dossier_id), scoreBefore: w.before.total ?? w.before.partial, scoreAfter: w.after.total ?? w.after.partial, gain: w.delta });
      }
    }
    return {
      period,
      total: s.total,
      partial: s.partial,
      partialMax: s.partialMax,
      max: 100,
      groups: groups.map((g) => ({ group: g, points: s.groups[g], max: GROUPS_766[g] })),
      whatIf,
      asOf,
    };
  }

  private openDossiers(db: Database.Database, unitId: string, cond: string, params: unknown[], dir: 'ASC' | 'DESC', limit: number, agencyId?: string): DossierRow[] {
    const leaves = leavesOf(unitId);
    const unitSql = leaves ? ` AND unit_id IN (${inList(leaves)})` : '';
    const agencySql = agencyId ? ` AND agency_id = ?` : '';
    return this.stmt(
      db,
      `SELECT dossier_id, procedure, unit_id, agency_id, received_at, due_at FROM kpi_dossiers INDEXED BY kd_open_due
         WHERE done_at IS NULL AND ${cond}${unitSql}${agencySql} ORDER BY due_at ${dir}, dossier_id LIMIT ?`,
    ).all(...params, ...(leaves ?? []), ...(agencyId ? [agencyId] : []), limit) as DossierRow[];
  }

  // ---- drill-down ---------------------------------------------------------------------------

  drill(input: { indicator: string; by: 'unit' | 'agency'; codeList: KpiCodeList; periodKind: KpiPeriodKind; period?: string }): KpiDrill {
    const db = this.requireDb();
    const ind = INDICATORS.get(input.indicator);
    if (!ind) throw new IocError('invalid_input', `Unknown indicator ${input.indicator}`);
    const now = this.now();
    const kind = input.periodKind;
    let period = this.periodOrCurrent(kind, input.period, now);
    if (input.by === 'agency') return this.drillAgency(db, ind, input.codeList, kind, period, now);

    const units = input.codeList === 'vn-2025' ? NEW_UNITS.map((u) => u.id) : OLD_UNITS.map((u) => u.id);
    let note: KpiDrill['note'] = null;
    const anyIn = (p: string) => (this.stmt(db, `SELECT count(*) FROM kpi_values INDEXED BY kv_period WHERE indicator = ? AND kind = ? AND period = ? AND unit_id IN (${inList(units)})`).pluck().get(ind.code, kind, p, ...units) as number) > 0;
    if (!anyIn(period)) {
      // Pre-2025 units stop at the merger, the 2025 communes start there: show the nearest period with data.
      const latest = this.stmt(db, `SELECT max(period) FROM kpi_values INDEXED BY kv_period WHERE indicator = ? AND kind = ? AND period <= ? AND unit_id IN (${inList(units)})`)
        .pluck()
        .get(ind.code, kind, period, ...units) as string | null;
      if (latest) {
        period = latest;
        note = input.codeList === 'vn-2019' ? 'pre_merger_only' : null;
      } else note = 'no_data';
    }
    const periods = trailingPeriods(period, TREND_LENGTH[kind]);
    const all = this.stmt(
      db,
      `SELECT unit_id, period, value, numerator, denominator, computed_at, as_of FROM kpi_values INDEXED BY kv_period
         WHERE indicator = ? AND kind = ? AND period >= ? AND period <= ? AND unit_id IN (${inList([...units, DISTRICT_ID])})`,
    ).all(ind.code, kind, periods[0], period, ...units, DISTRICT_ID) as Array<ValueRow & { unit_id: string }>;
    const row = (id: string, name: string): KpiDrillRow => {
      const mine = all.filter((r) => r.unit_id === id);
      const at = mine.find((r) => r.period === period) ?? null;
      return {
        id,
        name,
        value: at?.value ?? null,
        numerator: at?.numerator ?? null,
        denominator: at?.denominator ?? null,
        period: at ? period : null,
        state: stateOf(ind, at?.value),
        trend: periods.map((p) => ({ period: p, value: mine.find((r) => r.period === p)?.value ?? null })),
      };
    };
    const asOf = all.reduce<string | null>((m, r) => {
      const a = r.as_of ?? r.computed_at;
      return a && (!m || a > m) ? a : m;
    }, null);
    return {
      indicator: ind.code,
      by: 'unit',
      codeList: input.codeList,
      periodKind: kind,
      period,
      rows: units.map((u) => row(u, unitName(u))),
      district: row(DISTRICT_ID, unitName(DISTRICT_ID)),
      asOf,
      note,
    };
  }

  /**
   * Per agency, counted on the desktop from what the cache holds: dossiers (kpi_dossiers) for the
   * public-service indicators, feedback cases for the PAKN ones. Other indicators are not kept per
   * agency (the server computes them per unit).
   */
  private drillAgency(db: Database.Database, ind: Indicator, codeList: KpiCodeList, kind: KpiPeriodKind, period: string, now: Date): KpiDrill {
    const agencies = this.agencies(db);
    const { start, end } = periodRange(period);
    const t = now.getTime();
    const cut = Math.min(end, t);
    const rows: KpiDrillRow[] = [];
    const empty = { numerator: null, denominator: null, period, trend: [] as KpiPoint[] };
    if (ind.component === 'services766') {
      const per = this.stmt(
        db,
        `SELECT agency_id AS id,
           sum(received_at >= @start AND received_at < @end) AS received,
           sum(received_at >= @start AND received_at < @end AND online) AS online,
           sum(done_at >= @start AND done_at < @end AND done_kind <> 'returned') AS completed,
           sum(done_at >= @start AND done_at < @end AND done_kind IN ${DONE_ON_TIME}) AS on_time,
           sum(due_at < @cut AND (done_at IS NULL OR done_at >= @cut)) AS overdue_open,
           sum(done_at IS NULL AND due_at > @now AND due_at <= @now + ${24 * HOUR}) AS due_24h,
           sum(CASE WHEN done_at >= @start AND done_at < @end AND done_kind <> 'returned' THEN (done_at - received_at) / 86400000.0 END) AS days
         FROM kpi_dossiers WHERE agency_id IS NOT NULL GROUP BY agency_id`,
      ).all({ start, end, cut, now: t }) as Array<{ id: string; received: number; online: number; completed: number; on_time: number; overdue_open: number; due_24h: number; days: number | null }>;
      for (const a of per) {
        const value = (() => {
          switch (ind.code) {
            case 'dvc.received':
              return { value: a.received, numerator: null, denominator: null };
            case 'dvc.ontime_pct': {
              const den = a.completed + a.overdue_open;
              return { value: den ? (100 * a.on_time) / den : null, numerator: a.on_time, denominator: den };
            }
            case 'dvc.online_pct':
              return { value: a.received ? (100 * a.online) / a.received : null, numerator: a.online, denominator: a.received };
            case 'dvc.avg_days':
              return { value: a.completed && a.days != null ? a.days / a.completed : null, numerator: a.days, denominator: a.completed };
            case 'dvc.overdue_open':
              return { value: a.overdue_open, numerator: null, denominator: null };
            case 'dvc.due_24h':
              return { value: a.due_24h, numerator: null, denominator: null };
            default:
              return null;
          }
        })();
        if (!value) continue;
        rows.push({ ...empty, id: a.id, name: agencies.get(a.id) ?? a.id, ...value, state: stateOf(ind, value.value) });
      }
    } else if (ind.component === 'feedback' && (ind.code === 'pakn.received' || ind.code === 'pakn.overdue')) {
      if (ind.code === 'pakn.received') {
        const per = this.stmt(db, `SELECT agency_id AS id, count(*) AS n FROM feedback_queue WHERE agency_id IS NOT NULL AND received >= ? AND received < ? GROUP BY agency_id`).all(start, end) as Array<{ id: string; n: number }>;
        for (const a of per) rows.push({ ...empty, id: a.id, name: agencies.get(a.id) ?? a.id, value: a.n, numerator: null, denominator: null, state: stateOf(ind, a.n) });
      } else if (this.deps.feedbackQuery) {
        const ids = this.stmt(db, `SELECT DISTINCT agency_id FROM feedback_queue WHERE agency_id IS NOT NULL`).pluck().all() as string[];
        for (const id of ids) {
          const n = this.deps.feedbackQuery({ filters: { agencyId: id, overdue: true }, sort: { by: 'dueAt', dir: 'asc' }, offset: 0, limit: 0 }).counts.overdue;
          rows.push({ ...empty, id, name: agencies.get(id) ?? id, value: n, numerator: null, denominator: null, state: stateOf(ind, n) });
        }
      }
    }
    // Worst first (the agency to call); plain counts without thresholds: largest first.
    const sign = ind.thresholds && ind.direction === 'up' ? 1 : -1;
    rows.sort((a, b) => (a.value == null ? 1 : b.value == null ? -1 : sign * (a.value - b.value)) || a.name.localeCompare(b.name, 'vi'));
    return { indicator: ind.code, by: 'agency', codeList, periodKind: kind, period, rows, district: null, asOf: this.deps.cacheAsOf?.() ?? null, note: rows.length ? null : 'no_data' };
  }

  private agencies(db: Database.Database): Map<string, string> {
    const rows = this.stmt(db, `SELECT id, json_extract(data, '$.name') AS name FROM cache_rows WHERE entity = 'agency'`).all() as Array<{ id: string; name: string | null }>;
    return new Map(rows.map((r) => [r.id, r.name ?? r.id]));
  }

  // ---- worklists ----------------------------------------------------------------------------

  worklist(input: { kind: WorklistKind; unitId?: string; agencyId?: string; limit: number }): Worklist {
    const db = this.requireDb();
    const now = this.now();
    const t = now.getTime();
    const unitId = input.unitId ?? DISTRICT_ID;
    const agencies = this.agencies(db);
    const name = (u: string | null) => (u ? unitName(u) : null);
    let total = 0;
    let items: WorklistItem[] = [];
    if (input.kind === 'dossiers_due' || input.kind === 'dossiers_late') {
      const [cond, params] = input.kind === 'dossiers_due' ? [`due_at > ? AND due_at <= ?`, [t, t + 24 * HOUR]] : [`due_at <= ?`, [t]];
      const all = this.openDossiers(db, unitId, cond, params, 'ASC', 100_000, input.agencyId);
      total = all.length;
      items = all.slice(0, input.limit).map((d) => ({
        id: d.dossier_id,
        title: d.dossier_id,
        detail: d.procedure,
        unitId: d.unit_id,
        unitName: name(d.unit_id),
        agencyId: d.agency_id,
        agencyName: d.agency_id ? (agencies.get(d.agency_id) ?? d.agency_id) : null,
        dueAt: d.due_at == null ? null : new Date(d.due_at).toISOString(),
        overdue: d.due_at != null && d.due_at <= t,
      }));
    } else if (input.kind === 'feedback_overdue') {
      if (!this.deps.feedbackQuery) throw new IocError('unavailable', 'The feedback queue is not available');
      const filters = { overdue: true, ...(unitId !== DISTRICT_ID ? { unitId } : {}), ...(input.agencyId ? { agencyId: input.agencyId } : {}) };
      const r = this.deps.feedbackQuery({ filters, sort: { by: 'dueAt', dir: 'asc' }, offset: 0, limit: Math.min(200, input.limit) });
      total = r.total;
      items = r.rows.map((row) => ({
        id: row.case.id,
        title: row.case.title,
        detail: row.case.category,
        unitId: row.case.unitId,
        unitName: name(row.case.unitId),
        agencyId: row.case.agencyId,
        agencyName: row.case.agencyId ? (agencies.get(row.case.agencyId) ?? row.case.agencyId) : null,
        dueAt: row.sla.dueAt,
        overdue: row.sla.overdue,
        lateWorkingMinutes: row.sla.overdue ? -row.sla.remainingWorkingMinutes : null,
      }));
    } else if (input.kind === 'cyber_negative') {
      const leaves = leavesOf(unitId);
      const unitSql = leaves ? ` AND json_extract(data, '$.unitId') IN (${inList(leaves)})` : '';
      const rows = this.stmt(
        db,
        `SELECT id, json_extract(data, '$.title') AS title, json_extract(data, '$.source') AS source, json_extract(data, '$.unitId') AS unit, json_extract(data, '$.publishedAt') AS at
         FROM cache_rows WHERE entity = 'cyber_mention' AND json_extract(data, '$.sentiment') = 'negative'${unitSql}`,
      ).all(...(leaves ?? [])) as Array<{ id: string; title: string | null; source: string | null; unit: string | null; at: string | null }>;
      const newest = rows.map((r) => ({ ...r, ms: r.at ? Date.parse(r.at) : NaN })).sort((a, b) => (b.ms || 0) - (a.ms || 0) || a.id.localeCompare(b.id));
      total = newest.length;
      items = newest.slice(0, input.limit).map((r) => ({
        id: r.id,
        title: r.title ?? r.id,
        detail: r.source,
        unitId: r.unit,
        unitName: name(r.unit),
        agencyId: null,
        agencyName: null,
        dueAt: Number.isFinite(r.ms) ? new Date(r.ms).toISOString() : null,
        overdue: false,
      }));
    } else {
      const leaves = leavesOf(unitId);
      const unitSql = leaves ? ` AND json_extract(data, '$.unitId') IN (${inList(leaves)})` : '';
      const rows = this.stmt(
        db,
        `SELECT id, json_extract(data, '$.childCode') AS child, json_extract(data, '$.antigen') AS antigen, json_extract(data, '$.unitId') AS unit,
           json_extract(data, '$.dueAt') AS due, json_extract(data, '$.birthDate') AS birth
         FROM cache_rows WHERE entity = 'immunization_due'${unitSql}`,
      ).all(...(leaves ?? [])) as Array<{ id: string; child: string | null; antigen: string | null; unit: string | null; due: string | null; birth: string | null }>;
      const withMs = rows.map((r) => ({ ...r, dueMs: r.due ? Date.parse(r.due) : NaN })).sort((a, b) => (a.dueMs || 0) - (b.dueMs || 0) || a.id.localeCompare(b.id));
      total = withMs.length;
      items = withMs.slice(0, input.limit).map((r) => ({
        id: r.id,
        title: r.child ?? r.id,
        // Antigen code: the view names it in the reader's language (ANTIGEN_NAMES).
        detail: r.antigen && r.antigen in ANTIGEN_NAMES ? (r.antigen as Antigen) : r.antigen,
        unitId: r.unit,
        unitName: name(r.unit),
        agencyId: null,
        agencyName: null,
        dueAt: Number.isFinite(r.dueMs) ? new Date(r.dueMs).toISOString() : null,
        overdue: Number.isFinite(r.dueMs) && r.dueMs <= t,
      }));
    }
    return { kind: input.kind, total, items, now: now.toISOString() };
  }

  // ---- export -------------------------------------------------------------------------------

  exportCsv(input: { board: KpiBoardId; scope: KpiScope; lang: 'vi' | 'en'; save: boolean }): KpiExport {
    const b = this.board(input.board, input.scope);
    const vi = input.lang === 'vi';
    const header = vi
      ? ['Mã chỉ số', 'Chỉ số', 'Đơn vị tính', 'Địa bàn', 'Kỳ', 'Giá trị', 'Tử số', 'Mẫu số', 'Mục tiêu', 'Đánh giá', 'Số liệu lúc', 'Nguồn']
      : ['Code', 'Indicator', 'Unit', 'Area', 'Period', 'Value', 'Numerator', 'Denominator', 'Target', 'State', 'As of', 'Source'];
    const stateWord: Record<KpiTile['state'], string> = vi ? { green: 'Đạt', amber: 'Cần chú ý', red: 'Không đạt', none: '' } : { green: 'On target', amber: 'Watch', red: 'Off target', none: '' };
    const area = unitName(b.unitId);
    const lines: Array<Array<string | number | null>> = [header];
    for (const tile of b.tiles) {
      const ind = INDICATORS.get(tile.indicator)!;
      const label = vi ? ind.vi : ind.en;
      for (const p of tile.trend) {
        const isLatest = p.period === tile.period;
        lines.push([
          ind.code,
          label,
          ind.unit,
          area,
          p.period,
          p.value,
          isLatest ? tile.numerator : null,
          isLatest ? tile.denominator : null,
          ind.target,
          stateWord[stateOf(ind, p.value)],
          isLatest ? tile.asOf : null,
          tile.source === 'live' && isLatest ? (vi ? 'Đếm trực tiếp từ bộ nhớ đệm' : 'Counted live from the cache') : ind.source,
        ]);
      }
    }
    if (b.score766) {
      for (const g of b.score766.groups) lines.push([`766.${g.group}`, vi ? `Nhóm 766: ${g.group}` : `766 group: ${g.group}`, 'points', area, b.score766.period, g.points, null, null, g.max, '', b.score766.asOf, 'Decision 766/QĐ-TTg']);
    }
    const csv = toCsv(lines);
    const filename = `kpi-${input.board}-${b.period}-${b.unitId.replace(/[^A-Za-z0-9-]+/g, '_')}.csv`;
    let savedTo: string | null = null;
    const dir = input.save ? (this.deps.exportDir?.() ?? null) : null;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      savedTo = join(dir, filename);
      writeFileSync(savedTo, csv, 'utf8');
    }
    return { filename, csv, rows: lines.length - 1, savedTo };
  }

  // ---- internals ----------------------------------------------------------------------------

  private requireDb(): Database.Database {
    const db = this.deps.db();
    if (!db) throw new IocError('unavailable', 'The local cache is not open yet');
    return db;
  }

  /** Statements prepared once per connection (a board runs ~40 of them). */
  private stmt(db: Database.Database, sql: string): Database.Statement {
    let cache = this.stmts.get(db);
    if (!cache) this.stmts.set(db, (cache = new Map()));
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  }
}
