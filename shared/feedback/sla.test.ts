import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, toVnIso, VN_GOV_CALENDAR, vnTime, type WorkingCalendar } from './calendar';
import { DEFAULT_SLA_POLICY, slaClock, slaPolicy, targetMinutes, type Pause, type SlaCaseInput, type SlaClock } from './sla';

const t = (local: string) => vnTime(local);
const iso = (ms: number | null) => (ms === null ? null : toVnIso(ms).slice(0, 16));
const P = DEFAULT_SLA_POLICY;

function kase(partial: Partial<Omit<SlaCaseInput, 'receivedAt'>> & { receivedAt: string }): SlaCaseInput {
  const { receivedAt, ...rest } = partial;
  return { level: 'normal', acceptedAt: null, resolvedAt: null, pauses: [], ...rest, receivedAt: t(receivedAt) };
}

type Expect = Partial<Omit<SlaClock, 'acceptDueAt' | 'handleDueAt' | 'dueAt'>> & {
  acceptDueAt?: string;
  handleDueAt?: string;
  dueAt?: string | null;
};

function check(clock: SlaClock, e: Expect) {
  const got: Record<string, unknown> = {
    ...clock,
    acceptDueAt: iso(clock.acceptDueAt),
    handleDueAt: iso(clock.handleDueAt),
    dueAt: iso(clock.dueAt),
  };
  const want = Object.fromEntries(Object.keys(e).map((k) => [k, got[k]]));
  expect(want).toEqual(e);
}

describe('slaClock', () => {
  it.each<[string, SlaCaseInput, string, Expect]>([
    [
      'Friday-afternoon report: accept due Monday, handle due next Friday',
      kase({ receivedAt: '2026-03-06T16:00' }),
      '2026-03-06T16:30',
      {
        acceptDueAt: '2026-03-09T16:30',
        handleDueAt: '2026-03-13T16:00',
        phase: 'accept',
        dueAt: '2026-03-09T16:30',
        overdue: false,
        dueSoon: false,
        remainingWorkingMinutes: 450,
      },
    ],
    [
      'weekend report: the clock starts Monday 07:30',
      kase({ receivedAt: '2026-03-07T09:00' }),
      '2026-03-08T20:00',
      { acceptDueAt: '2026-03-10T08:00', remainingWorkingMinutes: 480, dueSoon: false },
    ],
    [
      'after-hours report: clock starts next morning',
      kase({ receivedAt: '2026-03-10T21:00' }),
      '2026-03-10T22:00',
      { acceptDueAt: '2026-03-12T08:00', remainingWorkingMinutes: 480 },
    ],
    [
      'urgent: handling (4 h) comes before acceptance (8 h) and is the running deadline',
      kase({ receivedAt: '2026-03-10T09:00', level: 'urgent' }),
      '2026-03-10T09:00',
      { acceptDueAt: '2026-03-11T09:30', handleDueAt: '2026-03-10T15:00', dueAt: '2026-03-10T15:00', dueSoon: true },
    ],
    [
      'Tết 2026: report on 13/2 evening is due after the holiday',
      kase({ receivedAt: '2026-02-13T19:00' }),
      '2026-02-14T08:00',
      { acceptDueAt: '2026-02-24T08:00', handleDueAt: '2026-02-27T17:00', overdue: false, dueSoon: false, remainingWorkingMinutes: 480 },
    ],
    [
      'Tết 2026 urgent: due-soon by wall time on the last holiday day',
      kase({ receivedAt: '2026-02-13T19:00', level: 'urgent' }),
      '2026-02-22T12:00',
      { dueAt: '2026-02-23T11:30', dueSoon: true, overdue: false, remainingWorkingMinutes: 240 },
    ],
    [
      'complex: 10 working days',
      kase({ receivedAt: '2026-03-09T10:00', level: 'complex', acceptedAt: t('2026-03-09T11:00') }),
      '2026-03-09T11:00',
      { handleDueAt: '2026-03-23T10:00', phase: 'handle', remainingWorkingMinutes: 10 * 450 - 60, acceptedLate: false },
    ],
    [
      'accepted late, handling not yet due',
      kase({ receivedAt: '2026-03-09T08:00', acceptedAt: t('2026-03-10T10:00') }),
      '2026-03-10T10:00',
      { acceptDueAt: '2026-03-10T08:30', acceptedLate: true, phase: 'handle', overdue: false, escalationLevel: 0 },
    ],
    [
      'resolved: the clock stops',
      kase({ receivedAt: '2026-03-09T08:00', acceptedAt: t('2026-03-09T09:00'), resolvedAt: t('2026-03-17T09:00') }),
      '2026-04-01T09:00',
      { phase: 'done', dueAt: null, overdue: false, dueSoon: false, escalationLevel: 0, remainingWorkingMinutes: 0, resolvedLate: true },
    ],
  ])('%s', (_label, c, now, e) => {
    check(slaClock(c, P, t(now)), e);
  });

  describe('escalation', () => {
    // Received Monday 08:00, never accepted: acceptance due Tuesday 08:30.
    const c = kase({ receivedAt: '2026-03-09T08:00' });
    it.each<[string, 0 | 1 | 2, boolean, number]>([
      ['2026-03-10T08:30', 0, false, 0],
      ['2026-03-10T08:31', 1, true, -1],
      ['2026-03-10T10:00', 1, true, -90],
      ['2026-03-11T09:00', 1, true, -480], // exactly 8 working hours late: not yet
      ['2026-03-11T09:01', 2, true, -481],
      ['2026-03-11T10:00', 2, true, -540],
    ])('at %s level %i', (now, level, overdue, remaining) => {
      check(slaClock(c, P, t(now)), { escalationLevel: level, overdue, remainingWorkingMinutes: remaining });
    });

    it('the threshold is configurable', () => {
      const quick = slaPolicy({ escalateAfterMinutes: 60 });
      expect(slaClock(c, quick, t('2026-03-10T09:30')).escalationLevel).toBe(1);
      expect(slaClock(c, quick, t('2026-03-10T09:32')).escalationLevel).toBe(2);
    });
  });

  describe('due-soon boundary (24 h wall time before the due instant)', () => {
    const c = kase({ receivedAt: '2026-03-09T08:00' }); // due Tuesday 08:30
    it.each([
      ['2026-03-09T08:29', false, false],
      ['2026-03-09T08:30', true, false],
      ['2026-03-10T08:30', true, false],
      ['2026-03-10T08:30:01', false, true],
    ])('at %s dueSoon=%s overdue=%s', (now, dueSoon, overdue) => {
      check(slaClock(c, P, t(now)), { dueSoon, overdue });
    });

    it('the window is configurable', () => {
      const twoHours = slaPolicy({ dueSoonMs: 2 * HOUR_MS });
      expect(slaClock(c, twoHours, t('2026-03-10T06:29')).dueSoon).toBe(false);
      expect(slaClock(c, twoHours, t('2026-03-10T06:30')).dueSoon).toBe(true);
    });
  });

  describe('pause and resume', () => {
    // Received and accepted Monday 09/3; normal = 5 working days → due Monday 16/3 08:00.
    const base = kase({ receivedAt: '2026-03-09T08:00', acceptedAt: t('2026-03-09T09:00') });
    const pause = (from: string, to: string | null, reason = 'Chờ người dân bổ sung thông tin'): Pause => ({
      from: t(from),
      to: to ? t(to) : null,
      reason,
    });

    it.each<[string, Pause[], string, Expect]>([
      ['no pause', [], '2026-03-10T15:00', { handleDueAt: '2026-03-16T08:00', paused: false, remainingWorkingMinutes: 1500 }],
      [
        'paused since Tuesday morning: remaining frozen, due projected',
        [pause('2026-03-10T07:30', null)],
        '2026-03-10T15:00',
        { handleDueAt: '2026-03-16T15:30', paused: true, pauseReason: 'Chờ người dân bổ sung thông tin', remainingWorkingMinutes: 1830 },
      ],
      [
        'still paused next day: remaining unchanged',
        [pause('2026-03-10T07:30', null)],
        '2026-03-11T10:00',
        { paused: true, remainingWorkingMinutes: 1830, overdue: false },
      ],
      [
        'resumed after one full working day: due moves one day later',
        [pause('2026-03-10T07:30', '2026-03-11T07:30')],
        '2026-03-11T07:30',
        { handleDueAt: '2026-03-17T08:00', paused: false, pauseReason: null, remainingWorkingMinutes: 1830 },
      ],
      [
        'a pause over the weekend changes nothing',
        [pause('2026-03-13T17:00', '2026-03-16T07:30')],
        '2026-03-16T07:30',
        { handleDueAt: '2026-03-16T08:00', remainingWorkingMinutes: 30 },
      ],
      [
        'paused while overdue: escalation stops growing',
        [pause('2026-03-16T09:00', null, 'Mưa lớn, chưa thể thi công')],
        '2026-03-20T09:00',
        { overdue: true, escalationLevel: 1, remainingWorkingMinutes: -60, paused: true },
      ],
    ])('%s', (_label, pauses, now, e) => {
      check(slaClock({ ...base, pauses }, P, t(now)), e);
    });
  });

  it('re-opened case: the clocks restart at clockStartAt', () => {
    const c = kase({
      receivedAt: '2026-03-02T08:00',
      clockStartAt: t('2026-03-20T10:00'),
      acceptedAt: t('2026-03-20T10:00'),
    });
    check(slaClock(c, P, t('2026-03-20T10:00')), { handleDueAt: '2026-03-27T10:00', phase: 'handle', overdue: false });
  });

  it('handling can be counted from acceptance instead of reception', () => {
    const policy = slaPolicy({ handleFrom: 'accepted' });
    const c = kase({ receivedAt: '2026-03-09T08:00', level: 'urgent', acceptedAt: t('2026-03-09T14:00') });
    check(slaClock(c, policy, t('2026-03-09T14:00')), { handleDueAt: '2026-03-10T08:30' });
    // Not accepted yet: handling is projected from the acceptance deadline.
    const waiting = kase({ receivedAt: '2026-03-09T08:00', level: 'urgent' });
    check(slaClock(waiting, policy, t('2026-03-09T09:00')), { acceptDueAt: '2026-03-10T08:30', handleDueAt: '2026-03-10T14:30' });
  });

  it.each<[string, Parameters<typeof targetMinutes>[0], WorkingCalendar, number]>([
    ['minutes as given', { minutes: 240 }, VN_GOV_CALENDAR, 240],
    ['5 days of 7.5 h', { days: 5 }, VN_GOV_CALENDAR, 2250],
    ['5 days of 8 h = 40 h', { days: 5 }, { ...VN_GOV_CALENDAR, intervals: [{ start: '07:00', end: '11:00' }, { start: '13:00', end: '17:00' }] }, 2400],
  ])('targetMinutes: %s', (_label, target, cal, minutes) => {
    expect(targetMinutes(target, cal)).toBe(minutes);
  });

  it('policy overrides keep the other defaults', () => {
    const p = slaPolicy({ handle: { ...DEFAULT_SLA_POLICY.handle, normal: { minutes: 600 } } });
    expect(p.accept).toEqual({ minutes: 480 });
    expect(p.handle.urgent).toEqual({ minutes: 240 });
    const c = kase({ receivedAt: '2026-03-09T07:30', acceptedAt: t('2026-03-09T08:00') });
    expect(slaClock(c, p, t('2026-03-09T08:00')).handleDueAt).toBe(t('2026-03-10T10:00'));
    expect(MINUTE_MS).toBe(60_000);
  });
});
