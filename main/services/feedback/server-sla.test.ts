import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackQueryInput } from '../../../shared/contracts/feedback.contract';
import { DAY_MS, vnTime } from '../../../shared/feedback/calendar';
import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb, type CacheDb } from '../../db/open';
import { FeedbackService } from './feedback.service';

/**
 * The desk follows the SLA state the server stores on each case (issue 5): a paused case is not
 * overdue however old it is, a case the server escalated is, and between server updates the desk
 * ticks a running clock forward itself. Rows without the fields (older server) keep the receivedAt
 * computation. Real SQLite, real queue index (migration 6 columns).
 */
const NOW = vnTime('2026-03-10T09:00'); // Tuesday
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const fc = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: 'Đèn đường không sáng',
  description: '',
  category: 'lighting',
  status: 'in_progress',
  level: 'normal',
  unitId: 'u1',
  location: null,
  address: null,
  agencyId: 'ag-1',
  receivedAt: iso(NOW - 30 * DAY_MS),
  updatedAt: iso(NOW - 30 * DAY_MS),
  noteCount: 0,
  ...extra,
});
const srv = (fields: Record<string, unknown>) => ({
  slaPhase: 'handle',
  acceptDueAt: iso(NOW - 29 * DAY_MS),
  handleDueAt: null,
  dueAt: null,
  dueSoonAt: null,
  dueSoon: false,
  overdue: false,
  paused: false,
  pauseReason: null,
  remainingMinutes: 0,
  escalatedAt: null,
  escalatedDueAt: null,
  ...fields,
});

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let svc: FeedbackService;
let now = NOW;
let seq = 0;
const put = (rows: Array<Record<string, unknown> & { id: string }>) =>
  repo.applyPage(
    rows.map((data) => ({ seq: ++seq, entity: 'feedback_case' as const, id: data.id, op: 'upsert' as const, data })),
    seq,
    iso(now),
  );
const q = (input: Parameters<typeof FeedbackQueryInput.parse>[0]) => svc.query(FeedbackQueryInput.parse(input));
const ids = (r: { rows: Array<{ case: { id: string } }> }) => r.rows.map((x) => x.case.id).sort();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-fb-srvsla-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  repo = new CacheRepo(db);
  const due1 = NOW - DAY_MS;
  put([
    // no server fields: overdue by receivedAt (30 days old, normal level)
    fc('c-legacy'),
    // 30 days old too, but the server paused its clock: not overdue, not due soon
    fc('c-paused', { ...srv({ paused: true, pauseReason: 'Chờ khô ráo để thi công', remainingMinutes: 300 }) }),
    // received yesterday (not overdue by receivedAt), but the server says its running clock is past due and escalated
    fc('c-escalated', { receivedAt: iso(NOW - DAY_MS), updatedAt: iso(NOW - DAY_MS), ...srv({ dueAt: iso(due1), dueSoonAt: iso(due1 - DAY_MS), overdue: true, remainingMinutes: -450, escalatedAt: iso(NOW - 2 * HOUR), escalatedDueAt: iso(due1) }) }),
    // due in an hour per the server (due soon); overdue once the desk's clock passes it
    fc('c-ticking', { ...srv({ dueAt: iso(NOW + HOUR), dueSoonAt: iso(NOW + HOUR - DAY_MS), dueSoon: true, remainingMinutes: 60 }) }),
    // closed on the server
    fc('c-done', { status: 'resolved', ...srv({ slaPhase: 'done' }) }),
  ]);
  svc = new FeedbackService({ db: () => db.sqlite, enqueue: () => 'x', now: () => new Date(now) });
});

afterAll(() => {
  svc.dispose();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('server SLA state on the desk', () => {
  it('a paused case that is overdue by receivedAt is not in the overdue filter; a server-escalated case is', () => {
    now = NOW;
    const overdue = q({ filters: { overdue: true } });
    expect(ids(overdue)).toEqual(['c-escalated', 'c-legacy']);
    expect(overdue.total).toBe(2);
    expect(overdue.counts.overdue).toBe(2);
    expect(overdue.counts.paused).toBe(1);
    const soon = q({ filters: { dueSoon: true } });
    expect(ids(soon)).toEqual(['c-ticking']);
    expect(soon.counts.dueSoon).toBe(1);
    const esc = overdue.rows.find((r) => r.case.id === 'c-escalated')!;
    expect(esc.sla).toMatchObject({ source: 'server', overdue: true, paused: false, escalationLevel: 2, dueAt: iso(NOW - DAY_MS) });
    expect(esc.sla.remainingWorkingMinutes).toBeLessThan(0);
    expect(overdue.rows.find((r) => r.case.id === 'c-legacy')!.sla.source).toBe('local');
  });

  it('list and detail show the paused state with its reason and the time left when it stopped', () => {
    now = NOW;
    const all = q({ filters: {}, limit: 50 });
    const paused = all.rows.find((r) => r.case.id === 'c-paused')!;
    expect(paused.sla).toMatchObject({ paused: true, pauseReason: 'Chờ khô ráo để thi công', overdue: false, dueSoon: false, dueAt: null, remainingWorkingMinutes: 300, phase: 'handle' });
    const detail = svc.get('c-paused');
    expect(detail.row.sla).toMatchObject({ paused: true, pauseReason: 'Chờ khô ráo để thi công', overdue: false });
    expect(svc.get('c-done').row.sla).toMatchObject({ phase: 'done', overdue: false, paused: false });
  });

  it('ticks a running server clock forward between server updates (due soon → overdue) in filters, counts and rows', () => {
    now = NOW + 2 * HOUR;
    const overdue = q({ filters: { overdue: true } });
    expect(ids(overdue)).toEqual(['c-escalated', 'c-legacy', 'c-ticking']);
    expect(overdue.counts.overdue).toBe(3);
    expect(q({ filters: { dueSoon: true } }).total).toBe(0);
    expect(overdue.rows.find((r) => r.case.id === 'c-ticking')!.sla).toMatchObject({ overdue: true, source: 'server' });
    // with a search the counts take the other path: same numbers
    const searched = q({ filters: { text: 'den duong' } });
    expect(searched.counts.overdue).toBe(3);
  });

  it('sorts server clocks by their stored due among the computed ones; paused and closed follow', () => {
    now = NOW;
    const byDue = q({ filters: {}, sort: { by: 'dueAt', dir: 'asc' } }).rows.map((r) => r.case.id);
    expect(byDue.indexOf('c-escalated')).toBeLessThan(byDue.indexOf('c-ticking'));
    expect(byDue.slice(-2).sort()).toEqual(['c-done', 'c-paused']);
    expect(byDue).toHaveLength(5);
  });

  it('the server-clock stream of the due sort and the paused count walk their indexes (no sort of every open case)', () => {
    const plan = (sql: string) => (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((p) => p.detail).join(' | ');
    const due = plan(`SELECT q.id FROM feedback_queue q WHERE q.status IN ('received', 'in_progress') AND q.sla_src = 'srv' AND q.sla_due IS NOT NULL ORDER BY q.sla_due ASC, q.received ASC, q.id ASC LIMIT 120`);
    expect(due).toContain('fq_sla_due');
    expect(due).not.toContain('TEMP B-TREE');
    expect(plan(`SELECT count(*) FROM feedback_queue q INDEXED BY fq_paused WHERE q.sla_paused = 1 AND q.sla_src = 'srv'`)).toContain('fq_paused');
  });

  it('a server update resuming the case puts it back on a running clock', () => {
    now = NOW;
    put([fc('c-paused', { ...srv({ dueAt: iso(NOW - HOUR), overdue: true, remainingMinutes: -60 }) })]);
    expect(ids(q({ filters: { overdue: true } }))).toEqual(['c-escalated', 'c-legacy', 'c-paused']);
    expect(svc.get('c-paused').row.sla).toMatchObject({ paused: false, overdue: true, escalationLevel: 1, escalations: 0 });
  });

  it('shows how many times the server escalated the running deadline (the second: overdue 8 working hours more)', () => {
    now = NOW;
    expect(svc.get('c-escalated').row.sla).toMatchObject({ escalationLevel: 2, escalations: 1 });
    const due1 = NOW - DAY_MS;
    put([fc('c-escalated', { receivedAt: iso(NOW - DAY_MS), updatedAt: iso(NOW), ...srv({ dueAt: iso(due1), overdue: true, remainingMinutes: -500, escalatedAt: iso(NOW - HOUR), escalatedDueAt: iso(due1), escalatedLevel: 2 }) })]);
    expect(svc.get('c-escalated').row.sla).toMatchObject({ escalationLevel: 2, escalations: 2 });
    // A new deadline (accepted: the handling clock) was not escalated: the old escalations do not count.
    put([fc('c-escalated', { receivedAt: iso(NOW - DAY_MS), updatedAt: iso(NOW), ...srv({ slaPhase: 'handle', dueAt: iso(NOW - HOUR), overdue: true, remainingMinutes: -60, escalatedAt: iso(NOW - HOUR), escalatedDueAt: iso(due1), escalatedLevel: 2 }) })]);
    expect(svc.get('c-escalated').row.sla).toMatchObject({ overdue: true, escalationLevel: 1, escalations: 0 });
  });
});
