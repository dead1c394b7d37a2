import { z } from 'zod';

/**
 * Working calendar for SLA clocks, in Vietnam's wall time (Asia/Ho_Chi_Minh = UTC+7, no DST).
 *
 * All arithmetic is done on epoch milliseconds shifted by a fixed offset; no local-time `Date`
 * method (getHours, getDay, setDate, new Date(y, m, d), toLocale…) is ever used, so results do not
 * depend on the machine's TZ. The only `Date` calls are the UTC-based `Date.UTC` / `toISOString`.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam has had no DST since 1975). */
export const VN_OFFSET_MINUTES = 420;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const WorkingInterval = z.object({ start: HHMM, end: HHMM });
export type WorkingInterval = z.infer<typeof WorkingInterval>;

export const WorkingCalendar = z
  .object({
    /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
    workingDays: z.array(z.number().int().min(1).max(7)).min(1),
    /** Working intervals of a working day in local wall time, sorted, non-overlapping. */
    intervals: z.array(WorkingInterval).min(1),
    /** Days off (public holidays, compensation days, swapped days), local dates. */
    holidays: z.array(IsoDate).default([]),
    /** Non-working weekdays made working by a government swap (làm bù), e.g. Saturday 2025-04-26. */
    makeUpWorkingDays: z.array(IsoDate).default([]),
    /** Fixed offset of the calendar's wall time from UTC. */
    utcOffsetMinutes: z.number().int().min(-720).max(840).default(VN_OFFSET_MINUTES),
  })
  .superRefine((cal, ctx) => {
    let prevEnd = -1;
    cal.intervals.forEach((iv, i) => {
      const s = hhmmToMinutes(iv.start);
      const e = hhmmToMinutes(iv.end);
      if (e <= s) ctx.addIssue({ code: 'custom', path: ['intervals', i], message: 'end must be after start' });
      if (s < prevEnd) ctx.addIssue({ code: 'custom', path: ['intervals', i], message: 'intervals must be sorted and not overlap' });
      prevEnd = e;
    });
  });
export type WorkingCalendar = z.input<typeof WorkingCalendar>;

/** A span during which the SLA clock is stopped; `to: null` means still running (paused now). */
export interface TimeSpan {
  from: number;
  to: number | null;
}

export function hhmmToMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

// ---- local wall time <-> epoch ms (fixed offset) ------------------------------------------------

const offsetMs = (cal?: Pick<WorkingCalendar, 'utcOffsetMinutes'>) => (cal?.utcOffsetMinutes ?? VN_OFFSET_MINUTES) * MINUTE_MS;

/** Local day number (days since 1970-01-01 in wall time) of an instant. */
export function localDayIndex(ms: number, offsetMinutes = VN_OFFSET_MINUTES): number {
  return Math.floor((ms + offsetMinutes * MINUTE_MS) / DAY_MS);
}

/** ISO weekday of a local day number: 1 = Monday … 7 = Sunday (day 0 was a Thursday). */
export function isoWeekday(dayIndex: number): number {
  return (((dayIndex + 3) % 7) + 7) % 7 + 1;
}

/** 'YYYY-MM-DD' of a local day number. */
export function dayIndexToIsoDate(dayIndex: number): string {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
}

export function isoDateToDayIndex(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/**
 * Epoch ms of a wall-clock time in Vietnam: `vnTime('2026-02-13T19:00')` is 12:00Z.
 * Accepts 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM' or 'YYYY-MM-DDTHH:MM:SS'; any other offset must not be given.
 */
export function vnTime(local: string, offsetMinutes = VN_OFFSET_MINUTES): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local);
  if (!m) throw new Error(`vnTime: expected local 'YYYY-MM-DDTHH:MM', got '${local}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offsetMinutes * MINUTE_MS;
}

/** ISO 8601 with the fixed offset, as Open311 wants datetimes: '2026-02-13T19:00:00+07:00'. */
export function toVnIso(ms: number, offsetMinutes = VN_OFFSET_MINUTES): string {
  const local = new Date(ms + offsetMinutes * MINUTE_MS).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// ---- working days and intervals ----------------------------------------------------------------

interface Compiled {
  offset: number;
  workingDays: Set<number>;
  holidays: Set<number>;
  makeUp: Set<number>;
  intervals: Array<[number, number]>; // ms from local midnight
}

// Calendars are configuration: treat them as immutable once used (compiled form is cached per object).
const compiledCache = new WeakMap<object, Compiled>();

function compile(cal: WorkingCalendar): Compiled {
  const hit = compiledCache.get(cal);
  if (hit) return hit;
  const c: Compiled = {
    offset: offsetMs(cal),
    workingDays: new Set(cal.workingDays),
    holidays: new Set((cal.holidays ?? []).map(isoDateToDayIndex)),
    makeUp: new Set((cal.makeUpWorkingDays ?? []).map(isoDateToDayIndex)),
    intervals: cal.intervals.map((iv) => [hhmmToMinutes(iv.start) * MINUTE_MS, hhmmToMinutes(iv.end) * MINUTE_MS]),
  };
  if (c.intervals.length === 0 || c.intervals.some(([s, e]) => e <= s)) throw new Error('WorkingCalendar: invalid intervals');
  compiledCache.set(cal, c);
  return c;
}

function isWorkingDayIndex(c: Compiled, day: number): boolean {
  if (c.makeUp.has(day)) return true;
  if (c.holidays.has(day)) return false;
  return c.workingDays.has(isoWeekday(day));
}

/** Is the local date of this instant a working day (weekday rule, holidays, make-up days)? */
export function isWorkingDay(ms: number, cal: WorkingCalendar): boolean {
  const c = compile(cal);
  return isWorkingDayIndex(c, Math.floor((ms + c.offset) / DAY_MS));
}

/** Is this instant inside working hours of a working day? */
export function isWorkingTime(ms: number, cal: WorkingCalendar): boolean {
  const c = compile(cal);
  const day = Math.floor((ms + c.offset) / DAY_MS);
  if (!isWorkingDayIndex(c, day)) return false;
  const t = ms + c.offset - day * DAY_MS;
  return c.intervals.some(([s, e]) => t >= s && t < e);
}

/** Working minutes in one full working day of this calendar (e.g. 450 for 07:30–11:30 + 13:30–17:00). */
export function minutesPerWorkingDay(cal: WorkingCalendar): number {
  return compile(cal).intervals.reduce((sum, [s, e]) => sum + (e - s), 0) / MINUTE_MS;
}

/** Sorted, merged exclusion spans; an open span (`to: null`) runs to `openEnd`. */
function normalizeSpans(spans: readonly TimeSpan[] | undefined, openEnd: number): Array<[number, number]> {
  const list = (spans ?? [])
    .map((p): [number, number] => [p.from, p.to ?? openEnd])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of list) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Pieces of [a, b) left after removing the (sorted, merged) exclusions. */
function subtract(a: number, b: number, ex: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let cur = a;
  for (const [s, e] of ex) {
    if (e <= cur) continue;
    if (s >= b) break;
    if (s > cur) out.push([cur, s]);
    cur = Math.max(cur, e);
    if (cur >= b) break;
  }
  if (cur < b) out.push([cur, b]);
  return out;
}

/** Safety bound: no sane calendar needs more than ten years to provide the requested time. */
const MAX_DAYS = 3660;

/**
 * The instant when `minutes` of working time have elapsed after `startMs`, skipping nights,
 * lunch breaks, non-working days, holidays and the given exclusion spans (pauses).
 * A result exactly at the end of an interval stays there (11:30 rather than 13:30).
 * Open exclusions (`to: null`) are treated as ending at `openEnd` (default: `startMs`).
 */
export function addWorkingTime(
  startMs: number,
  minutes: number,
  cal: WorkingCalendar,
  exclusions?: readonly TimeSpan[],
  openEnd = startMs,
): number {
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error('addWorkingTime: minutes must be a finite number ≥ 0');
  if (minutes === 0) return startMs;
  const c = compile(cal);
  const ex = normalizeSpans(exclusions, openEnd);
  let remaining = minutes * MINUTE_MS;
  const firstDay = Math.floor((startMs + c.offset) / DAY_MS);
  for (let day = firstDay; day < firstDay + MAX_DAYS; day++) {
    if (!isWorkingDayIndex(c, day)) continue;
    const base = day * DAY_MS - c.offset;
    for (const [s, e] of c.intervals) {
      const from = Math.max(base + s, startMs);
      const to = base + e;
      if (to <= from) continue;
      for (const [a, b] of subtract(from, to, ex)) {
        if (remaining <= b - a) return a + remaining;
        remaining -= b - a;
      }
    }
  }
  throw new Error('addWorkingTime: calendar has no working time within ten years');
}

/**
 * Working minutes between two instants (signed: negative when b < a), not counting the
 * exclusion spans (pauses). Open exclusions run to `openEnd` (default: the later instant).
 */
export function workingMinutesBetween(
  aMs: number,
  bMs: number,
  cal: WorkingCalendar,
  exclusions?: readonly TimeSpan[],
  openEnd?: number,
): number {
  if (bMs < aMs) return -workingMinutesBetween(bMs, aMs, cal, exclusions, openEnd);
  const c = compile(cal);
  const ex = normalizeSpans(exclusions, openEnd ?? bMs);
  let total = 0;
  const firstDay = Math.floor((aMs + c.offset) / DAY_MS);
  const lastDay = Math.floor((bMs + c.offset) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    if (!isWorkingDayIndex(c, day)) continue;
    const base = day * DAY_MS - c.offset;
    for (const [s, e] of c.intervals) {
      const from = Math.max(base + s, aMs);
      const to = Math.min(base + e, bMs);
      if (to <= from) continue;
      for (const [x, y] of subtract(from, to, ex)) total += y - x;
    }
  }
  return total / MINUTE_MS;
}

/** The start of the next working moment at or after `ms` (useful to show "clock starts at"). */
export function nextWorkingMoment(ms: number, cal: WorkingCalendar): number {
  const c = compile(cal);
  const firstDay = Math.floor((ms + c.offset) / DAY_MS);
  for (let day = firstDay; day < firstDay + MAX_DAYS; day++) {
    if (!isWorkingDayIndex(c, day)) continue;
    const base = day * DAY_MS - c.offset;
    for (const [s, e] of c.intervals) if (base + e > ms) return Math.max(base + s, ms);
  }
  throw new Error('nextWorkingMoment: calendar has no working time within ten years');
}

// ---- Vietnamese public holidays ------------------------------------------------------------------

/**
 * How sure a holiday date is:
 * - `official`: announced by the Government for civil servants (notice cited in `source`);
 * - `statutory`: fixed by the Labour Code 2019 art. 112 (solar date, or a lunar date converted,
 *   or the art. 112(3) rule "falls on a weekly rest day → next working day off"), not yet
 *   announced separately;
 * - `estimated`: depends on a Government choice not yet made (or not verified); replace when the
 *   Ministry of Home Affairs (Bộ Nội vụ) publishes that year's notice.
 */
export type HolidayStatus = 'official' | 'statutory' | 'estimated';

export interface Holiday {
  date: string; // YYYY-MM-DD, a working day that is off (weekend days of a break are not listed)
  vi: string;
  en: string;
  status: HolidayStatus;
  source?: string;
}

const h = (date: string, vi: string, en: string, status: HolidayStatus, source?: string): Holiday => ({ date, vi, en, status, source });

const TET_2025 = 'TB 6150/TB-LĐTBXH (2024): Tết Ất Tỵ 25/1–2/2/2025';
const HOLIDAYS_2025 = 'TB 6150/TB-LĐTBXH (2024)';
const SWAP_2025 = 'hoán đổi 2/5 ↔ thứ Bảy 26/4/2025, as reported by TTXVN/VietnamPlus';
const NEWYEAR_2026 = 'VPCP 12729/VPCP-KGVX (25/12/2025): nghỉ 1/1–4/1/2026, hoán đổi 2/1 ↔ thứ Bảy 10/1';
const TET_2026 = 'TB 9441/TB-BNV (16/10/2025): Tết Bính Ngọ 14/2–22/2/2026';

/**
 * Working days off for government offices, 2025–2027. Weekend days inside a break are not listed
 * (they are off anyway). Not included: Ngày Văn hóa Việt Nam 24/11 — the Politburo chose it as a
 * paid day off and Resolution 30/NQ-CP (2026) asks for the Labour Code to be amended; add it once
 * the amendment is in force.
 */
export const VN_HOLIDAYS_2025_2027: readonly Holiday[] = [
  // 2025 — all official.
  h('2025-01-01', 'Tết Dương lịch', "New Year's Day", 'official', HOLIDAYS_2025),
  ...['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'].map((d) =>
    h(d, 'Tết Nguyên đán Ất Tỵ', 'Lunar New Year (Tết)', 'official', TET_2025),
  ),
  h('2025-04-07', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Hùng Kings Commemoration', 'official', HOLIDAYS_2025),
  h('2025-04-30', 'Ngày Chiến thắng', 'Reunification Day', 'official', HOLIDAYS_2025),
  h('2025-05-01', 'Quốc tế Lao động', 'Labour Day', 'official', HOLIDAYS_2025),
  h('2025-05-02', 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4)', 'Swapped day off (worked Sat 26 Apr)', 'official', SWAP_2025),
  h('2025-09-01', 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)', 'official', HOLIDAYS_2025),
  h('2025-09-02', 'Quốc khánh', 'National Day', 'official', HOLIDAYS_2025),
  // 2026
  h('2026-01-01', 'Tết Dương lịch', "New Year's Day", 'official', NEWYEAR_2026),
  h('2026-01-02', 'Nghỉ hoán đổi (làm bù thứ Bảy 10/1)', 'Swapped day off (work Sat 10 Jan)', 'official', NEWYEAR_2026),
  ...['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'].map((d) =>
    h(d, 'Tết Nguyên đán Bính Ngọ', 'Lunar New Year (Tết)', 'official', TET_2026),
  ),
  // 10/3 lunar = Sunday 26/4/2026 → compensation Monday 27/4 (art. 112(3)); widely reported.
  h('2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ nhật)', 'Hùng Kings Commemoration (in lieu of Sun 26 Apr)', 'statutory'),
  h('2026-04-30', 'Ngày Chiến thắng', 'Reunification Day', 'statutory'),
  h('2026-05-01', 'Quốc tế Lao động', 'Labour Day', 'statutory'),
  // TB 9441/TB-BNV also fixes National Day 2026; its text was not available here: the adjacent day
  // (1/9 or 3/9) and any extra swap (a 5-day break was proposed) are unverified.
  h('2026-09-01', 'Quốc khánh (ngày liền kề, ước tính)', 'National Day (adjacent day, estimated)', 'estimated'),
  h('2026-09-02', 'Quốc khánh', 'National Day', 'statutory'),
  // 2027 — nothing announced yet.
  h('2027-01-01', 'Tết Dương lịch', "New Year's Day", 'statutory'),
  // Lunar New Year is Saturday 6/2/2027. Estimate by analogy with 2024 (Tết also on a Saturday:
  // off Thu 8/2–Wed 14/2/2024): off Thursday 4/2 to Wednesday 10/2/2027.
  ...['2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'].map((d) =>
    h(d, 'Tết Nguyên đán Đinh Mùi (ước tính)', 'Lunar New Year (Tết, estimated)', 'estimated'),
  ),
  h('2027-04-16', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Hùng Kings Commemoration', 'statutory'),
  h('2027-04-30', 'Ngày Chiến thắng', 'Reunification Day', 'statutory'),
  // 1/5/2027 is a Saturday → compensation Monday 3/5 (art. 112(3)).
  h('2027-05-03', 'Nghỉ bù Quốc tế Lao động (1/5 là thứ Bảy)', 'Labour Day (in lieu of Sat 1 May)', 'statutory'),
  h('2027-09-02', 'Quốc khánh', 'National Day', 'statutory'),
  // 2/9/2027 is a Thursday; the Government usually picks the adjacent day that joins a weekend.
  h('2027-09-03', 'Quốc khánh (ngày liền kề, ước tính)', 'National Day (adjacent day, estimated)', 'estimated'),
];

/** Saturdays made working days by official swaps (làm bù). */
export const VN_MAKE_UP_WORKING_DAYS_2025_2027: readonly string[] = ['2025-04-26', '2026-01-10'];

/** Dates of `VN_HOLIDAYS_2025_2027`, optionally without the estimated ones. */
export function holidayDates(list: readonly Holiday[] = VN_HOLIDAYS_2025_2027, opts: { includeEstimated?: boolean } = {}): string[] {
  return list.filter((x) => opts.includeEstimated !== false || x.status !== 'estimated').map((x) => x.date);
}

/**
 * A government office in Vietnam: Monday–Friday, 07:30–11:30 and 13:30–17:00 (7.5 h/day), national
 * holidays 2025–2027 including estimates. Provinces set their own hours; pass your own calendar.
 */
export const VN_GOV_CALENDAR: WorkingCalendar = Object.freeze({
  workingDays: [1, 2, 3, 4, 5],
  intervals: [
    { start: '07:30', end: '11:30' },
    { start: '13:30', end: '17:00' },
  ],
  holidays: holidayDates(),
  makeUpWorkingDays: [...VN_MAKE_UP_WORKING_DAYS_2025_2027],
  utcOffsetMinutes: VN_OFFSET_MINUTES,
});
