/**
 * Reporting periods in Asia/Ho_Chi_Minh (UTC+7 all year; Vietnam has no daylight saving):
 * day `2026-11-26`, ISO week `2026-W48`, month `2026-11`, year `2026`.
 */
export type PeriodKind = 'day' | 'week' | 'month' | 'year';
export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'week', 'month', 'year'];

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local calendar date (y, m 1-12, d) of an instant in Vietnam. */
function localParts(instant: Date | string | number): { y: number; m: number; d: number } {
  const t = (instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant)) + VN_OFFSET_MS;
  if (!Number.isFinite(t)) throw new Error(`invalid instant: ${String(instant)}`);
  const u = new Date(t);
  return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate() };
}

/** ISO 8601 week-year and week number of a calendar date. */
export function isoWeek(y: number, m: number, d: number): { year: number; week: number } {
  const date = new Date(Date.UTC(y, m - 1, d));
  const dow = date.getUTCDay() || 7; // Mon=1..Sun=7
  date.setUTCDate(date.getUTCDate() + 4 - dow); // Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return { year, week };
}

/** The period of `kind` containing `instant` (Vietnam local time). */
export function periodOf(kind: PeriodKind, instant: Date | string | number): string {
  const { y, m, d } = localParts(instant);
  switch (kind) {
    case 'day':
      return `${y}-${pad(m)}-${pad(d)}`;
    case 'week': {
      const w = isoWeek(y, m, d);
      return `${w.year}-W${pad(w.week)}`;
    }
    case 'month':
      return `${y}-${pad(m)}`;
    case 'year':
      return String(y);
  }
}

/** All four periods containing an instant. */
export function periodsOf(instant: Date | string | number): string[] {
  return PERIOD_KINDS.map((k) => periodOf(k, instant));
}

export function kindOf(period: string): PeriodKind {
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return 'day';
  if (/^\d{4}-W\d{2}$/.test(period)) return 'week';
  if (/^\d{4}-\d{2}$/.test(period)) return 'month';
  if (/^\d{4}$/.test(period)) return 'year';
  throw new Error(`not a period: ${period}`);
}

/** Local midnight of a calendar date as a UTC instant (ms). */
const localMidnight = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - VN_OFFSET_MS;

/** [start, end) of a period as UTC instants in ms. */
export function periodRange(period: string): { start: number; end: number } {
  const kind = kindOf(period);
  const y = Number(period.slice(0, 4));
  if (kind === 'day') {
    const m = Number(period.slice(5, 7));
    const d = Number(period.slice(8, 10));
    const start = localMidnight(y, m, d);
    return { start, end: start + DAY_MS };
  }
  if (kind === 'month') {
    const m = Number(period.slice(5, 7));
    return { start: localMidnight(y, m, 1), end: localMidnight(y, m + 1, 1) };
  }
  if (kind === 'year') return { start: localMidnight(y, 1, 1), end: localMidnight(y + 1, 1, 1) };
  const w = Number(period.slice(6));
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const mondayW1 = Date.UTC(y, 0, 4) - ((jan4.getUTCDay() || 7) - 1) * DAY_MS;
  const start = mondayW1 + (w - 1) * 7 * DAY_MS - VN_OFFSET_MS;
  return { start, end: start + 7 * DAY_MS };
}

/** The period just before `period` (same kind). */
export function previousPeriod(period: string): string {
  return periodOf(kindOf(period), periodRange(period).start - 1);
}

/** Periods of `kind` overlapping [from, to], oldest first. */
export function periodsBetween(kind: PeriodKind, from: Date | string | number, to: Date | string | number): string[] {
  const toMs = new Date(to).getTime();
  const out: string[] = [];
  let p = periodOf(kind, from);
  for (let guard = 0; guard < 100_000; guard++) {
    out.push(p);
    const { end } = periodRange(p);
    if (end > toMs) break;
    p = periodOf(kind, end);
  }
  return out;
}
