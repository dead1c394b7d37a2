import { describe, expect, it } from 'vitest';
import { addWorkingTime, DAY_MS, MINUTE_MS, VN_GOV_CALENDAR, vnTime } from '../../../shared/feedback/calendar';
import { DEFAULT_SLA_POLICY, slaClock } from '../../../shared/feedback/sla';
import { foldVietnamese, matches } from '../../../shared/feedback/search';
import { FEEDBACK_STATES, transition, newCase, type FeedbackAction, type PaknCase } from '../../../shared/feedback/workflow';
import { searchTokens } from './feedback.sql';
import { fastFold, matchesTokens } from './fold';
import { LEVELS, SlaIndex, slaInputOf } from './sla-index';
import { allowedStatusChanges, canAssign, SERVER_STATUSES, STATUS_ACTION_TARGET, workflowState } from './status-map';

// Deterministic pseudo-random numbers (no Math.random in tests that must reproduce).
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('SlaIndex.dueAt', () => {
  it('equals addWorkingTime exactly over Tết 2026, weekends, lunch breaks and interval edges', () => {
    const idx = new SlaIndex();
    const r = rng(7);
    const from = vnTime('2025-12-01T00:00');
    const probes = [vnTime('2026-02-13T16:59'), vnTime('2026-02-13T17:00'), vnTime('2026-01-10T08:00'), vnTime('2026-03-02T11:30'), vnTime('2026-03-02T07:30')];
    for (let i = 0; i < 4000; i++) probes.push(from + Math.floor(r() * 150 * DAY_MS));
    for (const received of probes)
      for (const level of LEVELS)
        for (const phase of ['accept', 'handle'] as const) {
          const minutes = idx.targetMinutes(level, phase);
          expect(idx.dueAt(level, phase, received), `${new Date(received).toISOString()} ${level} ${phase}`).toBe(addWorkingTime(received, minutes, VN_GOV_CALENDAR));
        }
  });

  it('thresholds reproduce slaClock overdue / dueSoon for every level and phase', () => {
    const idx = new SlaIndex();
    const r = rng(11);
    for (const now of [vnTime('2026-03-10T09:00'), vnTime('2026-02-16T10:00'), vnTime('2026-03-14T12:00')]) {
      const th = idx.thresholds(now);
      for (let i = 0; i < 1500; i++) {
        const received = now - Math.floor(r() * 30 * DAY_MS);
        for (const level of LEVELS)
          for (const status of ['received', 'in_progress'] as const) {
            const clock = slaClock(slaInputOf({ level, status, receivedAt: new Date(received).toISOString() }), DEFAULT_SLA_POLICY, now);
            const g = th.groups.find((x) => x.level === level && x.phase === (status === 'received' ? 'accept' : 'handle'))!;
            expect(received <= g.overdueMax).toBe(clock.overdue);
            expect(received > g.overdueMax && received <= g.dueSoonMax).toBe(clock.dueSoon);
          }
      }
    }
  });
});

describe('SlaIndex.fastClock', () => {
  it('agrees with slaClock (due, flags, escalation, remaining working minutes) over Tết, weekends and months overdue', () => {
    const idx = new SlaIndex();
    const r = rng(23);
    for (const now of [vnTime('2026-03-10T09:00'), vnTime('2026-02-16T10:00'), vnTime('2026-03-14T12:00'), vnTime('2026-03-09T07:30')]) {
      for (let i = 0; i < 600; i++) {
        const received = now - Math.floor(r() ** 2 * 150 * DAY_MS);
        for (const level of LEVELS)
          for (const status of ['received', 'assigned', 'resolved'] as const) {
            const row = { level, status, receivedAt: new Date(received).toISOString(), updatedAt: new Date(received + DAY_MS).toISOString() };
            const slow = slaClock(slaInputOf(row), DEFAULT_SLA_POLICY, now);
            const fast = idx.fastClock(row, now);
            const at = `${row.receivedAt} ${level} ${status}`;
            expect(fast.phase, at).toBe(slow.phase);
            expect(fast.dueAt, at).toBe(slow.dueAt);
            expect([fast.overdue, fast.dueSoon, fast.escalationLevel], at).toEqual([slow.overdue, slow.dueSoon, slow.escalationLevel]);
            expect(fast.remainingWorkingMinutes, at).toBeCloseTo(slow.remainingWorkingMinutes, 6);
          }
      }
    }
  });
});

describe('status map', () => {
  const ctx = { actor: { id: 'op', role: 'operator' as const }, nowMs: vnTime('2026-03-10T09:00') };
  const sample: Record<string, FeedbackAction> = {
    triage: { type: 'triage' },
    start: { type: 'start' },
    schedule: { type: 'schedule', at: ctx.nowMs + DAY_MS },
    resolve: { type: 'resolve', answer: 'Đã xử lý', photos: ['a.jpg'] },
    publish: { type: 'publish' },
    markDuplicate: { type: 'markDuplicate', of: 'other' },
    notResponsible: { type: 'notResponsible', reason: 'x' },
    reject: { type: 'reject', reason: 'x' },
    refer: { type: 'refer', agencyId: 'ag-2', reason: 'x' },
    reopen: { type: 'reopen', reason: 'x' },
  };

  it("mirrors workflow.ts's targets (checked through transition())", () => {
    for (const [type, target] of Object.entries(STATUS_ACTION_TARGET)) {
      for (const state of FEEDBACK_STATES) {
        const c: PaknCase = { ...newCase({ id: 'c', category: 'road_damage', receivedAt: ctx.nowMs - MINUTE_MS }), state, agencyId: 'ag-1', resolvedAt: ctx.nowMs - MINUTE_MS };
        const res = transition(c, sample[type], ctx);
        if (res.ok) expect(res.event.to, `${type} from ${state}`).toBe(target);
      }
    }
  });

  it('offers only transitions ALLOWED_FROM permits, as statuses the server knows', () => {
    for (const status of SERVER_STATUSES) {
      for (const o of allowedStatusChanges(status)) {
        expect(SERVER_STATUSES).toContain(o.status);
        expect(o.status).not.toBe(status);
      }
    }
    expect(allowedStatusChanges('received').map((o) => o.status)).toEqual(['triage', 'not_responsible', 'rejected']);
    expect(allowedStatusChanges('resolved').map((o) => o.status)).toEqual(['triage', 'published']);
    expect(allowedStatusChanges('published').map((o) => o.status)).toEqual(['triage']);
    expect(allowedStatusChanges('rejected')).toEqual([]);
    expect(workflowState('scheduled')).toBe('scheduled');
    expect(workflowState('action_scheduled')).toBe(null);
    expect(canAssign('received')).toBe(true); // assign from received also accepts the case
    expect(canAssign('triage')).toBe(true);
    expect(canAssign('resolved')).toBe(false);
  });
});

describe('fastFold / matchesTokens', () => {
  it('agree with foldVietnamese-based `matches` on whole words and prefixes', () => {
    const texts = ['Đường hư hỏng, nhiều ổ gà ở thôn 2', 'Sạt lở đất đá tại Trà Giáp', 'ĐÈN ĐƯỜNG không sáng', 'Nước  sinh hoạt\tbị đục', 'Cầu treo Trà Đốc xuống cấp'];
    const queries = ['duong hu hong', 'ĐƯỜNG', 'sat lo', 'tra giap', 'den duong sang', 'nuoc sinh hoat', 'cau treo', 'o ga', 'khong co', 'duon hu'];
    for (const t of texts)
      for (const q of queries) {
        // Token-prefix matching (what FTS does) agrees with substring `matches` on whole words.
        expect(matchesTokens(t, searchTokens(q)), `${t} / ${q}`).toBe(matches(t, q));
      }
    expect(fastFold('Đường Hư Hỏng')).toBe(foldVietnamese('Đường Hư Hỏng'));
  });
});
