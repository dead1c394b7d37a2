import { describe, expect, it } from 'vitest';
import { CATALOGUE, COMPONENTS, GROUPS_766, INDICATORS, indicator, stateOf } from './catalogue';
import { EMPTY_766, add766, combine, dropoutPct, ratio, rollup, score766, whatIf766, type Inputs766 } from './formulas';
import { isoWeek, periodOf, periodRange, periodsBetween, previousPeriod } from './periods';
import { DISTRICT_ID, NEW_UNITS, OLD_UNITS, REPORTING_UNITS, rollupTargets } from './units';

describe('catalogue', () => {
  it('has every indicator the issue lists, with unique codes', () => {
    const codes = CATALOGUE.map((i) => i.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of [
      'cam.online_pct', 'cam.uptime_pct', 'cam.offline_now',
      'dvc.ontime_pct', 'dvc.avg_days', 'dvc.synced_pct', 'dvc.online_pct', 'dvc.payment_pct', 'dvc.digitized_pct', 'dvc.satisfaction_pct', 'dvc.score766',
      'pakn.received', 'pakn.ontime_pct', 'pakn.avg_hours', 'pakn.overdue',
      'cyber.mentions', 'cyber.negative_pct',
      'hl.ehr_coverage_pct', 'hl.ehr_standardized_pct', 'hl.visit_sync_pct', 'hl.fully_immunized_pct', 'hl.cov.bcg', 'hl.cov.hepb0', 'hl.cov.dtp3', 'hl.cov.opv3', 'hl.cov.mr9', 'hl.dtp_dropout_pct', 'hl.tt_protected_pct',
      'ed.enrol_primary_pct', 'ed.enrol_lower_secondary_pct', 'ed.dropout_pct', 'ed.schools_standard_pct', 'ed.solid_classrooms_pct',
    ]) expect(INDICATORS.has(c), c).toBe(true);
    for (const comp of COMPONENTS) expect(CATALOGUE.some((i) => i.component === comp)).toBe(true);
  });

  it.each(CATALOGUE.map((i) => [i.code, i] as const))('%s is well formed', (_c, i) => {
    expect(i.vi.trim()).not.toBe('');
    expect(i.en.trim()).not.toBe('');
    expect(i.source.trim()).not.toBe('');
    if (i.aggregation === 'ratio') expect(i.scale).toBeGreaterThan(0);
    if (i.thresholds) {
      if (i.direction === 'up') expect(i.thresholds.green).toBeGreaterThanOrEqual(i.thresholds.amber);
      else expect(i.thresholds.green).toBeLessThanOrEqual(i.thresholds.amber);
    }
  });

  it('766 groups weigh 18/20/22/22/18 = 100 and each has a group indicator with that target', () => {
    expect(GROUPS_766).toEqual({ transparency: 18, progress: 20, digitization: 22, online: 22, satisfaction: 18 });
    expect(Object.values(GROUPS_766).reduce((s, v) => s + v, 0)).toBe(100);
    for (const [g, pts] of Object.entries(GROUPS_766)) expect(indicator(`dvc.g766.${g}`).target).toBe(pts);
  });

  it.each([
    ['dvc.ontime_pct', 95, 'green'], ['dvc.ontime_pct', 94.99, 'amber'], ['dvc.ontime_pct', 85, 'amber'], ['dvc.ontime_pct', 84.9, 'red'],
    ['ed.dropout_pct', 1, 'green'], ['ed.dropout_pct', 2, 'amber'], ['ed.dropout_pct', 3.01, 'red'],
    ['cam.offline_now', 0, 'green'], ['cam.offline_now', 2, 'amber'], ['cam.offline_now', 3, 'red'],
    ['dvc.ontime_pct', null, 'none'], ['dvc.received', 40, 'none'], ['dvc.ontime_pct', Number.NaN, 'none'],
  ] as const)('state of %s = %s → %s', (code, value, state) => {
    expect(stateOf(indicator(code), value)).toBe(state);
  });
});

describe('ratios and aggregation', () => {
  it.each([
    [1, 2, 100, 50], [0, 0, 100, null], [5, 0, 1, null], [0, 4, 100, 0], [null, 4, 1, null], [3, null, 1, null],
  ] as const)('ratio(%s, %s) ×%s = %s', (n, d, s, want) => {
    expect(ratio(n, d, s)).toBe(want);
  });

  it('a district percentage is Σnum/Σden, not the mean of commune percentages', () => {
    const p = combine('ratio', [{ value: 100, numerator: 1, denominator: 1 }, { value: 50, numerator: 50, denominator: 100 }], 100);
    expect(p.value).toBeCloseTo((51 / 101) * 100, 10);
  });

  it.each([
    ['sum', [3, 4, null], 7], ['max', [3, 9, 4], 9], ['sum', [null, null], null],
  ] as const)('%s of %j = %s', (rule, vals, want) => {
    expect(combine(rule, vals.map((v) => ({ value: v }))).value).toBe(want);
  });

  it('all-zero denominators give null, not 0 or NaN', () => {
    expect(combine('ratio', [{ value: null, numerator: 0, denominator: 0 }, { value: null, numerator: 0, denominator: 0 }], 100).value).toBeNull();
    expect(combine('mean', [], 1).value).toBeNull();
    expect(dropoutPct(0, 0)).toBeNull();
    expect(dropoutPct(100, 92)).toBe(8);
  });
});

describe('units merged in 2025', () => {
  it('13 pre-2025 units map onto 5 communes; 19 reporting units in all', () => {
    expect(OLD_UNITS).toHaveLength(13);
    expect(NEW_UNITS).toHaveLength(5);
    expect(new Set(OLD_UNITS.map((u) => u.successorId))).toEqual(new Set(NEW_UNITS.map((u) => u.id)));
    expect(REPORTING_UNITS).toHaveLength(19);
  });

  it.each([
    ['vn-2019:20900', ['vn-2019:20900', 'vn-2025:20900', DISTRICT_ID]], // Trà Sơn → Trà My (code reused)
    ['vn-2025:20900', ['vn-2025:20900', DISTRICT_ID]], // Trà My, cannot be split back
    ['vn-2019:20908', ['vn-2019:20908', 'vn-2025:20908', DISTRICT_ID]], // Trà Đông → Trà Liên (code reused)
    ['vn-2019:20932', ['vn-2019:20932', 'vn-2025:20929', DISTRICT_ID]], // Trà Ka → Trà Giáp
    [null, [DISTRICT_ID]],
    ['vn-2025:99999', [DISTRICT_ID]],
  ] as const)('%s counts for %j', (unit, want) => {
    expect(rollupTargets(unit)).toEqual(want);
  });

  it('rolls pre- and post-merger records up consistently: 2019 units into their 2025 commune, all into the district', () => {
    const ind = indicator('hl.cov.dtp3');
    const leaves = [
      { unitId: 'vn-2019:20899', value: null, numerator: 40, denominator: 50 }, // TT Trà My
      { unitId: 'vn-2019:20911', value: null, numerator: 10, denominator: 20 }, // Trà Dương
      { unitId: 'vn-2019:20914', value: null, numerator: 0, denominator: 0 }, // Trà Giang, no children due
      { unitId: 'vn-2025:20900', value: null, numerator: 30, denominator: 30 }, // after July 2025
      { unitId: 'vn-2019:20932', value: null, numerator: 5, denominator: 10 }, // Trà Ka → Trà Giáp
    ];
    const r = rollup(ind, leaves);
    expect(r.get('vn-2025:20900')).toEqual({ value: (80 / 100) * 100, numerator: 80, denominator: 100 });
    expect(r.get('vn-2019:20914')?.value).toBeNull();
    expect(r.get('vn-2019:20899')?.value).toBe(80);
    expect(r.get('vn-2025:20929')?.value).toBe(50);
    expect(r.get(DISTRICT_ID)).toEqual({ value: (85 / 110) * 100, numerator: 85, denominator: 110 });
    expect(r.has('vn-2019:20900')).toBe(false); // Trà Sơn had no record; post-2025 Trà My is not split back
  });

  it('sums counts across the crosswalk', () => {
    const r = rollup(indicator('dvc.received'), [
      { unitId: 'vn-2019:20902', value: 3 }, { unitId: 'vn-2019:20905', value: 4 }, { unitId: 'vn-2025:20908', value: 10 },
    ]);
    expect(r.get('vn-2025:20908')?.value).toBe(17);
    expect(r.get(DISTRICT_ID)?.value).toBe(17);
  });
});

const perfect: Inputs766 = { received: 100, synced: 100, completed: 100, earlyOrOnTime: 100, overdueOpen: 0, daysUsed: 50, daysAllowed: 100, digitized: 100, online: 50, withFee: 10, paidOnline: 4, ratings: 10, satisfied: 10 };

describe('Decision 766 score', () => {
  it('full marks give exactly the group weights and 100', () => {
    const s = score766(perfect);
    expect(s.groups).toEqual(GROUPS_766);
    expect(s.total).toBe(100);
  });

  it.each([
    ['transparency', { synced: 50 }, 9],
    ['progress', { earlyOrOnTime: 50 }, 20 * (0.8 * 0.5 + 0.2)],
    ['progress', { daysUsed: 100 }, 20 * (0.8 + 0.2 * 0.5)],
    ['progress', { overdueOpen: 25 }, 20 * (0.8 * 0.8 + 0.2)],
    ['digitization', { digitized: 25 }, 5.5],
    ['online', { online: 25 }, 11 * 0.5 + 11],
    ['online', { paidOnline: 0 }, 11],
    ['satisfaction', { satisfied: 9 }, 16.2],
  ] as const)('%s group with %j = %s', (g, change, want) => {
    const s = score766({ ...perfect, ...change });
    expect(s.groups[g]).toBeCloseTo(want, 2);
    const others = Object.entries(s.groups).filter(([k]) => k !== g).reduce((a, [, v]) => a + (v ?? 0), 0);
    expect(s.total).toBeCloseTo(others + want, 2);
  });

  it('zero denominators: no dossiers → no score (null), not zero points', () => {
    const s = score766(EMPTY_766);
    expect(s.total).toBeNull();
    expect(Object.values(s.groups).every((v) => v === null)).toBe(true);
    const noRatings = score766({ ...perfect, ratings: 0, satisfied: 0 });
    expect(noRatings.groups.satisfaction).toBeNull();
    expect(noRatings.total).toBeNull();
    expect(noRatings.partial).toBe(82);
    expect(noRatings.partialMax).toBe(82);
  });

  it('what-if: closing N due-soon dossiers on time raises the score; closing overdue ones does not raise progress', () => {
    const i = { ...perfect, completed: 80, earlyOrOnTime: 60, overdueOpen: 20, digitized: 80 };
    const w = whatIf766(i, { closeDueSoonOnTime: 10, daysEach: 2, allowedEach: 4 });
    expect(w.delta).toBeGreaterThan(0);
    expect(w.after.groups.progress!).toBeGreaterThan(w.before.groups.progress!);
    expect(w.delta).toBeCloseTo(w.after.total! - w.before.total!, 2);
    const o = whatIf766(i, { closeOverdue: 5, digitized: false });
    expect(o.after.groups.progress!).toBeLessThanOrEqual(o.before.groups.progress!);
    expect(whatIf766(i, {}).delta).toBe(0);
  });

  it('add766 adds field by field', () => {
    expect(add766(EMPTY_766, { received: 2, synced: 1 }).received).toBe(2);
  });
});

describe('periods (Asia/Ho_Chi_Minh)', () => {
  it.each([
    ['2026-11-26T16:59:59Z', '2026-11-26', '2026-W48', '2026-11', '2026'],
    ['2026-11-26T17:00:00Z', '2026-11-27', '2026-W48', '2026-11', '2026'],
    ['2025-12-31T17:30:00Z', '2026-01-01', '2026-W01', '2026-01', '2026'],
    ['2027-01-01T03:00:00Z', '2027-01-01', '2026-W53', '2027-01', '2027'],
    ['2024-12-30T00:00:00Z', '2024-12-30', '2025-W01', '2024-12', '2024'],
  ])('%s → %s %s %s %s', (t, d, w, m, y) => {
    expect([periodOf('day', t), periodOf('week', t), periodOf('month', t), periodOf('year', t)]).toEqual([d, w, m, y]);
  });

  it.each(['2026-11-26', '2026-W48', '2026-W01', '2026-W53', '2026-02', '2026-12', '2025'])('range of %s round-trips', (p) => {
    const { start, end } = periodRange(p);
    expect(end).toBeGreaterThan(start);
    const kind = p.length === 10 ? 'day' : p.includes('W') ? 'week' : p.length === 7 ? 'month' : 'year';
    expect(periodOf(kind, start)).toBe(p);
    expect(periodOf(kind, end - 1)).toBe(p);
    expect(periodOf(kind, end)).not.toBe(p);
  });

  it('local midnight is 17:00 UTC the day before', () => {
    expect(new Date(periodRange('2026-11-26').start).toISOString()).toBe('2026-11-25T17:00:00.000Z');
    expect(new Date(periodRange('2026-W48').start).toISOString()).toBe('2026-11-22T17:00:00.000Z'); // Monday 23 Nov
  });

  it('previous periods and ranges', () => {
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(previousPeriod('2026-W01')).toBe('2025-W52');
    expect(previousPeriod('2026-03-01')).toBe('2026-02-28');
    expect(periodsBetween('month', '2025-11-15T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodsBetween('day', '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')).toHaveLength(365);
    expect(isoWeek(2020, 12, 31)).toEqual({ year: 2020, week: 53 });
  });
});
