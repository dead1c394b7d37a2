import { describe, expect, it } from 'vitest';
import { DAY_MS, vnTime } from './calendar';
import { FEEDBACK_CATEGORIES } from './categories';
import { DEFAULT_SLA_POLICY, slaClock } from './sla';
import {
  ALLOWED_FROM,
  applyAll,
  FEEDBACK_LEVEL_LABELS,
  FEEDBACK_STATE_LABELS,
  FEEDBACK_STATES,
  FeedbackAction,
  newCase,
  openClosed,
  PaknCase,
  transition,
  type FeedbackActionType,
  type FeedbackState,
  type TransitionContext,
} from './workflow';

const T0 = vnTime('2026-03-09T08:00');
const operator = (nowMs: number, extra: Partial<TransitionContext> = {}): TransitionContext => ({
  actor: { id: 'op-1', role: 'operator' },
  nowMs,
  ...extra,
});
const citizen = (nowMs: number, extra: Partial<TransitionContext> = {}): TransitionContext => ({
  actor: { id: 'cd-0905', role: 'citizen' },
  nowMs,
  ...extra,
});

const road = () => newCase({ id: 'PA-1', category: 'road_damage', receivedAt: T0 });

/** A case sitting in `state` with consistent fields (as if it got there through the workflow). */
function inState(state: FeedbackState, extra: Partial<PaknCase> = {}): PaknCase {
  return {
    ...road(),
    state,
    agencyId: 'agency:public-works',
    acceptedAt: T0 + 1,
    resolvedAt: state === 'resolved' || state === 'published' ? T0 + DAY_MS : null,
    publishedAt: state === 'published' ? T0 + DAY_MS : null,
    ...extra,
  };
}

/** A valid action of each type, so only the state decides. */
const SAMPLE: Record<FeedbackActionType, FeedbackAction> = {
  triage: { type: 'triage' },
  assign: { type: 'assign', agencyId: 'agency:commune-tra-my', officer: 'Nguyễn Văn A' },
  start: { type: 'start' },
  schedule: { type: 'schedule', at: T0 + 5 * DAY_MS },
  resolve: { type: 'resolve', answer: 'Đã vá ổ gà, thông xe.', photos: ['after-1.jpg'] },
  publish: { type: 'publish' },
  markDuplicate: { type: 'markDuplicate', of: 'PA-0' },
  notResponsible: { type: 'notResponsible', reason: 'Quốc lộ 40B do Cục Đường bộ quản lý' },
  reject: { type: 'reject', reason: 'Nội dung không rõ ràng' },
  refer: { type: 'refer', agencyId: 'agency:police', reason: 'Liên quan an ninh' },
  reopen: { type: 'reopen', reason: 'Ổ gà xuất hiện lại' },
  pause: { type: 'pause', reason: 'Chờ tạnh mưa' },
  resume: { type: 'resume' },
  setLevel: { type: 'setLevel', level: 'urgent' },
  addNote: { type: 'addNote', text: 'Đã gọi điện cho người dân' },
};

describe('allowed-from table', () => {
  const now = T0 + 2 * DAY_MS;
  const rows = (Object.keys(SAMPLE) as FeedbackActionType[]).flatMap((type) =>
    FEEDBACK_STATES.map((state) => [type, state, ALLOWED_FROM[type].includes(state)] as const),
  );
  it.each(rows)('%s from %s → allowed=%s', (type, state, allowed) => {
    const c = inState(state, type === 'resume' ? { pauses: [{ from: T0 + 2, to: null, reason: 'x' }] } : {});
    const r = transition(c, SAMPLE[type], citizenOrOperator(type, now));
    if (allowed) expect(r).toMatchObject({ ok: true });
    else expect(r).toMatchObject({ ok: false, code: 'not_allowed_from_state' });
  });

  function citizenOrOperator(type: FeedbackActionType, now: number) {
    return type === 'reopen' ? citizen(now) : operator(now);
  }
});

describe('transition', () => {
  it('happy path: received → triage → assigned → in_progress → resolved → published, with history', () => {
    const t = (h: number) => T0 + h * 3_600_000;
    const { case: c, events, error } = applyAll(road(), [
      { action: { type: 'triage' }, ctx: operator(t(1)) },
      { action: { type: 'assign', agencyId: 'agency:commune-tra-my', officer: 'Nguyễn Văn A' }, ctx: operator(t(2)) },
      { action: { type: 'start' }, ctx: { actor: { id: 'officer-a', role: 'officer' }, nowMs: t(3) } },
      { action: { type: 'resolve', answer: 'Đã vá ổ gà bằng bê tông nhựa.', photos: ['before.jpg', 'after.jpg'] }, ctx: { actor: { id: 'officer-a', role: 'officer' }, nowMs: t(30) } },
      { action: { type: 'publish' }, ctx: operator(t(31)) },
    ]);
    expect(error).toBeUndefined();
    expect(c).toMatchObject({
      state: 'published',
      acceptedAt: t(1),
      agencyId: 'agency:commune-tra-my',
      officer: 'Nguyễn Văn A',
      resolvedAt: t(30),
      publishedAt: t(31),
      resolution: { answer: 'Đã vá ổ gà bằng bê tông nhựa.', photos: ['before.jpg', 'after.jpg'] },
    });
    expect(events.map((e) => `${e.from}→${e.to}`)).toEqual([
      'received→triage',
      'triage→assigned',
      'assigned→in_progress',
      'in_progress→resolved',
      'resolved→published',
    ]);
    expect(events[1]).toEqual({
      caseId: 'PA-1',
      type: 'assign',
      actor: 'op-1',
      actorRole: 'operator',
      at: t(2),
      from: 'triage',
      to: 'assigned',
      data: { agencyId: 'agency:commune-tra-my', officer: 'Nguyễn Văn A' },
    });
    expect(PaknCase.safeParse(c).success).toBe(true);
    // The acceptance SLA was met; the clock is done.
    expect(slaClock(c, DEFAULT_SLA_POLICY, t(40))).toMatchObject({ phase: 'done', acceptedLate: false });
  });

  it.each<[string, PaknCase, unknown, TransitionContext, string]>([
    ['unknown action', inState('received'), { type: 'close' }, operator(T0), 'invalid_action'],
    ['resolve without answer', inState('in_progress'), { type: 'resolve', answer: '   ', photos: ['a.jpg'] }, operator(T0), 'invalid_action'],
    ['reject without reason', inState('triage'), { type: 'reject' }, operator(T0), 'invalid_action'],
    ['assign without agency', inState('triage'), { type: 'assign', agencyId: '' }, operator(T0), 'invalid_action'],
    ['road fix without an "after" photo', inState('in_progress'), { type: 'resolve', answer: 'Đã sửa.', photos: [] }, operator(T0), 'photo_required'],
    ['duplicate of itself', inState('triage'), { type: 'markDuplicate', of: 'PA-1' }, operator(T0), 'invalid_argument'],
    ['schedule in the past', inState('assigned'), { type: 'schedule', at: T0 - 1 }, operator(T0), 'invalid_argument'],
    ['refer to the same agency', inState('assigned'), { type: 'refer', agencyId: 'agency:public-works', reason: 'x' }, operator(T0), 'invalid_argument'],
    ['pause twice', inState('assigned', { pauses: [{ from: T0, to: null, reason: 'x' }] }), { type: 'pause', reason: 'y' }, operator(T0), 'already_paused'],
    ['resume when running', inState('assigned'), { type: 'resume' }, operator(T0), 'not_paused'],
    ['officer re-opens', inState('resolved'), { type: 'reopen', reason: 'x' }, { actor: { id: 'o', role: 'officer' }, nowMs: T0 + DAY_MS }, 'forbidden'],
  ])('refuses: %s', (_label, c, action, ctx, code) => {
    const r = transition(c, action, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message.length).toBeGreaterThan(0);
    }
  });

  it('categories without needsFixPhoto resolve with an answer only', () => {
    const c = { ...inState('in_progress'), category: 'admin_procedure' };
    expect(transition(c, { type: 'resolve', answer: 'Đã hướng dẫn công dân bổ sung hồ sơ.', photos: [] }, operator(T0))).toMatchObject({
      ok: true,
      next: { state: 'resolved' },
    });
  });

  it('the category catalogue can be overridden through the context', () => {
    const c = { ...inState('in_progress'), category: 'admin_procedure' };
    const strict = FEEDBACK_CATEGORIES.map((k) => ({ ...k, needsFixPhoto: true }));
    expect(transition(c, { type: 'resolve', answer: 'Xong.', photos: [] }, operator(T0, { categories: strict }))).toMatchObject({
      ok: false,
      code: 'photo_required',
    });
  });

  describe('reopen window', () => {
    const resolvedAt = T0 + DAY_MS;
    it.each<[string, FeedbackState, number, number | undefined, boolean]>([
      ['within 7 days of resolution', 'resolved', resolvedAt + 6 * DAY_MS, undefined, true],
      ['exactly 7 days', 'resolved', resolvedAt + 7 * DAY_MS, undefined, true],
      ['7 days + 1 ms', 'resolved', resolvedAt + 7 * DAY_MS + 1, undefined, false],
      ['published: counted from publication', 'published', resolvedAt + 8 * DAY_MS, undefined, true],
      ['configured 3-day window', 'resolved', resolvedAt + 4 * DAY_MS, 3 * DAY_MS, false],
    ])('%s', (_label, state, now, window, ok) => {
      const c = inState(state, { resolvedAt, publishedAt: state === 'published' ? resolvedAt + 2 * DAY_MS : null });
      const r = transition(c, { type: 'reopen', reason: 'Chưa khắc phục xong' }, citizen(now, { reopenWindowMs: window }));
      expect(r.ok).toBe(ok);
      if (!r.ok) expect(r.code).toBe('reopen_window_expired');
    });

    it('goes back to triage, counts, clears the answer and restarts the SLA clock', () => {
      const now = resolvedAt + 2 * DAY_MS;
      const c = inState('published', { resolvedAt, resolution: { answer: 'Đã sửa', photos: ['a.jpg'] }, reopenCount: 1 });
      const r = transition(c, { type: 'reopen', reason: 'Ổ gà xuất hiện lại' }, citizen(now));
      expect(r).toMatchObject({
        ok: true,
        next: { state: 'triage', reopenCount: 2, clockStartAt: now, resolvedAt: null, publishedAt: null, resolution: null },
        event: { from: 'published', to: 'triage', actor: 'cd-0905', actorRole: 'citizen', data: { reason: 'Ổ gà xuất hiện lại' } },
      });
      if (r.ok) expect(openClosed('triage', { ...c, ...r.next }).status_notes).toContain('mở lại (lần 2)');
    });
  });

  it('pause and resume keep the state and record the span; resolving closes an open pause', () => {
    let c = inState('in_progress');
    const p = transition(c, { type: 'pause', reason: 'Chờ tạnh mưa' }, operator(T0 + 10));
    expect(p).toMatchObject({ ok: true, next: { pauses: [{ from: T0 + 10, to: null, reason: 'Chờ tạnh mưa' }] } });
    expect(p.ok && p.next.state).toBeUndefined();
    if (!p.ok) return;
    c = { ...c, ...p.next };
    const r = transition(c, { type: 'resume' }, operator(T0 + 20));
    expect(r).toMatchObject({ ok: true, next: { pauses: [{ from: T0 + 10, to: T0 + 20 }] }, event: { from: 'in_progress', to: 'in_progress' } });
    const paused = { ...c };
    const done = transition(paused, SAMPLE.resolve, operator(T0 + 30));
    expect(done).toMatchObject({ ok: true, next: { state: 'resolved', pauses: [{ from: T0 + 10, to: T0 + 30 }] } });
  });

  it.each<[string, FeedbackAction, Partial<PaknCase>]>([
    ['duplicate', { type: 'markDuplicate', of: 'PA-0' }, { state: 'duplicate', duplicateOf: 'PA-0' }],
    ['not responsible', SAMPLE.notResponsible, { state: 'not_responsible', closeReason: 'Quốc lộ 40B do Cục Đường bộ quản lý' }],
    ['rejected', SAMPLE.reject, { state: 'rejected', closeReason: 'Nội dung không rõ ràng' }],
    ['internal referral', SAMPLE.refer, { state: 'internal_referral', agencyId: 'agency:police', officer: null }],
    ['level change', SAMPLE.setLevel, { level: 'urgent' }],
  ])('side exit / update: %s', (_label, action, expected) => {
    const r = transition(inState('triage', { officer: 'x' }), action, operator(T0));
    expect(r).toMatchObject({ ok: true, next: expected });
  });

  it('after an internal referral the receiving agency triages and assigns', () => {
    const { case: c, error } = applyAll(inState('assigned'), [
      { action: SAMPLE.refer, ctx: operator(T0 + 1) },
      { action: { type: 'triage' }, ctx: operator(T0 + 2) },
      { action: { type: 'assign', agencyId: 'agency:police' }, ctx: operator(T0 + 3) },
    ]);
    expect(error).toBeUndefined();
    expect(c).toMatchObject({ state: 'assigned', agencyId: 'agency:police', officer: null, acceptedAt: T0 + 1 });
  });

  it('notes count up in any state', () => {
    for (const state of FEEDBACK_STATES) {
      const r = transition(inState(state, { noteCount: 2 }), SAMPLE.addNote, operator(T0));
      expect(r).toMatchObject({ ok: true, next: { noteCount: 3 }, event: { from: state, to: state, data: { text: 'Đã gọi điện cho người dân' } } });
    }
  });

  it('applyAll stops at the first refusal and reports its index', () => {
    const r = applyAll(road(), [
      { action: { type: 'triage' }, ctx: operator(T0 + 1) },
      { action: { type: 'publish' }, ctx: operator(T0 + 2) },
      { action: { type: 'start' }, ctx: operator(T0 + 3) },
    ]);
    expect(r.case.state).toBe('triage');
    expect(r.events).toHaveLength(1);
    expect(r.error).toMatchObject({ index: 1, code: 'not_allowed_from_state' });
  });
});

describe('newCase', () => {
  it.each([
    ['landslide', undefined, 'urgent'],
    ['land', undefined, 'complex'],
    ['road_damage', undefined, 'normal'],
    ['unknown-code', undefined, 'normal'],
    ['road_damage', 'urgent', 'urgent'],
  ] as const)('%s (level %s) starts as %s', (category, level, expected) => {
    const c = newCase({ id: 'x', category, receivedAt: T0, level });
    expect(c).toMatchObject({ state: 'received', level: expected, reopenCount: 0, pauses: [] });
    expect(PaknCase.safeParse(c).success).toBe(true);
  });
});

describe('labels and Open311 mapping', () => {
  it.each(FEEDBACK_STATES)('%s has Vietnamese and English labels', (s) => {
    expect(FEEDBACK_STATE_LABELS[s].vi.length).toBeGreaterThan(0);
    expect(FEEDBACK_STATE_LABELS[s].en.length).toBeGreaterThan(0);
  });

  it('levels have labels', () => {
    expect(FEEDBACK_LEVEL_LABELS.urgent.vi).toBe('Khẩn cấp');
  });

  it.each<[FeedbackState, 'open' | 'closed']>([
    ['received', 'open'],
    ['triage', 'open'],
    ['assigned', 'open'],
    ['in_progress', 'open'],
    ['scheduled', 'open'],
    ['internal_referral', 'open'],
    ['resolved', 'closed'],
    ['published', 'closed'],
    ['not_responsible', 'closed'],
    ['duplicate', 'closed'],
    ['rejected', 'closed'],
  ])('%s → %s', (state, status) => {
    const r = openClosed(state);
    expect(r.status).toBe(status);
    expect(r.status_notes.length).toBeGreaterThan(0);
  });

  it('status notes carry the duplicate id and the rejection reason', () => {
    expect(openClosed('duplicate', { duplicateOf: 'PA-7' }).status_notes).toContain('PA-7');
    expect(openClosed('rejected', { closeReason: 'Nội dung không rõ ràng' }).status_notes).toBe('Phản ánh bị từ chối: Nội dung không rõ ràng');
  });
});
