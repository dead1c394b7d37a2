import { afterEach, describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  holidayDates,
  isoWeekday,
  isWorkingDay,
  isWorkingTime,
  localDayIndex,
  minutesPerWorkingDay,
  nextWorkingMoment,
  toVnIso,
  VN_GOV_CALENDAR,
  VN_HOLIDAYS_2025_2027,
  vnTime,
  WorkingCalendar,
  workingMinutesBetween,
  type TimeSpan,
} from './calendar';

const t = (local: string) => vnTime(local);
const cal = VN_GOV_CALENDAR;
/** The same office, but open on Saturdays too. */
const SAT_CAL: WorkingCalendar = { ...VN_GOV_CALENDAR, workingDays: [1, 2, 3, 4, 5, 6] };

describe('fixed +7 h wall time', () => {
  it.each([
    ['2026-02-13T19:00', Date.UTC(2026, 1, 13, 12, 0)],
    ['2026-01-01T00:00', Date.UTC(2025, 11, 31, 17, 0)],
    ['2025-06-30T06:59:59', Date.UTC(2025, 5, 29, 23, 59, 59)],
    ['2027-02-06', Date.UTC(2027, 1, 5, 17, 0)],
  ])('vnTime(%s) is the right instant', (local, utc) => {
    expect(vnTime(local)).toBe(utc);
  });

  it.each([
    [Date.UTC(2026, 1, 13, 12, 0), '2026-02-13T19:00:00+07:00'],
    [Date.UTC(2025, 11, 31, 17, 0), '2026-01-01T00:00:00+07:00'],
    [Date.UTC(2025, 11, 31, 16, 59, 59), '2025-12-31T23:59:59+07:00'],
  ])('toVnIso(%i) = %s', (ms, iso) => {
    expect(toVnIso(ms)).toBe(iso);
    expect(Date.parse(iso)).toBe(ms);
  });

  it('the VN local date flips at 17:00Z, not at the machine’s midnight', () => {
    expect(localDayIndex(Date.UTC(2026, 1, 13, 16, 59))).toBe(localDayIndex(t('2026-02-13T12:00')));
    expect(localDayIndex(Date.UTC(2026, 1, 13, 17, 0))).toBe(localDayIndex(t('2026-02-14T12:00')));
  });

  it.each([
    ['2026-03-09', 1],
    ['2026-03-07', 6],
    ['2026-03-08', 7],
    ['1970-01-01', 4],
    ['1969-12-29', 1],
  ])('%s has ISO weekday %i', (date, wd) => {
    expect(isoWeekday(localDayIndex(t(`${date}T12:00`)))).toBe(wd);
  });

  it('rejects strings that carry their own offset', () => {
    expect(() => vnTime('2026-02-13T19:00+07:00')).toThrow();
  });
});

describe('working days', () => {
  it.each([
    ['2026-03-09', true, 'a Monday'],
    ['2026-03-07', false, 'a Saturday'],
    ['2026-02-17', false, 'Tết Bính Ngọ'],
    ['2026-02-23', true, 'first day after Tết'],
    ['2026-04-27', false, 'Hùng Kings compensation day'],
    ['2026-01-02', false, 'swapped day off'],
    ['2026-01-10', true, 'make-up Saturday'],
    ['2025-04-26', true, 'make-up Saturday'],
    ['2025-05-02', false, 'swapped day off'],
    ['2025-09-01', false, 'National Day adjacent day'],
  ])('%s working=%s (%s)', (date, working) => {
    expect(isWorkingDay(t(`${date}T10:00`), cal)).toBe(working);
  });

  it.each([
    ['2026-03-09T07:29', false],
    ['2026-03-09T07:30', true],
    ['2026-03-09T11:29', true],
    ['2026-03-09T11:30', false],
    ['2026-03-09T13:30', true],
    ['2026-03-09T17:00', false],
  ])('%s in working hours: %s', (local, working) => {
    expect(isWorkingTime(t(local), cal)).toBe(working);
  });

  it('a standard day has 7.5 working hours', () => {
    expect(minutesPerWorkingDay(cal)).toBe(450);
  });
});

describe('addWorkingTime', () => {
  it.each([
    // label, calendar, start, minutes, expected
    ['weekend start begins Monday morning', cal, '2026-03-07T10:00', 60, '2026-03-09T08:30'],
    ['Friday-afternoon report: 8 h due Monday afternoon', cal, '2026-03-06T16:00', 480, '2026-03-09T16:30'],
    ['Friday-afternoon report, Saturday office', SAT_CAL, '2026-03-06T16:00', 480, '2026-03-07T16:30'],
    ['after-hours report starts next morning', cal, '2026-03-10T19:00', 60, '2026-03-11T08:30'],
    ['before-hours report starts at 07:30', cal, '2026-03-10T06:00', 30, '2026-03-10T08:00'],
    ['ending exactly at the lunch break stays at 11:30', cal, '2026-03-10T19:00', 240, '2026-03-11T11:30'],
    ['one minute more jumps over lunch', cal, '2026-03-10T19:00', 241, '2026-03-11T13:31'],
    ['lunch break is skipped', cal, '2026-03-11T11:00', 60, '2026-03-11T14:00'],
    ['report during lunch starts at 13:30', cal, '2026-03-11T12:15', 30, '2026-03-11T14:00'],
    ['report at 17:00 starts next day', cal, '2026-03-11T17:00', 30, '2026-03-12T08:00'],
    ['Tết 2026: Friday 13/2 evening → after the holiday', cal, '2026-02-13T19:00', 480, '2026-02-24T08:00'],
    ['Tết 2026: urgent 4 h', cal, '2026-02-13T19:00', 240, '2026-02-23T11:30'],
    ['Tết 2025: Friday 24/1 evening', cal, '2025-01-24T17:30', 60, '2025-02-03T08:30'],
    ['New Year 2026 swap: 1/1 and 2/1 off', cal, '2025-12-31T16:30', 60, '2026-01-05T08:00'],
    ['make-up Saturday 10/1/2026 is worked', cal, '2026-01-09T16:00', 120, '2026-01-10T08:30'],
    ['Hùng Kings 2026 compensation Monday 27/4', cal, '2026-04-24T17:00', 30, '2026-04-28T08:00'],
    ['30/4–1/5/2026 (Thu–Fri)', cal, '2026-04-29T16:00', 120, '2026-05-04T08:30'],
    ['five working days from Monday 10:00 is next Monday 10:00', cal, '2026-03-09T10:00', 5 * 450, '2026-03-16T10:00'],
    ['zero minutes is the start itself', cal, '2026-03-07T10:00', 0, '2026-03-07T10:00'],
  ])('%s', (_label, calendar, start, minutes, expected) => {
    expect(toVnIso(addWorkingTime(t(start), minutes, calendar))).toBe(toVnIso(t(expected)));
  });

  it('skips exclusion spans (pauses), closed and open', () => {
    const start = t('2026-03-09T07:30');
    const pause: TimeSpan = { from: t('2026-03-09T08:00'), to: t('2026-03-09T10:00') };
    expect(addWorkingTime(start, 60, cal, [pause])).toBe(t('2026-03-09T10:30'));
    // An open pause runs until `openEnd`.
    const open: TimeSpan = { from: t('2026-03-09T08:00'), to: null };
    expect(addWorkingTime(start, 60, cal, [open], t('2026-03-09T09:00'))).toBe(t('2026-03-09T09:30'));
  });

  it('refuses negative minutes and calendars with no working time', () => {
    expect(() => addWorkingTime(0, -1, cal)).toThrow();
    const never: WorkingCalendar = { ...cal, workingDays: [7], holidays: [], makeUpWorkingDays: [] };
    const allSundaysOff: WorkingCalendar = {
      ...never,
      holidays: Array.from({ length: 530 }, (_, i) => new Date(Date.UTC(2026, 0, 4 + 7 * i)).toISOString().slice(0, 10)),
    };
    expect(() => addWorkingTime(t('2026-01-01T00:00'), 60, allSundaysOff)).toThrow(/ten years/);
  });
});

describe('workingMinutesBetween', () => {
  const P = (from: string, to: string | null): TimeSpan => ({ from: t(from), to: to ? t(to) : null });
  it.each([
    ['a full working week', '2026-03-09T07:30', '2026-03-13T17:00', [], 5 * 450],
    ['Friday 16:00 → Monday 08:30', '2026-03-06T16:00', '2026-03-09T08:30', [], 120],
    ['over lunch', '2026-03-09T11:00', '2026-03-09T14:00', [], 60],
    ['a weekend', '2026-03-07T00:00', '2026-03-09T00:00', [], 0],
    ['across Tết 2026', '2026-02-13T07:30', '2026-02-23T17:00', [], 900],
    ['reversed is negative', '2026-03-09T08:30', '2026-03-06T16:00', [], -120],
    ['minus a pause', '2026-03-09T07:30', '2026-03-09T11:30', [P('2026-03-09T08:00', '2026-03-09T10:00')], 120],
    [
      'overlapping pauses are counted once',
      '2026-03-09T07:30',
      '2026-03-09T11:30',
      [P('2026-03-09T08:00', '2026-03-09T10:00'), P('2026-03-09T09:00', '2026-03-09T11:00')],
      60,
    ],
    ['an open pause runs to the end', '2026-03-09T07:30', '2026-03-09T11:30', [P('2026-03-09T09:30', null)], 120],
    ['a pause over the weekend changes nothing', '2026-03-06T16:00', '2026-03-09T08:30', [P('2026-03-07T00:00', '2026-03-09T00:00')], 120],
  ] as const)('%s', (_label, a, b, pauses, minutes) => {
    expect(workingMinutesBetween(t(a), t(b), cal, pauses)).toBe(minutes);
  });

  it('is the inverse of addWorkingTime', () => {
    for (const [start, minutes] of [
      ['2026-02-13T19:00', 480],
      ['2026-03-06T16:00', 2250],
      ['2025-12-31T16:30', 1000],
      ['2025-04-25T10:00', 777],
    ] as const) {
      const end = addWorkingTime(t(start), minutes, cal);
      expect(workingMinutesBetween(t(start), end, cal)).toBe(minutes);
    }
  });
});

describe('nextWorkingMoment', () => {
  it.each([
    ['2026-03-07T10:00', '2026-03-09T07:30'],
    ['2026-03-09T12:00', '2026-03-09T13:30'],
    ['2026-03-09T09:00', '2026-03-09T09:00'],
    ['2026-02-13T19:00', '2026-02-23T07:30'],
  ])('%s → %s', (at, expected) => {
    expect(nextWorkingMoment(t(at), cal)).toBe(t(expected));
  });
});

describe('independent of the machine time zone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  const probe = () => [
    vnTime('2026-02-13T19:00'),
    addWorkingTime(vnTime('2026-02-13T19:00'), 480, cal),
    addWorkingTime(vnTime('2026-03-06T16:00'), 2250, cal),
    workingMinutesBetween(vnTime('2026-03-01T00:00'), vnTime('2026-04-01T00:00'), cal),
    toVnIso(vnTime('2026-03-08T23:30')),
  ];

  it.each(['UTC', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'Asia/Ho_Chi_Minh'])('same results under TZ=%s', (tz) => {
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    const expected = probe();
    process.env.TZ = tz;
    expect(probe()).toEqual(expected);
    // 8 March 2026 is the US DST switch: a local-time bug would show up around it.
    expect(toVnIso(addWorkingTime(vnTime('2026-03-06T16:00'), 480, cal))).toBe('2026-03-09T16:30:00+07:00');
  });
});

describe('VN_HOLIDAYS_2025_2027', () => {
  it('lists valid, unique weekday dates, sorted, each with a status', () => {
    const dates = VN_HOLIDAYS_2025_2027.map((h) => h.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    for (const h of VN_HOLIDAYS_2025_2027) {
      expect(toVnIso(vnTime(h.date)).slice(0, 10)).toBe(h.date);
      expect(isoWeekday(localDayIndex(vnTime(`${h.date}T12:00`)))).toBeLessThanOrEqual(5);
      expect(['official', 'statutory', 'estimated']).toContain(h.status);
      if (h.status === 'official') expect(h.source).toBeTruthy();
    }
  });

  it('marks 2027 Tết and the undecided National Day adjacent days as estimates', () => {
    const estimated = VN_HOLIDAYS_2025_2027.filter((h) => h.status === 'estimated').map((h) => h.date);
    expect(estimated).toEqual(['2026-09-01', '2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-09-03']);
    expect(holidayDates(undefined, { includeEstimated: false })).not.toContain('2027-02-08');
  });

  it('the shipped calendar validates against its schema', () => {
    expect(WorkingCalendar.safeParse(VN_GOV_CALENDAR).success).toBe(true);
    expect(WorkingCalendar.safeParse({ ...VN_GOV_CALENDAR, intervals: [{ start: '13:30', end: '11:30' }] }).success).toBe(false);
    expect(
      WorkingCalendar.safeParse({
        ...VN_GOV_CALENDAR,
        intervals: [
          { start: '07:30', end: '12:00' },
          { start: '11:30', end: '17:00' },
        ],
      }).success,
    ).toBe(false);
  });
});
