/**
 * KPI computation on the central server: per period (day, ISO week, month, year in
 * Asia/Ho_Chi_Minh) and reporting unit (district, 13 pre-2025 units, 5 communes), from the ingested
 * data, written as `indicator_value` rows through the one write path (so they sync to the desktop
 * cache). Additive counts are accumulated per leaf unit and added into every unit the leaf counts
 * for (shared/kpi/units.ts rollupTargets), so a district percentage is Σnum/Σden by construction.
 * Only rows whose numbers changed are written (the change log stays lean on a scheduled recompute).
 */
import { and, gte, inArray, sql } from 'drizzle-orm';
import {
  ANTIGEN_DUE_DAYS,
  ANTIGENS,
  CATALOGUE,
  EDUCATION_LEVELS,
  FULL_IMMUNIZATION_DOSES,
  type Antigen,
  type Indicator,
  stateOf,
} from '../../shared/kpi/catalogue';
import { derived766, ratio, type Inputs766 } from '../../shared/kpi/formulas';
import { kindOf, periodOf, periodRange, periodsBetween, type PeriodKind } from '../../shared/kpi/periods';
import { MERGER_DATE, REPORTING_UNITS, listOf, rollupTargets } from '../../shared/kpi/units';
import { DEFAULT_SLA_POLICY, slaClock, type FeedbackLevel } from '../../shared/feedback/sla';
import type { Executor } from '../db/client';
import { alerts, cameras, cyberMentions, dossierEvents, feedbackCases, immunizationDues, indicatorValues, kpiChildren, kpiEducation, kpiHealthRecords, kpiImmunizations, kpiPregnancies } from '../db/schema';
import type { Writer } from '../sync/writer';
import { ensureReportingUnits } from './reference';

const DAY = 86_400_000;
const MERGER_MS = periodRange(MERGER_DATE).start;

/** Which period kinds each component is reported in. */
const KINDS_BY_COMPONENT: Record<Indicator['component'], readonly PeriodKind[]> = {
  cameras: ['day', 'week', 'month', 'year'],
  services766: ['day', 'week', 'month', 'year'],
  feedback: ['day', 'week', 'month', 'year'],
  cyberspace: ['day', 'week', 'month', 'year'],
  health: ['month', 'year'],
  education: ['month', 'year'],
};

export interface RecomputeOptions {
  now: Date;
  /** Periods to compute; default: the last `days` days, weeks, months and years up to now. */
  periods?: string[];
  /** Window for the default periods (default 365 days). */
  days?: number;
  /** Day periods only for the most recent N days (default DAILY_DAYS). */
  dailyDays?: number;
}

export interface RecomputeResult {
  periods: number;
  values: number;
  written: number;
  dues: number;
  ms: number;
}

type Counts = Record<string, number>;

/**
 * A recompute covers days for the last 16 days and weeks for the last 14 (the boards' 14-day /
 * 12-week sparklines plus the period before), months and years for the whole window. Older day/week
 * rows written by earlier runs stay stored, so history accumulates as the server runs.
 */
export const DAILY_DAYS = 16;
export const WEEKLY_DAYS = 14 * 7;
/** The overdue-vaccine worklist keeps doses that fell due in the last 180 days (catch-up is still useful). */
export const WORKLIST_DAYS = 180;

/** The periods a full recompute covers. */
export function defaultPeriods(now: number, days = 365, dailyDays = DAILY_DAYS, weeklyDays = WEEKLY_DAYS): string[] {
  const from = now - days * DAY;
  const out = new Set<string>();
  for (const k of ['month', 'year'] as const) for (const p of periodsBetween(k, from, now)) out.add(p);
  for (const p of periodsBetween('week', Math.max(from, now - weeklyDays * DAY), now)) out.add(p);
  for (const p of periodsBetween('day', Math.max(from, now - dailyDays * DAY), now)) out.add(p);
  return [...out];
}

/** The periods an instant touches (each kind), limited to what a recompute keeps (days: recent). */
export function periodsTouched(instants: Iterable<number>, now: number, dailyDays = DAILY_DAYS, weeklyDays = WEEKLY_DAYS): string[] {
  const out = new Set<string>();
  for (const t of instants) {
    if (!Number.isFinite(t) || t > now + DAY) continue;
    for (const k of ['month', 'year'] as const) out.add(periodOf(k, t));
    if (t >= now - weeklyDays * DAY) out.add(periodOf('week', t));
    if (t >= now - dailyDays * DAY) out.add(periodOf('day', t));
  }
  return [...out];
}

interface PeriodInfo {
  id: string;
  kind: PeriodKind;
  start: number;
  end: number;
  /** Snapshot instant: end of the period, or now for the period in progress. */
  at: number;
  /** Units reported for this period (pre-2025 units only for periods that began before the merger). */
  units: Set<string>;
}

class Acc {
  readonly byPeriod = new Map<string, Map<string, Counts>>();
  readonly info = new Map<string, PeriodInfo>();
  /** period → unit → components with data for that unit (zero counts still report). */
  readonly active = new Map<string, Map<string, Set<string>>>();
  constructor(readonly periods: PeriodInfo[]) {
    for (const p of periods) {
      this.byPeriod.set(p.id, new Map());
      this.info.set(p.id, p);
    }
  }
  add(period: string, leafUnit: string | null, field: string, n = 1) {
    const m = this.byPeriod.get(period);
    if (!m) return;
    for (const u of rollupTargets(leafUnit)) {
      let c = m.get(u);
      if (!c) m.set(u, (c = {}));
      c[field] = (c[field] ?? 0) + n;
    }
  }
  /**
   * A component has data for these leaf units between `from` and `to`: they (and their rollups)
   * report in every period of its kinds overlapping that span, zero counts included.
   */
  touchUnits(units: Iterable<string>, component: Indicator['component'], from: number, to: number) {
    const list = [...units];
    if (!list.length || !(from <= to)) return;
    for (const p of this.periods) {
      if (!KINDS_BY_COMPONENT[component].includes(p.kind) || p.end <= from || p.start > to) continue;
      const m = this.byPeriod.get(p.id)!;
      let a = this.active.get(p.id);
      if (!a) this.active.set(p.id, (a = new Map()));
      for (const leaf of list)
        for (const u of rollupTargets(leaf)) {
          if (!p.units.has(u)) continue;
          if (!m.has(u)) m.set(u, {});
          let set = a.get(u);
          if (!set) a.set(u, (set = new Set()));
          set.add(component);
        }
    }
  }
  isActive(period: string, unit: string, component: string): boolean {
    return this.active.get(period)?.get(unit)?.has(component) ?? false;
  }
}

/** For every computed period (of `kinds`) containing instant t: fn(period). */
const LOOKUP = new WeakMap<PeriodInfo[], Map<string, PeriodInfo>>();
function eachPeriodAt(periods: PeriodInfo[], kinds: readonly PeriodKind[], t: number, fn: (p: PeriodInfo) => void) {
  let lookup = LOOKUP.get(periods);
  if (!lookup) LOOKUP.set(periods, (lookup = new Map(periods.map((p) => [p.id, p]))));
  for (const k of kinds) {
    const p = lookup.get(periodOf(k, t));
    if (p) fn(p);
  }
}

// ── per-component accumulation ────────────────────────────────────────────────

interface Dossier {
  unitId: string | null;
  receivedAt: number | null;
  dueAt: number | null;
  doneAt: number | null;
  doneKind: string | null;
  online: boolean;
  synced: boolean;
  digitized: boolean | null;
  hasFee: boolean | null;
  paidOnline: boolean | null;
  rating: number | null;
}

const DONE_KINDS = new Set(['completed_early', 'completed_on_time', 'completed_late', 'returned']);

async function loadDossiers(exec: Executor, from: number): Promise<{ dossiers: Dossier[]; latest: number }> {
  // Every event of dossiers received (or still moving) since `from`: received before and completed in
  // the window counts too, so select by dossier.
  const rows = await exec
    .select({
      dossierId: dossierEvents.dossierId,
      unitId: dossierEvents.unitId,
      kind: dossierEvents.kind,
      online: dossierEvents.online,
      at: dossierEvents.at,
      dueAt: dossierEvents.dueAt,
      digitized: dossierEvents.digitized,
      hasFee: dossierEvents.hasFee,
      paidOnline: dossierEvents.paidOnline,
      rating: dossierEvents.rating,
    })
    .from(dossierEvents)
    .where(sql`${dossierEvents.dossierId} IN (SELECT dossier_id FROM dossier_events WHERE at >= ${new Date(from - 120 * DAY)})`);
  const by = new Map<string, Dossier>();
  let latest = 0;
  for (const r of rows) {
    const at = r.at.getTime();
    latest = Math.max(latest, at);
    let d = by.get(r.dossierId);
    if (!d) by.set(r.dossierId, (d = { unitId: r.unitId, receivedAt: null, dueAt: null, doneAt: null, doneKind: null, online: r.online, synced: false, digitized: null, hasFee: null, paidOnline: null, rating: null }));
    if (r.unitId) d.unitId = r.unitId;
    if (r.kind === 'received') {
      d.receivedAt = d.receivedAt === null ? at : Math.min(d.receivedAt, at);
      d.online = r.online;
    }
    if (r.dueAt) d.dueAt = Math.max(d.dueAt ?? 0, r.dueAt.getTime());
    if (DONE_KINDS.has(r.kind) && (d.doneAt === null || at < d.doneAt)) {
      d.doneAt = at;
      d.doneKind = r.kind;
    }
    if (r.kind === 'synced_national') d.synced = true;
    if (r.digitized !== null) d.digitized = r.digitized;
    if (r.hasFee !== null) d.hasFee = r.hasFee;
    if (r.paidOnline !== null) d.paidOnline = r.paidOnline;
    if (r.rating !== null) d.rating = r.rating;
  }
  return { dossiers: [...by.values()].filter((d) => d.receivedAt !== null), latest };
}

function accDossiers(acc: Acc, periods: PeriodInfo[], dossiers: Dossier[]) {
  const K = KINDS_BY_COMPONENT.services766;
  const units = new Set<string>();
  for (const d of dossiers) {
    const u = d.unitId;
    if (u) units.add(u);
    eachPeriodAt(periods, K, d.receivedAt!, (p) => {
      acc.add(p.id, u, 'received');
      if (d.synced) acc.add(p.id, u, 'synced');
      if (d.online) acc.add(p.id, u, 'online');
      if (d.hasFee) {
        acc.add(p.id, u, 'withFee');
        if (d.paidOnline) acc.add(p.id, u, 'paidOnline');
      }
    });
    if (d.doneAt !== null && d.doneKind !== 'returned') {
      eachPeriodAt(periods, K, d.doneAt, (p) => {
        acc.add(p.id, u, 'completed');
        if (d.doneKind === 'completed_early') acc.add(p.id, u, 'early');
        if (d.doneKind !== 'completed_late') acc.add(p.id, u, 'earlyOrOnTime');
        const used = (d.doneAt! - d.receivedAt!) / DAY;
        acc.add(p.id, u, 'daysUsedAll', used);
        if (d.dueAt !== null && d.dueAt > d.receivedAt!) {
          acc.add(p.id, u, 'daysUsed', used);
          acc.add(p.id, u, 'daysAllowed', (d.dueAt - d.receivedAt!) / DAY);
        }
        if (d.digitized) acc.add(p.id, u, 'digitized');
        if (d.rating !== null) {
          acc.add(p.id, u, 'ratings');
          if (d.rating >= 4) acc.add(p.id, u, 'satisfied');
        }
      });
    }
  }
  // Snapshots at the end of each period (or now): overdue still open, due within 24 h.
  for (const p of periods) {
    if (!K.includes(p.kind)) continue;
    for (const d of dossiers) {
      if (d.receivedAt! >= p.at || d.dueAt === null) continue;
      const open = d.doneAt === null || d.doneAt >= p.at;
      if (!open) continue;
      if (d.dueAt < p.at) acc.add(p.id, d.unitId, 'overdueOpen');
      else if (d.dueAt < p.at + DAY) acc.add(p.id, d.unitId, 'due24h');
    }
  }
  acc.touchUnits(units, 'services766', Math.min(...dossiers.map((d) => d.receivedAt!)), Infinity);
}

const CLOSED = new Set(['resolved', 'published', 'not_responsible', 'duplicate', 'rejected', 'fixed', 'closed', 'unable_to_fix']);

async function accFeedback(exec: Executor, acc: Acc, periods: PeriodInfo[], from: number): Promise<number> {
  const K = KINDS_BY_COMPONENT.feedback;
  const rows = await exec
    .select({ id: feedbackCases.id, status: feedbackCases.status, level: feedbackCases.level, unitId: feedbackCases.unitId, receivedAt: feedbackCases.receivedAt, updatedAt: feedbackCases.updatedAt })
    .from(feedbackCases)
    .where(sql`${feedbackCases.updatedAt} >= ${new Date(from - 60 * DAY)} OR ${feedbackCases.status} NOT IN (${sql.join([...CLOSED].map((c) => sql`${c}`), sql`, `)})`);
  let latest = 0;
  let first = Infinity;
  const units = new Set<string>();
  for (const c of rows) {
    const received = c.receivedAt.getTime();
    first = Math.min(first, received);
    const closedAt = CLOSED.has(c.status) ? c.updatedAt.getTime() : null;
    latest = Math.max(latest, c.updatedAt.getTime());
    const level = (['urgent', 'normal', 'complex'].includes(c.level) ? c.level : 'normal') as FeedbackLevel;
    const due = slaClock({ level, receivedAt: received }, DEFAULT_SLA_POLICY, received).handleDueAt;
    if (c.unitId) units.add(c.unitId);
    eachPeriodAt(periods, K, received, (p) => acc.add(p.id, c.unitId, 'fbReceived'));
    if (closedAt !== null)
      eachPeriodAt(periods, K, closedAt, (p) => {
        acc.add(p.id, c.unitId, 'fbClosed');
        acc.add(p.id, c.unitId, 'fbHours', (closedAt - received) / 3_600_000);
        if (closedAt <= due) acc.add(p.id, c.unitId, 'fbOnTime');
      });
    for (const p of periods) {
      if (!K.includes(p.kind) || received >= p.at) continue;
      if ((closedAt === null || closedAt >= p.at) && due < p.at) acc.add(p.id, c.unitId, 'fbOverdue');
    }
  }
  acc.touchUnits(units, 'feedback', first, Infinity);
  return latest;
}

async function accCyber(exec: Executor, acc: Acc, periods: PeriodInfo[], from: number): Promise<number> {
  const K = KINDS_BY_COMPONENT.cyberspace;
  const rows = await exec.select({ unitId: cyberMentions.unitId, publishedAt: cyberMentions.publishedAt, sentiment: cyberMentions.sentiment }).from(cyberMentions).where(gte(cyberMentions.publishedAt, new Date(from)));
  let latest = 0;
  let first = Infinity;
  const units = new Set<string>();
  for (const m of rows) {
    const t = m.publishedAt.getTime();
    latest = Math.max(latest, t);
    first = Math.min(first, t);
    if (m.unitId) units.add(m.unitId);
    eachPeriodAt(periods, K, t, (p) => {
      acc.add(p.id, m.unitId, 'mentions');
      if (m.sentiment === 'negative') acc.add(p.id, m.unitId, 'negative');
      if (m.sentiment === 'positive') acc.add(p.id, m.unitId, 'positive');
    });
  }
  acc.touchUnits(units, 'cyberspace', first, Infinity);
  return latest;
}

/** Cameras: offline spans approximated by camera_offline alerts (raised → acknowledged, or still open). */
async function accCameras(exec: Executor, acc: Acc, periods: PeriodInfo[], from: number, now: number): Promise<number> {
  const K = KINDS_BY_COMPONENT.cameras;
  const cams = await exec.select({ id: cameras.id, unitId: cameras.unitId, enabled: cameras.enabled }).from(cameras);
  const offline = await exec
    .select({ unitId: alerts.unitId, raisedAt: alerts.raisedAt, acknowledgedAt: alerts.acknowledgedAt })
    .from(alerts)
    .where(and(inArray(alerts.kind, ['camera_offline']), sql`coalesce(${alerts.acknowledgedAt}, now()) >= ${new Date(from)}`));
  const enabled = cams.filter((c) => c.enabled);
  const units = new Set(enabled.map((c) => c.unitId).filter((u): u is string => !!u));
  let latest = 0;
  for (const p of periods) {
    if (!K.includes(p.kind)) continue;
    const len = (Math.min(p.end, now) - p.start) / 60_000;
    if (len <= 0) continue;
    for (const c of enabled) {
      acc.add(p.id, c.unitId, 'camEnabled');
      acc.add(p.id, c.unitId, 'camMinutes', len);
    }
    for (const a of offline) {
      const s = a.raisedAt.getTime();
      const e = a.acknowledgedAt ? a.acknowledgedAt.getTime() : now;
      latest = Math.max(latest, s);
      const overlap = Math.max(0, Math.min(e, p.end, now) - Math.max(s, p.start)) / 60_000;
      if (overlap > 0) acc.add(p.id, a.unitId, 'camOfflineMinutes', overlap);
      if (s <= p.at && e > p.at - 1) acc.add(p.id, a.unitId, 'camOffline');
    }
  }
  acc.touchUnits(units, 'cameras', Math.min(now - 35 * DAY, ...offline.map((a) => a.raisedAt.getTime())), Infinity);
  return latest || now;
}

async function accHealth(exec: Executor, acc: Acc, periods: PeriodInfo[], from: number, now: number): Promise<{ latest: number; dues: Array<{ childCode: string; unitId: string; antigen: Antigen; birthDate: string; dueAt: number }> }> {
  const K = KINDS_BY_COMPONENT.health;
  const units = new Set<string>();
  let latest = 0;
  let first = Infinity;
  // Health records: visits are flows (sum of months in the period); coverage is the last month's snapshot.
  const hr = await exec.select().from(kpiHealthRecords).where(gte(kpiHealthRecords.month, periodOf('month', from - 31 * DAY)));
  const lastMonthIn = new Map<string, string>(); // period|unit → month
  for (const r of hr) {
    const t = periodRange(r.month).start;
    first = Math.min(first, t);
    latest = Math.max(latest, periodRange(r.month).end - 1);
    units.add(r.unitId);
    eachPeriodAt(periods, K, t, (p) => {
      acc.add(p.id, r.unitId, 'visits', r.visits);
      acc.add(p.id, r.unitId, 'visitsSynced', r.visitsSynced);
      const key = `${p.id}|${r.unitId}`;
      const prev = lastMonthIn.get(key);
      if (!prev || r.month > prev) lastMonthIn.set(key, r.month);
    });
  }
  for (const r of hr) {
    eachPeriodAt(periods, K, periodRange(r.month).start, (p) => {
      if (lastMonthIn.get(`${p.id}|${r.unitId}`) !== r.month) return;
      acc.add(p.id, r.unitId, 'population', r.population);
      acc.add(p.id, r.unitId, 'ehrRecords', r.records);
      acc.add(p.id, r.unitId, 'ehrStandardized', r.standardized);
    });
  }

  // Immunization: cohorts reaching each dose's age in the period.
  const children = await exec.select().from(kpiChildren).where(gte(kpiChildren.birthDate, new Date(from - 600 * DAY).toISOString().slice(0, 10)));
  const doses = children.length
    ? await exec.select().from(kpiImmunizations).where(sql`${kpiImmunizations.childCode} IN (SELECT child_code FROM kpi_children WHERE birth_date >= ${new Date(from - 600 * DAY).toISOString().slice(0, 10)})`)
    : [];
  const given = new Map<string, Map<string, number>>();
  for (const d of doses) {
    const t = periodRange(d.givenOn).start;
    latest = Math.max(latest, t);
    let m = given.get(d.childCode);
    if (!m) given.set(d.childCode, (m = new Map()));
    m.set(d.antigen, t);
  }
  const dues: Array<{ childCode: string; unitId: string; antigen: Antigen; birthDate: string; dueAt: number }> = [];
  for (const c of children) {
    units.add(c.unitId);
    const birth = periodRange(c.birthDate).start;
    first = Math.min(first, birth + ANTIGEN_DUE_DAYS.HepB0 * DAY);
    const g = given.get(c.childCode) ?? new Map<string, number>();
    for (const a of ANTIGENS) {
      const due = birth + ANTIGEN_DUE_DAYS[a] * DAY;
      const window = a === 'HepB0' ? DAY : due + 30 * DAY - birth; // HepB0: within 24 h of birth
      const t = g.get(a);
      if (t === undefined && due < now && now - due <= WORKLIST_DAYS * DAY && a !== 'HepB0' && now - birth < 2 * 365 * DAY) dues.push({ childCode: c.childCode, unitId: c.unitId, antigen: a, birthDate: c.birthDate, dueAt: due });
      if (due > now) continue;
      eachPeriodAt(periods, K, due, (p) => {
        acc.add(p.id, c.unitId, `elig:${a}`);
        if (t !== undefined && t - birth <= window && t <= now) acc.add(p.id, c.unitId, `cov:${a}`);
      });
    }
    const firstBirthday = birth + 365 * DAY;
    if (firstBirthday <= now)
      eachPeriodAt(periods, K, firstBirthday, (p) => {
        acc.add(p.id, c.unitId, 'turning1');
        if (FULL_IMMUNIZATION_DOSES.every((a) => (g.get(a) ?? Infinity) < firstBirthday)) acc.add(p.id, c.unitId, 'fully');
      });
    const dtp3Due = birth + ANTIGEN_DUE_DAYS.DTP3 * DAY;
    if (dtp3Due <= now)
      eachPeriodAt(periods, K, dtp3Due, (p) => {
        if (g.has('DTP1')) acc.add(p.id, c.unitId, 'dtp1');
        if (g.has('DTP3')) acc.add(p.id, c.unitId, 'dtp3');
      });
  }
  const preg = await exec.select().from(kpiPregnancies).where(gte(kpiPregnancies.registeredOn, new Date(from - 31 * DAY).toISOString().slice(0, 10)));
  for (const w of preg) {
    units.add(w.unitId);
    const t = periodRange(w.registeredOn).start;
    first = Math.min(first, t);
    latest = Math.max(latest, t);
    eachPeriodAt(periods, K, t, (p) => {
      acc.add(p.id, w.unitId, 'pregnant');
      if (w.protected) acc.add(p.id, w.unitId, 'ttProtected');
    });
  }
  acc.touchUnits(units, 'health', first, Infinity);
  return { latest, dues };
}

/** The school year in progress at an instant: it starts in September. */
function schoolYearAt(t: number): string {
  const m = periodOf('month', t);
  const y = Number(m.slice(0, 4));
  return Number(m.slice(5)) >= 9 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

async function accEducation(exec: Executor, acc: Acc, periods: PeriodInfo[]): Promise<number> {
  const K = KINDS_BY_COMPONENT.education;
  const wanted = new Set(periods.filter((p) => K.includes(p.kind)).map((p) => schoolYearAt(p.at - 1)));
  if (!wanted.size) return 0;
  const rows = await exec.select().from(kpiEducation).where(inArray(kpiEducation.schoolYear, [...wanted]));
  const units = new Set<string>();
  let latest = 0;
  for (const p of periods) {
    if (!K.includes(p.kind)) continue;
    const sy = schoolYearAt(p.at - 1);
    for (const r of rows) {
      if (r.schoolYear !== sy) continue;
      units.add(r.unitId);
      latest = Math.max(latest, Date.UTC(Number(sy.slice(0, 4)), 8, 5));
      acc.add(p.id, r.unitId, `agePop:${r.level}`, r.agePopulation);
      acc.add(p.id, r.unitId, `enrolled:${r.level}`, r.enrolled);
      acc.add(p.id, r.unitId, 'enrolled', r.enrolled);
      acc.add(p.id, r.unitId, 'dropouts', r.dropouts);
      acc.add(p.id, r.unitId, 'schools', r.schools);
      acc.add(p.id, r.unitId, 'schoolsStandard', r.schoolsStandard);
      acc.add(p.id, r.unitId, 'classrooms', r.classrooms);
      acc.add(p.id, r.unitId, 'solidClassrooms', r.solidClassrooms);
    }
  }
  acc.touchUnits(units, 'education', -Infinity, Infinity);
  return latest;
}

// ── counts → indicator values ────────────────────────────────────────────────

type Num = { value: number | null; numerator: number | null; denominator: number | null };
const R = (n: number | undefined, d: number | undefined, scale = 100): Num => ({ value: ratio(n ?? 0, d ?? 0, scale), numerator: n ?? 0, denominator: d ?? 0 });
const S = (n: number | undefined): Num => ({ value: n ?? 0, numerator: null, denominator: null });

function inputs766(c: Counts): Inputs766 {
  return {
    received: c.received ?? 0,
    synced: c.synced ?? 0,
    completed: c.completed ?? 0,
    earlyOrOnTime: c.earlyOrOnTime ?? 0,
    overdueOpen: c.overdueOpen ?? 0,
    daysUsed: c.daysUsed ?? 0,
    daysAllowed: c.daysAllowed ?? 0,
    digitized: c.digitized ?? 0,
    online: c.online ?? 0,
    withFee: c.withFee ?? 0,
    paidOnline: c.paidOnline ?? 0,
    ratings: c.ratings ?? 0,
    satisfied: c.satisfied ?? 0,
  };
}

/** Indicator code → its numbers from a unit's counts (undefined: the unit has no data for it). */
const FORMULAS: Record<string, (c: Counts) => Num | undefined> = {
  'cam.online_pct': (c) => (c.camEnabled === undefined ? undefined : R(Math.max(0, c.camEnabled - (c.camOffline ?? 0)), c.camEnabled)),
  'cam.uptime_pct': (c) => (c.camMinutes === undefined ? undefined : R(Math.max(0, c.camMinutes - (c.camOfflineMinutes ?? 0)), c.camMinutes)),
  'cam.offline_now': (c) => (c.camEnabled === undefined ? undefined : S(c.camOffline)),
  'dvc.received': (c) => S(c.received),
  'dvc.ontime_pct': (c) => R(c.earlyOrOnTime, (c.completed ?? 0) + (c.overdueOpen ?? 0)),
  'dvc.early_pct': (c) => R(c.early, c.completed),
  'dvc.avg_days': (c) => R(c.daysUsedAll, c.completed, 1),
  'dvc.time_used_pct': (c) => R(c.daysUsed, c.daysAllowed),
  'dvc.synced_pct': (c) => R(c.synced, c.received),
  'dvc.online_pct': (c) => R(c.online, c.received),
  'dvc.payment_pct': (c) => R(c.paidOnline, c.withFee),
  'dvc.digitized_pct': (c) => R(c.digitized, c.completed),
  'dvc.satisfaction_pct': (c) => R(c.satisfied, c.ratings),
  'dvc.overdue_open': (c) => S(c.overdueOpen),
  'dvc.due_24h': (c) => S(c.due24h),
  'pakn.received': (c) => S(c.fbReceived),
  'pakn.ontime_pct': (c) => R(c.fbOnTime, (c.fbClosed ?? 0) + (c.fbOverdue ?? 0)),
  'pakn.avg_hours': (c) => R(c.fbHours, c.fbClosed, 1),
  'pakn.overdue': (c) => S(c.fbOverdue),
  'cyber.mentions': (c) => S(c.mentions),
  'cyber.negative_pct': (c) => R(c.negative, c.mentions),
  'cyber.positive_pct': (c) => R(c.positive, c.mentions),
  'hl.ehr_coverage_pct': (c) => (c.population === undefined ? undefined : R(c.ehrRecords, c.population)),
  'hl.ehr_standardized_pct': (c) => (c.ehrRecords === undefined ? undefined : R(c.ehrStandardized, c.ehrRecords)),
  'hl.visit_sync_pct': (c) => (c.visits === undefined ? undefined : R(c.visitsSynced, c.visits)),
  'hl.fully_immunized_pct': (c) => R(c.fully, c.turning1),
  'hl.dtp_dropout_pct': (c) => R((c.dtp1 ?? 0) - (c.dtp3 ?? 0), c.dtp1),
  'hl.tt_protected_pct': (c) => R(c.ttProtected, c.pregnant),
  'ed.enrolled': (c) => (c.schools === undefined ? undefined : S(c.enrolled)),
  'ed.dropout_pct': (c) => (c.schools === undefined ? undefined : R(c.dropouts, c.enrolled)),
  'ed.schools_standard_pct': (c) => (c.schools === undefined ? undefined : R(c.schoolsStandard, c.schools)),
  'ed.solid_classrooms_pct': (c) => (c.schools === undefined ? undefined : R(c.solidClassrooms, c.classrooms)),
};
for (const i of CATALOGUE) {
  if (i.antigen) FORMULAS[i.code] = (c) => R(c[`cov:${i.antigen}`], c[`elig:${i.antigen}`]);
  const lv = /^ed\.enrol_(.+)_pct$/.exec(i.code)?.[1];
  if (lv && (EDUCATION_LEVELS as readonly string[]).includes(lv)) FORMULAS[i.code] = (c) => (c.schools === undefined ? undefined : R(c[`enrolled:${lv}`], c[`agePop:${lv}`]));
}

const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

export interface ValueRow {
  id: string;
  indicator: string;
  unitId: string;
  period: string;
  periodKind: PeriodKind;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  target: number | null;
  state: string;
  asOf: string | null;
  computedAt: string;
}

/** Pure: counts per period and unit → indicator_value rows. */
export function valuesFromCounts(acc: Acc, asOfByComponent: Record<string, number>, nowIso: string): ValueRow[] {
  const out: ValueRow[] = [];
  for (const p of acc.periods) {
    const units = acc.byPeriod.get(p.id)!;
    for (const [unitId, c] of units) {
      if (!p.units.has(unitId)) continue;
      const d766 = derived766(inputs766(c));
      for (const ind of CATALOGUE) {
        if (!KINDS_BY_COMPONENT[ind.component].includes(p.kind)) continue;
        let num: Num | undefined;
        if (!acc.isActive(p.id, unitId, ind.component)) continue;
        if (ind.aggregation === 'derived' && ind.code in d766) {
          num = { value: d766[ind.code], numerator: null, denominator: null };
        } else {
          const f = FORMULAS[ind.code];
          if (!f) continue;
          num = f(c);
        }
        if (!num) continue;
        const asOfMs = Math.min(p.at, asOfByComponent[ind.component] || p.at);
        out.push({
          id: `iv:${ind.code}:${unitId}:${p.id}`,
          indicator: ind.code,
          unitId,
          period: p.id,
          periodKind: p.kind,
          value: r4(num.value),
          numerator: r4(num.numerator),
          denominator: r4(num.denominator),
          target: ind.target,
          state: stateOf(ind, num.value),
          asOf: new Date(asOfMs).toISOString(),
          computedAt: nowIso,
        });
      }
    }
  }
  return out;
}

function periodInfos(periods: string[], now: number): PeriodInfo[] {
  return periods.map((id) => {
    const { start, end } = periodRange(id);
    const units = new Set(REPORTING_UNITS.filter((u) => listOf(u) !== 'vn-2019' || start < MERGER_MS));
    return { id, kind: kindOf(id), start, end, at: Math.min(end, now), units };
  });
}

/**
 * Recompute the given periods (default: a year) for every unit, inside the caller's write
 * transaction. Writes changed indicator_value rows and the immunization worklist.
 */
export async function recompute(w: Writer, opts: RecomputeOptions): Promise<RecomputeResult> {
  const t0 = performance.now();
  await ensureReportingUnits(w);
  const now = opts.now.getTime();
  const ids = [...new Set(opts.periods ?? defaultPeriods(now, opts.days, opts.dailyDays))].filter((p) => periodRange(p).start <= now);
  const periods = periodInfos(ids, now);
  if (!periods.length) return { periods: 0, values: 0, written: 0, dues: 0, ms: 0 };
  const from = Math.min(...periods.map((p) => p.start));
  const acc = new Acc(periods);
  const exec = w.tx;

  const { dossiers, latest: dvcLatest } = await loadDossiers(exec, from);
  accDossiers(acc, periods, dossiers);
  const fbLatest = await accFeedback(exec, acc, periods, from);
  const cyLatest = await accCyber(exec, acc, periods, from);
  const camLatest = await accCameras(exec, acc, periods, from, now);
  const health = await accHealth(exec, acc, periods, from, now);
  const edLatest = await accEducation(exec, acc, periods);

  const nowIso = new Date(now).toISOString();
  const rows = valuesFromCounts(acc, { services766: dvcLatest, feedback: fbLatest, cyberspace: cyLatest, cameras: camLatest, health: health.latest, education: edLatest }, nowIso);

  // Only what changed goes through the change log.
  const existing = new Map<string, { value: number | null; numerator: number | null; denominator: number | null; state: string | null; asOf: Date | null; target: number | null }>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const got = await exec
      .select({ id: indicatorValues.id, value: indicatorValues.value, numerator: indicatorValues.numerator, denominator: indicatorValues.denominator, state: indicatorValues.state, asOf: indicatorValues.asOf, target: indicatorValues.target })
      .from(indicatorValues)
      .where(inArray(indicatorValues.period, chunk));
    for (const g of got) existing.set(g.id, g);
  }
  const changed = rows.filter((r) => {
    const e = existing.get(r.id);
    // "No data" that was never stored stays unstored (a missing row reads as no data on the boards).
    if (!e) return r.value !== null;
    return e.value !== r.value || e.numerator !== r.numerator || e.denominator !== r.denominator || e.state !== r.state || e.target !== r.target || (e.asOf?.toISOString() ?? null) !== r.asOf;
  });
  if (changed.length) await w.upsert('indicator_value', changed as unknown as Array<Record<string, unknown>>);

  const dues = await writeDues(w, health.dues, nowIso);
  return { periods: periods.length, values: rows.length, written: changed.length, dues, ms: Math.round(performance.now() - t0) };
}

/**
 * The immunization worklist: a row per child and overdue dose. A dose recorded later resolves the
 * row (resolvedAt set; rows are never deleted, the desktop shows the open ones). Returns the number
 * of open rows.
 */
async function writeDues(w: Writer, dues: Array<{ childCode: string; unitId: string; antigen: Antigen; birthDate: string; dueAt: number }>, nowIso: string): Promise<number> {
  const existing = await w.tx.select({ id: immunizationDues.id, resolvedAt: immunizationDues.resolvedAt }).from(immunizationDues);
  const have = new Map(existing.map((r) => [r.id, r.resolvedAt]));
  const want = new Map(dues.map((d) => [`${d.childCode}:${d.antigen}`, d]));
  const out: Array<Record<string, unknown>> = [];
  for (const [id, d] of want) {
    const h = have.get(id);
    if (h === undefined || h !== null) out.push({ id, childCode: d.childCode, unitId: d.unitId, antigen: d.antigen, birthDate: d.birthDate, dueAt: new Date(d.dueAt).toISOString(), computedAt: nowIso, resolvedAt: null });
  }
  const resolve = existing.filter((r) => r.resolvedAt === null && !want.has(r.id)).map((r) => r.id);
  for (let i = 0; i < resolve.length; i += 500) {
    const rows = (await w.tx.select().from(immunizationDues).where(inArray(immunizationDues.id, resolve.slice(i, i + 500)))).map((r) => ({ ...r, birthDate: r.birthDate, dueAt: r.dueAt.toISOString(), computedAt: nowIso, resolvedAt: nowIso }));
    out.push(...rows);
  }
  if (out.length) await w.upsert('immunization_due', out);
  return want.size;
}
