import { randomUUID } from 'node:crypto';
import { count, desc, eq, gt, inArray, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alert, FeedbackCase } from '../../shared/domain/entities';
import { PushResponse, type Mutation } from '../../shared/sync/protocol';
import { appliedMutations, auditLog, caseEvents, changeLog, feedbackCases } from '../db/schema';
import type { PushHooks } from './push';
import { type Harness, startHarness } from '../test/harness';
import { Outbox } from '../test/mutations';
import { readEntity } from './writer';

const OPEN_ALERT = 'al-0036'; // one of the newest (unacknowledged) demo alerts
const transient = () => Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });

describe('push', () => {
  let h: Harness;
  let token: string;
  const hooks: PushHooks = {};
  beforeAll(async () => {
    h = await startHarness({ pushHooks: hooks });
    token = await h.login('operator');
  });
  afterAll(() => h?.close());

  const push = async (outbox: Outbox, mutations: Mutation[], as = token) => {
    const r = await h.api('POST', '/api/v1/sync/push', { token: as, body: outbox.request(...mutations) });
    expect(r.status, r.text).toBe(200);
    return PushResponse.parse(r.body).results;
  };
  const state = async () => {
    const orm = h.server.db.orm;
    const [{ seq }] = await orm.select({ seq: max(changeLog.seq) }).from(changeLog);
    const [{ n }] = await orm.select({ n: count() }).from(appliedMutations);
    return { seq, applied: n };
  };
  const row = (entity: 'alert' | 'feedback_case', id: string) => readEntity(h.server.db.orm, entity, id);
  const countRows = async (table: typeof auditLog | typeof changeLog) => (await h.server.db.orm.select({ n: count() }).from(table))[0].n;

  it('applies a command once: a replay answers duplicate with the stored result', async () => {
    const o = new Outbox();
    const m = o.mutation('alert.acknowledge', { alertId: OPEN_ALERT, note: 'Đã báo UBND xã' });
    const [first] = await push(o, [m]);
    expect(first).toMatchObject({ id: m.id, status: 'applied', duplicate: false });
    const alert = Alert.parse(await row('alert', OPEN_ALERT));
    expect(alert).toMatchObject({ acknowledgedBy: 'Nguyễn Thị Hoa', note: 'Đã báo UBND xã' });
    const before = await state();
    const [again, inBatch] = await push(o, [m, m]);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(inBatch).toEqual({ ...first, duplicate: true });
    expect(await state()).toEqual(before);
    const changes = await h.server.db.orm.select().from(changeLog).where(eq(changeLog.entityId, OPEN_ALERT));
    expect(changes).toHaveLength(2); // seed + one acknowledgement
    const audits = await h.server.db.orm.select().from(auditLog).where(eq(auditLog.target, OPEN_ALERT));
    expect(audits.map((a) => a.result)).toEqual(['applied']);
  });

  it('adds notes, assigns and sets status with history rows', async () => {
    const o = new Outbox();
    const [{ id: caseId }] = await h.server.db.orm.select({ id: feedbackCases.id }).from(feedbackCases).where(eq(feedbackCases.status, 'received')).orderBy(feedbackCases.id).limit(1);
    const before = FeedbackCase.parse(await row('feedback_case', caseId));
    const results = await push(o, [
      o.mutation('case.addNote', { caseId, text: 'Đã gọi điện cho người phản ánh' }),
      o.mutation('case.setStatus', { caseId, status: 'triage' }),
      o.mutation('case.assign', { caseId, agencyId: 'ag-bqlda', officer: 'Kỹ sư Hùng' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const after = FeedbackCase.parse(await row('feedback_case', caseId));
    expect(after).toMatchObject({ noteCount: before.noteCount + 1, status: 'assigned', agencyId: 'ag-bqlda', officer: 'Kỹ sư Hùng' });
    const history = await h.server.db.orm.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(caseEvents.at, caseEvents.id);
    // Who, what, from → to (events of one batch may share a millisecond: compared as a set).
    expect(history.map((e) => [e.action, e.fromStatus, e.toStatus, e.actor])).toEqual(
      expect.arrayContaining([
        ['addNote', 'received', 'received', 'Nguyễn Thị Hoa'],
        ['triage', 'received', 'triage', 'Nguyễn Thị Hoa'],
        ['assign', 'triage', 'assigned', 'Nguyễn Thị Hoa'],
      ]),
    );
    const seqs = results.map((r) => (r.status === 'applied' ? r.seq : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a! - b!));
  });

  it('rejects with a reason, changes nothing for it, and keeps going', async () => {
    const o = new Outbox();
    const leader = await h.login('leader');
    const start = await state();
    const ms = [
      o.mutation('alert.acknowledge', { alertId: 'al-nope' }),
      o.mutation('alert.acknowledge', { alertId: 'al-0001' }), // acknowledged in the seed
      o.mutation('case.addNote', { caseId: 'fc-000001', text: '   ' }),
      o.mutation('case.setStatus', { caseId: 'fc-000001', status: 'teleported' }),
      o.mutation('case.assign', { caseId: 'fc-000002', agencyId: 'ag-nope' }),
    ];
    const results = await push(o, ms);
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['not_found', 'already_acknowledged', 'invalid_args', 'invalid_status', 'not_found']);
    expect(await state()).toEqual(start);
    // A lost answer to a rejection is simply judged again: same answer.
    expect((await push(o, [ms[0]]))[0]).toEqual(results[0]);
    // A leader may note but not assign (COMMANDS roles).
    const [forbidden, allowed] = await push(o, [o.mutation('case.assign', { caseId: 'fc-000003', agencyId: 'ag-tnmt' }), o.mutation('case.addNote', { caseId: 'fc-000003', text: 'Lãnh đạo: ưu tiên xử lý' })], leader);
    expect(forbidden).toMatchObject({ status: 'rejected', code: 'forbidden' });
    expect(allowed).toMatchObject({ status: 'applied' });
    // Same id as an applied command, different content: refused, nothing applied.
    const before = await state();
    const forged = { ...o.mutation('case.addNote', { caseId: 'fc-000004', text: 'giả mạo' }), id: allowed.id };
    expect((await push(o, [forged]))[0]).toMatchObject({ status: 'rejected', code: 'mutation_id_reused' });
    expect(await state()).toEqual(before);
  });

  it('rejects clientSeq that is not after the last one seen, without applying it', async () => {
    const o = new Outbox();
    const a = o.mutation('case.addNote', { caseId: 'fc-000010', text: 'một' });
    const b = o.mutation('case.addNote', { caseId: 'fc-000010', text: 'hai' });
    expect((await push(o, [b]))[0].status).toBe('applied');
    const before = await state();
    const [late, reused] = await push(o, [a, { ...o.mutation('case.addNote', { caseId: 'fc-000010', text: 'ba' }), clientSeq: b.clientSeq }]);
    expect(late).toMatchObject({ status: 'rejected', code: 'out_of_order' });
    expect(reused).toMatchObject({ status: 'rejected', code: 'out_of_order' });
    expect(await state()).toEqual(before);
  });

  it('answers retry for a transient failure and every later mutation; the batch replays cleanly', async () => {
    const o = new Outbox();
    const ms = [0, 1, 2, 3].map((i) => o.mutation('case.addNote', { caseId: 'fc-000020', text: `ghi chú ${i}` }));
    hooks.beforeCommit = (m) => {
      if (m.id === ms[1].id) throw transient();
    };
    const before = FeedbackCase.parse(await row('feedback_case', 'fc-000020')).noteCount;
    const first = await push(o, ms);
    expect(first.map((r) => r.status)).toEqual(['applied', 'retry', 'retry', 'retry']);
    expect(FeedbackCase.parse(await row('feedback_case', 'fc-000020')).noteCount).toBe(before + 1);
    hooks.beforeCommit = undefined;
    const second = await push(o, ms);
    expect(second.map((r) => (r.status === 'applied' ? r.duplicate : r.status))).toEqual([true, false, false, false]);
    expect(FeedbackCase.parse(await row('feedback_case', 'fc-000020')).noteCount).toBe(before + 4);
  });

  it('a crash after the effects but before COMMIT leaves nothing behind', async () => {
    const o = new Outbox();
    const m = o.mutation('alert.acknowledge', { alertId: 'al-0035' });
    hooks.beforeCommit = () => {
      throw transient();
    };
    const before = await state();
    expect((await push(o, [m]))[0].status).toBe('retry');
    hooks.beforeCommit = undefined;
    expect(await state()).toEqual(before);
    expect(Alert.parse(await row('alert', 'al-0035')).acknowledgedAt).toBeNull();
    expect((await push(o, [m]))[0]).toMatchObject({ status: 'applied', duplicate: false });
  });

  it('a server bug in one command is recorded as internal_error and does not block the queue', async () => {
    const o = new Outbox();
    const [bad, good] = [o.mutation('case.addNote', { caseId: 'fc-000030', text: 'x' }), o.mutation('case.addNote', { caseId: 'fc-000030', text: 'y' })];
    hooks.beforeCommit = (m) => {
      if (m.id === bad.id) throw new TypeError('bug');
    };
    const results = await push(o, [bad, good]);
    hooks.beforeCommit = undefined;
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['internal_error', 'applied']);
    const audits = await h.server.db.orm.select().from(auditLog).where(eq(auditLog.target, 'fc-000030'));
    expect(audits.map((a) => a.result)).toEqual(['rejected:internal_error', 'applied']);
  });

  it('applies a batch in one transaction: a bad mutation in the middle is rejected, the others apply exactly once', async () => {
    const o = new Outbox();
    const caseId = 'fc-000050';
    const start = (await state()).seq!;
    const notes = async () => (await h.server.db.orm.select().from(changeLog).where(eq(changeLog.entity, 'case_event'))).filter((c) => c.seq > start && (c.data as { caseId?: string }).caseId === caseId);
    const audits = async () => (await h.server.db.orm.select().from(auditLog).where(eq(auditLog.target, caseId))).map((a) => a.result);
    const before = FeedbackCase.parse(await row('feedback_case', caseId)).noteCount;
    const fresh = o.mutation('case.addNote', { caseId, text: 'một' });
    const ms = [
      fresh,
      o.mutation('case.addNote', { caseId: 'fc-nope', text: 'không có' }), // business rejection after nothing written
      o.mutation('case.addNote', { caseId, text: 'hai' }),
      o.mutation('case.addNote', { caseId, text: 'lỗi máy chủ' }), // a server bug after its effects were written
      fresh, // the same id again in the same batch: a duplicate of the first
      o.mutation('case.setStatus', { caseId, status: 'teleported' }),
      o.mutation('case.addNote', { caseId, text: 'ba' }),
    ];
    hooks.beforeCommit = (m) => {
      if (m.id === ms[3].id) throw new TypeError('bug');
    };
    const first = await push(o, ms);
    hooks.beforeCommit = undefined;
    expect(first.map((r) => (r.status === 'rejected' ? r.code : r.status === 'applied' ? `applied${r.duplicate ? ':dup' : ''}` : r.status))).toEqual([
      'applied',
      'not_found',
      'applied',
      'internal_error',
      'applied:dup',
      'invalid_status',
      'applied',
    ]);
    expect(first[4]).toEqual({ ...first[0], duplicate: true });
    const seqs = [first[0], first[2], first[6]].map((r) => (r.status === 'applied' ? r.seq! : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(FeedbackCase.parse(await row('feedback_case', caseId)).noteCount).toBe(before + 3);
    expect((await notes()).map((n) => (n.data as { text: string }).text)).toEqual(['một', 'hai', 'ba']);
    // Each applied seq is the last change-log row its command wrote (the case row after the note).
    const [last] = await h.server.db.orm.select().from(changeLog).where(eq(changeLog.seq, seqs[2]));
    expect(last).toMatchObject({ entity: 'feedback_case', entityId: caseId });
    expect(await audits()).toEqual(['applied', 'applied', 'rejected:internal_error', 'rejected:invalid_status', 'applied']); // fc-nope has its own target

    // The whole batch again (its answer was lost): applied ones are duplicates, rejections judged again.
    const state0 = await state();
    const again = await push(o, ms);
    expect(again.map((r) => (r.status === 'rejected' ? r.code : r.status === 'applied' ? `applied${r.duplicate ? ':dup' : ''}` : r.status))).toEqual([
      'applied:dup',
      'out_of_order',
      'applied:dup',
      'out_of_order',
      'applied:dup',
      'out_of_order',
      'applied:dup',
    ]);
    expect(again[6]).toEqual({ ...first[6], duplicate: true });
    expect(await state()).toEqual(state0);
    expect(FeedbackCase.parse(await row('feedback_case', caseId)).noteCount).toBe(before + 3);
  });

  it('a batch over many cases: every row in the tables is exactly its last change-log row, a rejected command leaves no trace', async () => {
    const o = new Outbox();
    const cases = (await h.server.db.orm.select({ id: feedbackCases.id }).from(feedbackCases).where(eq(feedbackCases.status, 'received')).orderBy(desc(feedbackCases.id)).limit(4)).map((c) => c.id).sort();
    expect(cases).toHaveLength(4);
    const start = (await state()).seq!;
    const notesBefore = new Map<string, number>();
    for (const id of cases) notesBefore.set(id, FeedbackCase.parse(await row('feedback_case', id)).noteCount);
    const ms = [
      ...Array.from({ length: 12 }, (_, i) => o.mutation('case.addNote', { caseId: cases[i % 4], text: `ghi chú ${i}` })),
      o.mutation('case.setStatus', { caseId: cases[0], status: 'triage' }),
      o.mutation('case.addNote', { caseId: cases[1], text: 'lỗi máy chủ sau khi ghi' }), // effects written, then a bug: rolled back
      o.mutation('case.assign', { caseId: cases[0], agencyId: 'ag-bqlda', officer: 'Kỹ sư Hùng' }),
      o.mutation('case.assign', { caseId: cases[2], agencyId: 'ag-nope' }), // not found: rejected before writing
      o.mutation('case.merge', { caseId: cases[3], into: cases[2] }),
      o.mutation('case.addNote', { caseId: cases[1], text: 'sau lỗi' }),
    ];
    hooks.beforeCommit = (m) => {
      if (m.id === ms[13].id) throw new TypeError('bug');
    };
    const results = await push(o, ms);
    hooks.beforeCommit = undefined;
    const codes = results.map((r) => (r.status === 'rejected' ? r.code : r.status));
    expect(codes).toEqual([...Array(13).fill('applied'), 'internal_error', 'applied', 'not_found', 'applied', 'applied']);

    const changes = await h.server.db.orm.select().from(changeLog).where(gt(changeLog.seq, start)).orderBy(changeLog.seq);
    // The rejected commands left nothing: no change, no history row.
    const texts = changes.filter((c) => c.entity === 'case_event').map((c) => (c.data as { text: string | null }).text);
    expect(texts).not.toContain('lỗi máy chủ sau khi ghi');
    expect(await h.server.db.orm.select().from(caseEvents).where(eq(caseEvents.text, 'lỗi máy chủ sau khi ghi'))).toEqual([]);
    expect(texts.filter((t) => t?.startsWith('ghi chú'))).toEqual(Array.from({ length: 12 }, (_, i) => `ghi chú ${i}`));
    // Every row written is in its table exactly as its last change-log row carries it (what clients cache).
    const last = new Map(changes.map((c) => [`${c.entity}/${c.entityId}`, c]));
    expect([...last.values()].filter((c) => c.entity === 'feedback_case').map((c) => c.entityId).sort()).toEqual(cases);
    for (const c of last.values()) expect(await row(c.entity as 'feedback_case', c.entityId)).toEqual(c.data);
    // Every version of a case in the log is the one its command made: notes count up one by one.
    for (const id of cases) {
      const counts = changes.filter((c) => c.entity === 'feedback_case' && c.entityId === id).map((c) => FeedbackCase.parse(c.data).noteCount);
      const n0 = notesBefore.get(id)!;
      expect(counts.slice(0, 3)).toEqual([n0 + 1, n0 + 2, n0 + 3]);
    }
    expect(FeedbackCase.parse(await row('feedback_case', cases[1])).noteCount).toBe(notesBefore.get(cases[1])! + 4);
    expect(FeedbackCase.parse(await row('feedback_case', cases[0]))).toMatchObject({ status: 'assigned', agencyId: 'ag-bqlda', officer: 'Kỹ sư Hùng' });
    expect(FeedbackCase.parse(await row('feedback_case', cases[3]))).toMatchObject({ status: 'duplicate', duplicateOf: cases[2] });
    expect(FeedbackCase.parse(await row('feedback_case', cases[2])).duplicates).toEqual([cases[3]]);
    // A command's seq is its last change: the case row it changed (for the merge: the master's event).
    for (const [i, r] of results.entries()) {
      if (r.status !== 'applied' || ms[i].name === 'case.merge') continue;
      const c = changes.find((x) => x.seq === r.seq);
      expect(c).toMatchObject({ entity: 'feedback_case', entityId: (ms[i].args as { caseId: string }).caseId });
    }
    // Audited, every one.
    const audited = await h.server.db.orm.select().from(auditLog).where(inArray(auditLog.target, cases));
    expect(audited).toHaveLength(ms.length);
  });

  it('a crash before the batch COMMIT leaves nothing of the batch; the resend applies it exactly once', async () => {
    const o = new Outbox();
    const caseId = 'fc-000060';
    const ms = Array.from({ length: 50 }, (_, i) => o.mutation('case.addNote', { caseId, text: `ghi chú ${i}` }));
    const before = { ...(await state()), notes: FeedbackCase.parse(await row('feedback_case', caseId)).noteCount, audits: await countRows(auditLog), changes: await countRows(changeLog) };
    let calls = 0;
    hooks.beforeBatchCommit = (batch) => {
      calls++;
      expect(batch).toHaveLength(50);
      throw transient();
    };
    const crashed = await push(o, ms);
    hooks.beforeBatchCommit = undefined;
    expect(calls).toBe(1);
    expect(crashed.every((r) => r.status === 'retry')).toBe(true);
    const after = { ...(await state()), notes: FeedbackCase.parse(await row('feedback_case', caseId)).noteCount, audits: await countRows(auditLog), changes: await countRows(changeLog) };
    expect(after).toEqual(before);

    const resent = await push(o, ms);
    expect(resent.every((r) => r.status === 'applied' && !r.duplicate)).toBe(true);
    expect(FeedbackCase.parse(await row('feedback_case', caseId)).noteCount).toBe(before.notes + 50);
    expect((await state()).applied).toBe(before.applied + 50);
    // Answer lost again: all duplicates, nothing written.
    const s1 = await state();
    expect((await push(o, ms)).every((r) => r.status === 'applied' && r.duplicate)).toBe(true);
    expect(await state()).toEqual(s1);
  });

  it('keeps everything across a restart between two pushes', async () => {
    const o = new Outbox();
    const m1 = o.mutation('case.addNote', { caseId: 'fc-000040', text: 'trước khi khởi động lại' });
    const [r1] = await push(o, [m1]);
    await h.restart({ pushHooks: hooks });
    token = await h.login('operator'); // sessions survive restarts too, but re-login keeps the test honest
    const m2 = o.mutation('case.addNote', { caseId: 'fc-000040', text: 'sau khi khởi động lại' });
    const [again, r2] = await push(o, [m1, m2]);
    expect(again).toEqual({ ...r1, duplicate: true });
    expect(r2).toMatchObject({ status: 'applied', duplicate: false });
    expect((await push(o, [{ ...m2, id: randomUUID(), clientSeq: m1.clientSeq }]))[0]).toMatchObject({ code: 'out_of_order' });
    expect(FeedbackCase.parse(await row('feedback_case', 'fc-000040')).noteCount).toBe(2);
  });
});
