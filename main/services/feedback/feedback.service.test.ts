import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackQueryInput } from '../../../shared/contracts/feedback.contract';
import { DAY_MS, vnTime } from '../../../shared/feedback/calendar';
import { DEFAULT_SLA_POLICY, slaClock } from '../../../shared/feedback/sla';
import { optimisticPatch, type CommandName } from '../../../shared/sync/commands';
import type { Change } from '../../../shared/sync/protocol';
import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb, type CacheDb } from '../../db/open';
import { searchTokens } from './feedback.sql';
import { FeedbackService } from './feedback.service';
import { matchesTokens } from './fold';
import { slaInputOf } from './sla-index';
import { SERVER_STATUSES, statusRank } from './status-map';

const N = 100_000;
const NOW = vnTime('2026-03-10T09:00'); // a Tuesday, three weeks after Tết 2026
const UNITS = ['vn-2025:20900', 'vn-2025:20908', 'vn-2025:20929', 'vn-2025:20923', 'vn-2025:20920'];
const AGENCIES = ['ag-bqlda', 'ag-tnmt', 'ag-yte', 'ag-ca', 'ag-ubnd-20900'];
const TITLES = ['Mặt đường hư hỏng, nhiều ổ gà', 'Sạt lở taluy dương sau mưa lớn', 'Đèn đường không sáng', 'Rác thải tồn đọng ven suối', 'Nước sinh hoạt bị đục', 'Cầu treo xuống cấp'];
const STATUS_WEIGHTS: Array<[string, number]> = [
  ['received', 12], ['triage', 7], ['assigned', 14], ['in_progress', 14], ['scheduled', 5], ['internal_referral', 2],
  ['resolved', 24], ['published', 14], ['not_responsible', 3], ['duplicate', 3], ['rejected', 2],
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

type Row = Record<string, unknown> & { id: string; status: string; level: 'urgent' | 'normal' | 'complex'; receivedAt: string; updatedAt: string; title: string; description: string; address: string; unitId: string; agencyId: string | null; category: string; location: [number, number] };

function synth(): Row[] {
  const r = rng(42);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const total = STATUS_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const out: Row[] = [];
  for (let i = 0; i < N; i++) {
    let x = r() * total;
    const status = STATUS_WEIGHTS.find(([, w]) => (x -= w) < 0)?.[0] ?? 'received';
    const received = NOW - Math.floor(r() ** 2 * 120 * DAY_MS);
    // Mixed offsets, as the contract allows: Z and +07:00 must compare as instants.
    const receivedAt = i % 3 === 0 ? new Date(received).toISOString() : new Date(received + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
    const unitId = pick(UNITS);
    out.push({
      id: `fc-${String(i).padStart(6, '0')}`,
      title: pick(TITLES),
      description: `Người dân thôn ${i % 17} phản ánh tình trạng kéo dài`,
      category: pick(['road_damage', 'landslide', 'lighting', 'waste', 'water']),
      status,
      level: r() < 0.15 ? 'urgent' : r() < 0.12 ? 'complex' : 'normal',
      unitId,
      location: [108.2 + r() * 0.01, 15.1 + r() * 0.01],
      address: `Thôn ${i % 9}, xã ${unitId}`,
      agencyId: status === 'received' ? null : pick(AGENCIES),
      receivedAt,
      updatedAt: new Date(received + 3_600_000).toISOString(),
      noteCount: 0,
    });
  }
  return out;
}

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let svc: FeedbackService;
let rows: Row[];
const enqueued: Array<{ name: CommandName; args: Record<string, unknown> }> = [];

/** Same path as SyncEngine.enqueue: outbox row + optimistic overlay in one transaction. */
function enqueue(name: CommandName, args: Record<string, unknown>): string {
  const createdAt = new Date(NOW).toISOString();
  const item = repo.addMutation({ mutationId: randomUUID(), name, args, createdAt, actor: 'operator', patches: optimisticPatch(name, args, 'operator', createdAt) });
  enqueued.push({ name, args });
  return item.mutationId;
}

const q = (input: Parameters<typeof FeedbackQueryInput.parse>[0]) => svc.query(FeedbackQueryInput.parse(input));
const timed = <T,>(label: string, fn: () => T): T => {
  const t = performance.now();
  const out = fn();
  console.log(`[feedback] ${label}: ${(performance.now() - t).toFixed(1)} ms`);
  return out;
};

/** The reference: every row through slaClock and a plain JS predicate. */
function reference(data: Row[], pred: (r: Row, sla: ReturnType<typeof slaClock>) => boolean) {
  return data.map((r) => ({ r, sla: slaClock(slaInputOf(r), DEFAULT_SLA_POLICY, NOW) })).filter((x) => pred(x.r, x.sla));
}
/** Due order: (due instant, receivedAt, id) ascending; descending is the exact reverse. */
const byDue = (a: { r: Row; sla: { dueAt: number | null } }, b: { r: Row; sla: { dueAt: number | null } }) =>
  a.sla.dueAt! - b.sla.dueAt! || Date.parse(a.r.receivedAt) - Date.parse(b.r.receivedAt) || (a.r.id < b.r.id ? -1 : 1);
const byReceivedDesc = (a: Row, b: Row) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt) || (a.id < b.id ? 1 : -1);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-feedback-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  repo = new CacheRepo(db);
  rows = synth();
  const changes: Change[] = rows.map((data, i) => ({ seq: i + 1, entity: 'feedback_case', id: data.id, op: 'upsert', data }));
  let seq = N;
  changes.push({ seq: ++seq, entity: 'admin_unit', id: 'vn-2025:20929', op: 'upsert', data: { id: 'vn-2025:20929', code: '20929', codeList: 'vn-2025', name: 'Trà Giáp', level: 'commune', parentId: null, validFrom: '2025-07-01', validTo: null } });
  changes.push({ seq: ++seq, entity: 'agency', id: 'ag-tnmt', op: 'upsert', data: { id: 'ag-tnmt', name: 'Phòng Nông nghiệp và Môi trường', kind: 'environment', unitId: null } });
  for (const [k, at] of [['1', '2026-03-01T08:00:00+07:00'], ['2', '2026-03-02T09:00:00Z'], ['3', '2026-03-01T10:00:00+07:00']]) {
    changes.push({ seq: ++seq, entity: 'case_event', id: `fc-000001-e${k}`, op: 'upsert', data: { id: `fc-000001-e${k}`, caseId: 'fc-000001', at, actor: 'Nguyễn Thị Hoa', action: 'note', text: `ghi chú ${k}` } });
  }
  timed(`applyPage ${N} cases (migration 4: ids marked dirty)`, () => {
    for (let i = 0; i < changes.length; i += 10_000) repo.applyPage(changes.slice(i, i + 10_000), changes[Math.min(i + 10_000, changes.length) - 1].seq, new Date(NOW).toISOString());
  });
  svc = new FeedbackService({ db: () => db.sqlite, enqueue, now: () => new Date(NOW) });
  timed(`first read folds ${N} dirty cases into the queue`, () => svc.lookups());
  db.sqlite.exec('ANALYZE');
}, 240_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FeedbackService.query over 100k cached cases', { timeout: 180_000 }, () => {
  it('filters by status, sorts by receivedAt across +07:00/Z offsets, and counts per status', () => {
    timed('query warm-up (no filter)', () => q({}));
    const res = timed('query status=received sort receivedAt desc', () => q({ filters: { status: ['received'] }, limit: 100 }));
    const ref = rows.filter((r) => r.status === 'received').sort(byReceivedDesc);
    expect(res.total).toBe(ref.length);
    expect(res.rows.map((r) => r.case.id)).toEqual(ref.slice(0, 100).map((r) => r.id));
    // byStatus ignores the status filter (chip counts); they add up to all rows.
    for (const s of SERVER_STATUSES) expect(res.counts.byStatus[s] ?? 0).toBe(rows.filter((r) => r.status === s).length);
    const deep = timed('query no filter, offset 90000 asc', () => q({ sort: { by: 'receivedAt', dir: 'asc' }, offset: 90_000, limit: 200 }));
    expect(deep.rows.map((r) => r.case.id)).toEqual([...rows].sort(byReceivedDesc).reverse().slice(90_000, 90_200).map((r) => r.id));
  });

  it('overdue / due-soon filters and counts agree with slaClock row by row', () => {
    const overdue = timed('query overdue', () => q({ filters: { overdue: true }, limit: 50 }));
    const refOver = reference(rows, (_r, s) => s.overdue);
    expect(overdue.total).toBe(refOver.length);
    expect(overdue.counts.overdue).toBe(refOver.length);
    expect(overdue.rows.every((r) => r.sla.overdue && r.sla.escalationLevel > 0)).toBe(true);
    const soon = timed('query dueSoon + level urgent', () => q({ filters: { dueSoon: true, level: ['urgent'] }, limit: 50 }));
    expect(soon.total).toBe(reference(rows, (r, s) => s.dueSoon && r.level === 'urgent').length);
    expect(soon.counts.dueSoon).toBe(soon.total);
    expect(soon.rows.every((r) => r.sla.dueSoon && !r.sla.overdue)).toBe(true);
    expect(soon.counts.overdue).toBe(reference(rows, (r, s) => s.overdue && r.level === 'urgent').length);
  });

  it('sorts by due instant (closed cases last), by level and by status', () => {
    const res = timed('query open statuses sort dueAt asc', () => q({ filters: { status: ['received', 'assigned', 'in_progress', 'triage'] }, sort: { by: 'dueAt', dir: 'asc' }, limit: 200 }));
    const ref = reference(rows, (r) => ['received', 'assigned', 'in_progress', 'triage'].includes(r.status)).sort(byDue);
    expect(res.total).toBe(ref.length);
    expect(res.rows.map((r) => r.case.id)).toEqual(ref.slice(0, 200).map((x) => x.r.id));
    const openAll = reference(rows, (_r, s) => s.dueAt !== null).sort((a, b) => byDue(b, a));
    const mid = timed('query no filter sort dueAt desc, offset 20000', () => q({ sort: { by: 'dueAt', dir: 'desc' }, offset: 20_000, limit: 100 }));
    expect(mid.rows.map((r) => r.case.id)).toEqual(openAll.slice(20_000, 20_100).map((x) => x.r.id));
    const all = timed('query no filter sort dueAt desc, offset 60000', () => q({ sort: { by: 'dueAt', dir: 'desc' }, offset: 60_000, limit: 50 }));
    const closedRef = reference(rows, (_r, s) => s.dueAt === null).map((x) => x.r).sort(byReceivedDesc);
    expect(all.rows.map((r) => r.case.id)).toEqual(closedRef.slice(60_000 - openAll.length, 60_050 - openAll.length).map((r) => r.id)); // past the open ones
    const lvl = timed('query unit sort level asc', () => q({ filters: { unitId: 'vn-2025:20929' }, sort: { by: 'level', dir: 'asc' }, limit: 200 }));
    const rank = { urgent: 0, normal: 1, complex: 2 };
    const refLvl = rows.filter((r) => r.unitId === 'vn-2025:20929').sort((a, b) => rank[a.level] - rank[b.level] || byReceivedDesc(a, b));
    expect(lvl.rows.map((r) => r.case.id)).toEqual(refLvl.slice(0, 200).map((r) => r.id));
    const st = timed('query agency sort status desc', () => q({ filters: { agencyId: 'ag-yte' }, sort: { by: 'status', dir: 'desc' }, limit: 100 }));
    const refSt = rows.filter((r) => r.agencyId === 'ag-yte').sort((a, b) => statusRank(b.status) - statusRank(a.status) || byReceivedDesc(a, b));
    expect(st.total).toBe(refSt.length);
    expect(st.rows.map((r) => r.case.id)).toEqual(refSt.slice(0, 100).map((r) => r.id));
  });

  it('searches with or without diacritics', () => {
    for (const text of ['duong hu hong', 'Đường hư hỏng', 'SAT LO', 'thôn 16 keo dai']) {
      const res = timed(`query text "${text}"`, () => q({ filters: { text }, limit: 20 }));
      const ref = rows.filter((r) => matchesTokens(`${r.title} ${r.description} ${r.address} ${r.id}`, searchTokens(text)));
      expect(res.total, text).toBe(ref.length);
      expect(res.total).toBeGreaterThan(0);
    }
    const both = timed('query text + status + unit', () => q({ filters: { text: 'den duong', status: ['assigned'], unitId: 'vn-2025:20900' } }));
    expect(both.total).toBe(rows.filter((r) => r.status === 'assigned' && r.unitId === 'vn-2025:20900' && matchesTokens(`${r.title} ${r.description} ${r.address} ${r.id}`, ['den', 'duong'])).length);
  });

  it('reads the queue from the migration-3 side table through covering indexes', () => {
    const plan = (sql: string) => (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((p) => p.detail).join(' | ');
    expect(plan(`SELECT q.status, count(*) FROM feedback_queue q WHERE q.status IN ('received') AND q.level IN ('urgent') GROUP BY q.status`)).toMatch(/COVERING INDEX fq_status \(status=\? AND level=\?\)/);
    expect(plan(`SELECT q.id FROM feedback_queue q WHERE q.status IN ('received') ORDER BY q.received DESC, q.id DESC LIMIT 10`)).toMatch(/COVERING INDEX fq_(status|received)/);
    expect(plan(`SELECT count(*) FROM feedback_queue q WHERE q.unit_id = 'x' AND q.status = 'received'`)).toMatch(/COVERING INDEX fq_(unit|status)/);
    expect(plan(`SELECT data FROM cache_rows INDEXED BY ce_case WHERE entity = 'case_event' AND json_extract(data, '$.caseId') = 'x' ORDER BY json_extract(data, '$.at') DESC`)).toContain('ce_case');
    // duplicates: an index range on (category, lat, lon), not a scan of open cases' JSON
    expect(plan(`SELECT q.id FROM feedback_queue q INDEXED BY fq_geo WHERE q.category = 'x' AND q.lat BETWEEN 1 AND 2 AND q.lon BETWEEN 1 AND 2`)).toMatch(/INDEX fq_geo \(category=\? AND lat>\? AND lat<\?\)/);
    // reads folded every applied row into the side table (migration 4: dirty ids, flushed in chunks)
    expect(db.sqlite.prepare('SELECT count(*) FROM feedback_queue').pluck().get()).toBe(N);
    expect(db.sqlite.prepare('SELECT count(*) FROM feedback_dirty').pluck().get()).toBe(0);
  });
});

describe('FeedbackService: one case, actions through the outbox, pending overlay', { timeout: 180_000 }, () => {
  it('get: history newest first, duplicates within 50 m of the same category, unit/agency, allowed statuses', () => {
    const d = timed('get fc-000001', () => svc.get('fc-000001'));
    expect(d.history.map((h) => h.id)).toEqual(['fc-000001-e2', 'fc-000001-e3', 'fc-000001-e1']);
    const me = rows[1];
    for (const dup of d.duplicates) {
      expect(dup.distanceM).toBeLessThanOrEqual(50);
      expect(dup.case.category).toBe(me.category);
      expect(['resolved', 'published', 'not_responsible', 'duplicate', 'rejected']).not.toContain(dup.case.status);
    }
    expect(d.row.case.id).toBe('fc-000001');
    expect(() => svc.get('nope')).toThrow(/No feedback case/);
    const received = rows.find((r) => r.status === 'received' && r.unitId === 'vn-2025:20929')!;
    const dr = svc.get(received.id);
    expect(dr.unit?.name).toBe('Trà Giáp');
    expect(dr.canAssign).toBe(true);
    expect(dr.allowedStatuses.map((s) => s.status)).toContain('triage');
  });

  it('actions are queued (work offline); pending rows are filtered, counted and placed by their overlaid state', () => {
    const target = rows.filter((r) => r.status === 'received').sort(byReceivedDesc)[5];
    expect(() => svc.setStatus(target.id, 'resolved')).toThrow(/does not allow/);
    expect(() => svc.setStatus(target.id, 'rejected')).toThrow(/needs a reason/);
    const before = q({ filters: { status: ['triage'] }, limit: 1 }).total;
    const res = svc.setStatus(target.id, 'triage');
    expect(res.queued).toBe(true);
    expect(enqueued.at(-1)).toEqual({ name: 'case.setStatus', args: { caseId: target.id, status: 'triage' } });

    // Gone from 'received', present (pending) in 'triage' at its receivedAt position.
    const rec = q({ filters: { status: ['received'] }, limit: 10 });
    expect(rec.rows.map((r) => r.case.id)).not.toContain(target.id);
    expect(rec.counts.byStatus.triage).toBe(before + 1);
    const inv = timed('query with a pending row merged', () => q({ filters: { status: ['triage'] }, limit: 200 }));
    expect(inv.total).toBe(before + 1);
    const overlaid = rows.map((r) => (r.id === target.id ? { ...r, status: 'triage' } : r));
    const ref = overlaid.filter((r) => r.status === 'triage').sort(byReceivedDesc);
    expect(inv.rows.map((r) => r.case.id)).toEqual(ref.slice(0, 200).map((r) => r.id));
    expect(inv.rows.find((r) => r.case.id === target.id)?.pending).toBe(true);
    // paging across the pending row's position is seamless
    const pos = ref.findIndex((r) => r.id === target.id);
    const page = q({ filters: { status: ['triage'] }, offset: Math.max(0, pos - 2), limit: 5 });
    expect(page.rows.map((r) => r.case.id)).toEqual(ref.slice(Math.max(0, pos - 2), Math.max(0, pos - 2) + 5).map((r) => r.id));

    // now it can be assigned; the note shows as a pending action in the detail
    svc.assign(target.id, 'ag-tnmt', 'Anh Tùng');
    svc.addNote(target.id, 'Đã gọi điện cho người dân');
    const d = svc.get(target.id);
    expect(d.row.pending).toBe(true);
    expect(d.row.case.status).toBe('assigned');
    expect(d.row.case.agencyId).toBe('ag-tnmt');
    expect(d.pendingActions.map((a) => a.name)).toEqual(['case.setStatus', 'case.assign', 'case.addNote']);
    const overlaid2 = rows.map((r) => (r.id === target.id ? { ...r, status: 'assigned', agencyId: 'ag-tnmt' } : r));
    const refDue = reference(overlaid2, (r) => r.agencyId === 'ag-tnmt' && r.status === 'assigned').sort((a, b) => byDue(b, a));
    const byAgency = timed('query agency+status sort dueAt desc with a pending row', () => q({ filters: { agencyId: 'ag-tnmt', status: ['assigned'] }, sort: { by: 'dueAt', dir: 'desc' }, limit: 200 }));
    expect(byAgency.total).toBe(refDue.length);
    expect(byAgency.rows.map((r) => r.case.id)).toEqual(refDue.slice(0, 200).map((x) => x.r.id));
    const at = refDue.findIndex((x) => x.r.id === target.id);
    const one = q({ filters: { agencyId: 'ag-tnmt', status: ['assigned'] }, sort: { by: 'dueAt', dir: 'desc' }, offset: at, limit: 1 });
    expect(one.rows.map((r) => [r.case.id, r.pending])).toEqual([[target.id, true]]);
  });

  it('lookups: communes with case counts and names, agencies, statuses in workflow order', () => {
    const l = svc.lookups();
    expect(l.units.find((u) => u.id === 'vn-2025:20929')).toEqual({ id: 'vn-2025:20929', name: 'Trà Giáp', cases: rows.filter((r) => r.unitId === 'vn-2025:20929').length });
    expect(l.agencies.map((a) => a.id)).toEqual(['ag-tnmt']);
    expect(l.statuses.slice(0, 3)).toEqual(['received', 'triage', 'assigned']);
  });
});
