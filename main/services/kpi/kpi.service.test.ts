import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KpiBoardInput, KpiDrillInput, KpiExportInput, WorklistInput } from '../../../shared/contracts/kpi.contract';
import { FeedbackQueryInput } from '../../../shared/contracts/feedback.contract';
import { indicator, stateOf } from '../../../shared/kpi/catalogue';
import { score766, whatIf766, EMPTY_766 } from '../../../shared/kpi/formulas';
import { DISTRICT_ID } from '../../../shared/kpi/units';
import type { Change } from '../../../shared/sync/protocol';
import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb, type CacheDb } from '../../db/open';
import { FeedbackService } from '../feedback/feedback.service';
import { KpiService } from './kpi.service';

const NOW = new Date('2026-11-26T03:00:00Z'); // 10:00 in Vietnam, Thursday
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let svc: KpiService;
let seq = 0;
let feedback: FeedbackService;

function put(entity: Change['entity'], rows: Array<Record<string, unknown> & { id: string }>) {
  const changes: Change[] = rows.map((data) => ({ seq: ++seq, entity, id: data.id, op: 'upsert', data }));
  repo.applyPage(changes, seq, NOW.toISOString());
}
function del(entity: Change['entity'], id: string) {
  repo.applyPage([{ seq: ++seq, entity, id, op: 'delete', data: null }], seq, NOW.toISOString());
}
function iv(indicatorCode: string, unitId: string, period: string, value: number | null, numerator: number | null = null, denominator: number | null = null) {
  return { id: `iv:${indicatorCode}:${unitId}:${period}`, indicator: indicatorCode, unitId, period, value, numerator, denominator, computedAt: '2026-11-26T02:00:00.000Z', asOf: '2026-11-26T01:55:00.000Z' };
}
function dossier(id: string, o: { unit?: string; agency?: string; receivedAt: number; dueAt: number; done?: [string, number] }) {
  const base = { dossierId: id, procedure: 'Cấp giấy chứng nhận quyền sử dụng đất', agencyId: o.agency ?? 'ag-ubnd-20900', unitId: o.unit ?? 'vn-2025:20900', online: true, dueAt: iso(o.dueAt) };
  const rows = [{ id: `${id}-r`, ...base, kind: 'received', at: iso(o.receivedAt) }];
  if (o.done) rows.push({ id: `${id}-d`, ...base, kind: o.done[0], at: iso(o.done[1]) });
  return rows;
}

const q = <T extends object>(schema: { parse: (x: unknown) => T }, x: unknown) => schema.parse(x);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-kpi-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  repo = new CacheRepo(db);
  seq = 0;
  feedback = new FeedbackService({ db: () => db.sqlite, enqueue: () => 'x', now: () => NOW });
  svc = new KpiService({ db: () => db.sqlite, cacheAsOf: () => repo.meta().asOf, feedbackQuery: (i) => feedback.query(FeedbackQueryInput.parse(i)), exportDir: () => join(dir, 'Downloads'), now: () => NOW });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('KPI boards over the cache', () => {
  it('shows the latest value of each indicator with its target, state, trend (gaps as null), previous value and as-of', () => {
    put('indicator_value', [
      iv('hl.ehr_coverage_pct', DISTRICT_ID, '2026-09', 88.5, 885, 1000),
      // 2026-10 missing: a gap in the sparkline
      iv('hl.ehr_coverage_pct', DISTRICT_ID, '2026-11', 96.2, 962, 1000),
      iv('hl.fully_immunized_pct', DISTRICT_ID, '2026-11', 84, 84, 100),
      iv('hl.dtp_dropout_pct', DISTRICT_ID, '2026-10', 12.5, 5, 40),
      // another unit and another period kind must not leak in
      iv('hl.ehr_coverage_pct', 'vn-2025:20908', '2026-11', 50, 50, 100),
      iv('hl.ehr_coverage_pct', DISTRICT_ID, '2026-W48', 10, 1, 10),
    ]);
    const b = svc.board('health', q(KpiBoardInput, { board: 'health' }).scope);
    expect(b.period).toBe('2026-11');
    expect(b.unitId).toBe(DISTRICT_ID);
    const ehr = b.tiles.find((t) => t.indicator === 'hl.ehr_coverage_pct')!;
    expect(ehr).toMatchObject({ value: 96.2, numerator: 962, denominator: 1000, period: '2026-11', previous: null, target: 95, state: 'green', asOf: '2026-11-26T01:55:00.000Z', source: 'server' });
    expect(ehr.trend).toHaveLength(12);
    expect(ehr.trend.slice(-3)).toEqual([
      { period: '2026-09', value: 88.5 },
      { period: '2026-10', value: null },
      { period: '2026-11', value: 96.2 },
    ]);
    expect(b.tiles.find((t) => t.indicator === 'hl.fully_immunized_pct')).toMatchObject({ value: 84, state: 'amber' });
    // A "down" indicator over its amber threshold is red; its latest row is last month's.
    expect(b.tiles.find((t) => t.indicator === 'hl.dtp_dropout_pct')).toMatchObject({ value: 12.5, period: '2026-10', state: 'red' });
    // Indicators with no rows are shown as empty, not invented.
    expect(b.tiles.find((t) => t.indicator === 'hl.tt_protected_pct')).toMatchObject({ value: null, state: 'none', asOf: null });
    expect(b.asOf).toBe('2026-11-26T01:55:00.000Z');

    // Weekly view of the same board, and one commune.
    const w = svc.board('health', q(KpiBoardInput, { board: 'health', scope: { periodKind: 'week' } }).scope);
    expect(w.period).toBe('2026-W48');
    expect(w.tiles.find((t) => t.indicator === 'hl.ehr_coverage_pct')).toMatchObject({ value: 10, state: 'red' });
    const c = svc.board('health', q(KpiBoardInput, { board: 'health', scope: { unitId: 'vn-2025:20908' } }).scope);
    expect(c.tiles.find((t) => t.indicator === 'hl.ehr_coverage_pct')?.value).toBe(50);
  });

  it('follows the cache: an updated or deleted indicator_value row changes the board', () => {
    put('indicator_value', [iv('ed.dropout_pct', DISTRICT_ID, '2026-11', 0.8, 8, 1000)]);
    const tile = () => svc.board('education', q(KpiBoardInput, { board: 'education' }).scope).tiles.find((t) => t.indicator === 'ed.dropout_pct')!;
    expect(tile()).toMatchObject({ value: 0.8, state: 'green' });
    put('indicator_value', [iv('ed.dropout_pct', DISTRICT_ID, '2026-11', 4.1, 41, 1000)]);
    expect(tile()).toMatchObject({ value: 4.1, state: 'red' });
    del('indicator_value', `iv:ed.dropout_pct:${DISTRICT_ID}:2026-11`);
    expect(tile()).toMatchObject({ value: null, state: 'none' });
  });

  it('refuses a period of the wrong shape with a clear error', () => {
    expect(() => svc.board('health', { periodKind: 'month', period: '2026-W48' })).toThrow(/is a week, not a month/);
    expect(() => svc.board('health', { periodKind: 'month', period: 'tháng 11' })).toThrow(/not a period/);
  });

  it('counts dossiers due within 24 h and late ones live from dossier events, per commune including the units merged into it', () => {
    const t = NOW.getTime();
    put('dossier_event', [
      ...dossier('HS-1', { receivedAt: t - 5 * 24 * HOUR, dueAt: t + 3 * HOUR }), // due in 3 h
      ...dossier('HS-2', { receivedAt: t - 5 * 24 * HOUR, dueAt: t + 23 * HOUR, unit: 'vn-2019:20899' }), // old Thị trấn Trà My → Trà My
      ...dossier('HS-3', { receivedAt: t - 5 * 24 * HOUR, dueAt: t + 2 * HOUR, done: ['completed_early', t - HOUR] }), // done: not due
      ...dossier('HS-4', { receivedAt: t - 9 * 24 * HOUR, dueAt: t - 30 * HOUR }), // late, open
      ...dossier('HS-5', { receivedAt: t - 5 * 24 * HOUR, dueAt: t + 25 * HOUR, unit: 'vn-2025:20908', agency: 'ag-ubnd-20908' }), // beyond 24 h
      ...dossier('HS-6', { receivedAt: t - 5 * 24 * HOUR, dueAt: t + 5 * HOUR, unit: 'vn-2025:20908', agency: 'ag-ubnd-20908' }),
    ]);
    const tiles = svc.board('services', q(KpiBoardInput, { board: 'services' }).scope).tiles;
    expect(tiles.find((x) => x.indicator === 'dvc.due_24h')).toMatchObject({ value: 3, source: 'live', period: '2026-11' });
    expect(tiles.find((x) => x.indicator === 'dvc.overdue_open')).toMatchObject({ value: 1, source: 'live', state: 'amber' });

    const due = svc.worklist(q(WorklistInput, { kind: 'dossiers_due' }));
    expect(due.total).toBe(3);
    expect(due.items.map((i) => i.id)).toEqual(['HS-1', 'HS-6', 'HS-2']); // soonest due first
    expect(due.items[2]).toMatchObject({ unitName: 'Thị trấn Trà My', overdue: false });
    const myDue = svc.worklist(q(WorklistInput, { kind: 'dossiers_due', unitId: 'vn-2025:20900' }));
    expect(myDue.items.map((i) => i.id)).toEqual(['HS-1', 'HS-2']);
    const byAgency = svc.worklist(q(WorklistInput, { kind: 'dossiers_due', agencyId: 'ag-ubnd-20908' }));
    expect(byAgency.items.map((i) => i.id)).toEqual(['HS-6']);
    expect(svc.worklist(q(WorklistInput, { kind: 'dossiers_late' })).items).toMatchObject([{ id: 'HS-4', overdue: true }]);

    // The officer closes HS-1: it leaves the worklist as soon as the event reaches the cache.
    put('dossier_event', [{ id: 'HS-1-d', dossierId: 'HS-1', procedure: 'x', agencyId: 'ag-ubnd-20900', unitId: 'vn-2025:20900', online: true, dueAt: iso(t + 3 * HOUR), kind: 'completed_on_time', at: iso(t) }]);
    expect(svc.worklist(q(WorklistInput, { kind: 'dossiers_due' })).items.map((i) => i.id)).toEqual(['HS-6', 'HS-2']);
    // A completion deleted on the server reopens the dossier.
    del('dossier_event', 'HS-1-d');
    expect(svc.worklist(q(WorklistInput, { kind: 'dossiers_due' })).total).toBe(3);
  });

  it('computes the 766 score from the stored counts and the what-if for the dossiers still due today', () => {
    const t = NOW.getTime();
    const P = '2026-11';
    // received 200, synced 190; completed 100 (90 on time) + 10 late open; 600 of 1000 days used;
    // 80 digitized; 110 online; 40 of 50 fees paid online; 45 of 50 ratings satisfied.
    put('indicator_value', [
      iv('dvc.synced_pct', DISTRICT_ID, P, 95, 190, 200),
      iv('dvc.ontime_pct', DISTRICT_ID, P, 81.8, 90, 110),
      iv('dvc.time_used_pct', DISTRICT_ID, P, 60, 600, 1000),
      iv('dvc.digitized_pct', DISTRICT_ID, P, 80, 80, 100),
      iv('dvc.online_pct', DISTRICT_ID, P, 55, 110, 200),
      iv('dvc.payment_pct', DISTRICT_ID, P, 80, 40, 50),
      iv('dvc.satisfaction_pct', DISTRICT_ID, P, 90, 45, 50),
      iv('dvc.score766', DISTRICT_ID, P, 80.1),
    ]);
    put('dossier_event', [
      ...dossier('HS-A', { receivedAt: t - 4 * 24 * HOUR, dueAt: t + 2 * HOUR }),
      ...dossier('HS-B', { receivedAt: t - 6 * 24 * HOUR, dueAt: t + 20 * HOUR }),
      ...dossier('HS-L', { receivedAt: t - 20 * 24 * HOUR, dueAt: t - 48 * HOUR }),
    ]);
    const inputs = { ...EMPTY_766, received: 200, synced: 190, completed: 100, earlyOrOnTime: 90, overdueOpen: 10, daysUsed: 600, daysAllowed: 1000, digitized: 80, online: 110, withFee: 50, paidOnline: 40, ratings: 50, satisfied: 45 };
    const expected = score766(inputs);
    const b = svc.board('services', q(KpiBoardInput, { board: 'services' }).scope);
    const s = b.score766!;
    expect(s.total).toBeCloseTo(expected.total!, 6);
    expect(Object.fromEntries(s.groups.map((g) => [g.group, g.points]))).toEqual(expected.groups);
    expect(s.groups.map((g) => g.max)).toEqual([18, 20, 22, 22, 18]);
    const soon = s.whatIf.find((w) => w.scenario === 'close_due_soon')!;
    expect(soon).toMatchObject({ count: 2, dossierIds: ['HS-A', 'HS-B'] });
    // Same formula as the server, with the dossiers' own days used/allowed.
    const days = (4 + 6) / 2;
    const allowed = (4 + 2 / 24 + 6 + 20 / 24) / 2;
    const ref = whatIf766(inputs, { closeDueSoonOnTime: 2, daysEach: days, allowedEach: allowed });
    expect(soon.gain).toBeCloseTo(ref.delta, 2);
    expect(soon.gain).toBeGreaterThan(0);
    expect(soon.scoreAfter! - soon.scoreBefore!).toBeCloseTo(soon.gain, 1);
    expect(s.whatIf.find((w) => w.scenario === 'close_overdue')).toMatchObject({ count: 1, dossierIds: ['HS-L'] });

    // A past period has a score but no what-if (nothing left to close in it).
    const past = svc.board('services', q(KpiBoardInput, { board: 'services', scope: { period: '2026-10' } }).scope).score766!;
    expect(past).toMatchObject({ total: null, partial: 0, whatIf: [] });
  });

  it('drills down by commune under both code lists; pre-2025 units show the last period before the merger', () => {
    put('indicator_value', [
      iv('ed.schools_standard_pct', DISTRICT_ID, '2026-11', 55, 11, 20),
      iv('ed.schools_standard_pct', 'vn-2025:20900', '2026-11', 75, 3, 4),
      iv('ed.schools_standard_pct', 'vn-2025:20929', '2026-11', 25, 1, 4),
      iv('ed.schools_standard_pct', 'vn-2019:20899', '2025-06', 100, 2, 2),
      iv('ed.schools_standard_pct', 'vn-2019:20932', '2025-06', 0, 0, 1),
    ]);
    const d = svc.drill(q(KpiDrillInput, { indicator: 'ed.schools_standard_pct' }));
    expect(d.rows).toHaveLength(5);
    expect(d.rows.find((r) => r.id === 'vn-2025:20900')).toMatchObject({ name: 'Xã Trà My', value: 75, state: 'green' });
    expect(d.rows.find((r) => r.id === 'vn-2025:20929')).toMatchObject({ name: 'Xã Trà Giáp', value: 25, state: 'red' });
    expect(d.rows.find((r) => r.id === 'vn-2025:20923')).toMatchObject({ value: null, state: 'none' });
    expect(d.district).toMatchObject({ value: 55 });
    expect(d.note).toBeNull();

    const old = svc.drill(q(KpiDrillInput, { indicator: 'ed.schools_standard_pct', codeList: 'vn-2019' }));
    expect(old.rows).toHaveLength(13);
    expect(old.period).toBe('2025-06');
    expect(old.note).toBe('pre_merger_only');
    // Code 20900 means Trà Sơn in the old list: names follow the list, not the bare code.
    expect(old.rows.find((r) => r.id === 'vn-2019:20900')?.name).toBe('Xã Trà Sơn');
    expect(old.rows.find((r) => r.id === 'vn-2019:20899')).toMatchObject({ name: 'Thị trấn Trà My', value: 100 });

    expect(svc.drill(q(KpiDrillInput, { indicator: 'ed.dropout_pct' })).note).toBe('no_data');
    expect(() => svc.drill(q(KpiDrillInput, { indicator: 'nope' }))).toThrow(/Unknown indicator/);
  });

  it('drills public services down by agency from the dossiers, worst first', () => {
    const t = NOW.getTime();
    const monthStart = Date.parse('2026-10-31T17:00:00Z');
    put('agency', [
      { id: 'ag-ubnd-20900', name: 'UBND xã Trà My', kind: 'commune', unitId: 'vn-2025:20900' },
      { id: 'ag-ubnd-20908', name: 'UBND xã Trà Liên', kind: 'commune', unitId: 'vn-2025:20908' },
    ]);
    put('dossier_event', [
      ...dossier('A1', { receivedAt: monthStart + HOUR, dueAt: monthStart + 5 * 24 * HOUR, done: ['completed_on_time', monthStart + 4 * 24 * HOUR] }),
      ...dossier('A2', { receivedAt: monthStart + HOUR, dueAt: monthStart + 5 * 24 * HOUR, done: ['completed_early', monthStart + 2 * 24 * HOUR] }),
      ...dossier('B1', { receivedAt: monthStart + HOUR, dueAt: monthStart + 5 * 24 * HOUR, done: ['completed_late', monthStart + 9 * 24 * HOUR], agency: 'ag-ubnd-20908', unit: 'vn-2025:20908' }),
      ...dossier('B2', { receivedAt: monthStart + HOUR, dueAt: t - HOUR, agency: 'ag-ubnd-20908', unit: 'vn-2025:20908' }),
      ...dossier('B3', { receivedAt: monthStart + HOUR, dueAt: monthStart + 5 * 24 * HOUR, done: ['completed_on_time', monthStart + 3 * 24 * HOUR], agency: 'ag-ubnd-20908', unit: 'vn-2025:20908' }),
    ]);
    const d = svc.drill(q(KpiDrillInput, { indicator: 'dvc.ontime_pct', by: 'agency' }));
    expect(d.rows.map((r) => [r.name, r.value == null ? null : Math.round(r.value * 10) / 10, r.state])).toEqual([
      ['UBND xã Trà Liên', 33.3, 'red'], // 1 on time of (2 completed + 1 late open)
      ['UBND xã Trà My', 100, 'green'],
    ]);
    const received = svc.drill(q(KpiDrillInput, { indicator: 'dvc.received', by: 'agency' }));
    expect(received.rows.map((r) => r.value)).toEqual([3, 2]);
  });

  it('lists children overdue for a vaccine, soonest due first, per commune with the merged units', () => {
    put('immunization_due', [
      { id: 'TE-001:DTP3', childCode: 'TE-001', unitId: 'vn-2025:20929', antigen: 'DTP3', birthDate: '2026-06-01', dueAt: '2026-09-29T00:00:00+07:00', computedAt: NOW.toISOString() },
      { id: 'TE-002:MR9', childCode: 'TE-002', unitId: 'vn-2019:20932', antigen: 'MR9', birthDate: '2025-12-01', dueAt: '2026-08-28T00:00:00+07:00', computedAt: NOW.toISOString() },
      { id: 'TE-003:BCG', childCode: 'TE-003', unitId: 'vn-2025:20900', antigen: 'BCG', birthDate: '2026-10-01', dueAt: '2026-10-31T00:00:00+07:00', computedAt: NOW.toISOString() },
    ]);
    const all = svc.worklist(q(WorklistInput, { kind: 'immunization_overdue' }));
    expect(all.items.map((i) => [i.title, i.detail])).toEqual([['TE-002', 'MR9'], ['TE-001', 'DTP3'], ['TE-003', 'BCG']]);
    // Trà Ka (old) became part of Trà Giáp.
    const giap = svc.worklist(q(WorklistInput, { kind: 'immunization_overdue', unitId: 'vn-2025:20929' }));
    expect(giap.items.map((i) => i.title)).toEqual(['TE-002', 'TE-001']);
    expect(giap.items[0]).toMatchObject({ unitName: 'Xã Trà Ka', overdue: true, dueAt: '2026-08-27T17:00:00.000Z' });
  });

  it('counts overdue feedback live with the SLA clock and lists it', () => {
    put('feedback_case', [
      { id: 'fc-1', title: 'Sạt lở taluy dương sau mưa lớn', description: '', category: 'landslide', status: 'in_progress', level: 'urgent', unitId: 'vn-2025:20929', location: null, address: null, agencyId: 'ag-bqlda', receivedAt: iso(NOW.getTime() - 20 * 24 * HOUR), updatedAt: iso(NOW.getTime() - HOUR), noteCount: 0 },
      { id: 'fc-2', title: 'Đèn đường không sáng', description: '', category: 'lighting', status: 'received', level: 'normal', unitId: 'vn-2025:20900', location: null, address: null, agencyId: null, receivedAt: iso(NOW.getTime() - HOUR), updatedAt: iso(NOW.getTime() - HOUR), noteCount: 0 },
    ]);
    const tile = svc.board('feedback', q(KpiBoardInput, { board: 'feedback' }).scope).tiles.find((t) => t.indicator === 'pakn.overdue')!;
    expect(tile).toMatchObject({ value: 1, source: 'live', state: 'amber' });
    expect(svc.worklist(q(WorklistInput, { kind: 'feedback_overdue' })).items.map((i) => i.id)).toEqual(['fc-1']);
    // How late, in the working minutes the desk shows for the same case.
    const [item] = svc.worklist(q(WorklistInput, { kind: 'feedback_overdue' })).items;
    expect(item.lateWorkingMinutes).toBeGreaterThan(0);
    expect(item.lateWorkingMinutes).toBe(-feedback.get('fc-1').row.sla.remainingWorkingMinutes);
    expect(svc.worklist(q(WorklistInput, { kind: 'feedback_overdue', unitId: 'vn-2025:20900' })).total).toBe(0);
  });

  it('exports a board as CSV Excel reads (BOM, CRLF, Vietnamese names, quoting) and saves it when asked', () => {
    put('indicator_value', [iv('cyber.negative_pct', DISTRICT_ID, '2026-11', 12.34567, 10, 81), iv('cyber.mentions', DISTRICT_ID, '2026-10', 70)]);
    const out = svc.exportCsv(q(KpiExportInput, { board: 'cyberspace', save: true }));
    expect(out.csv.startsWith('\uFEFFMã chỉ số,Chỉ số,')).toBe(true);
    const lines = out.csv.slice(1).trimEnd().split('\r\n');
    expect(lines.length).toBe(out.rows + 1);
    expect(out.rows).toBe(3 * 12); // 3 cyberspace indicators × 12 months
    expect(lines).toContain(`cyber.negative_pct,Tỷ lệ tin tiêu cực,%,Bắc Trà My,2026-11,12.3457,10,81,10,Đạt,2026-11-26T01:55:00.000Z,"RSS/Atom feeds, Vietnamese sentiment lexicon"`);
    expect(out.filename).toBe('kpi-cyberspace-2026-11-vn-2019_515.csv');
    expect(out.savedTo).toBe(join(dir, 'Downloads', out.filename));
    expect(readFileSync(out.savedTo!, 'utf8')).toBe(out.csv);
    const en = svc.exportCsv(q(KpiExportInput, { board: 'cyberspace', lang: 'en' }));
    expect(en.savedTo).toBeNull();
    expect(en.csv).toContain('cyber.negative_pct,Negative share,');
  });

  it('catalogue thresholds decide the tile colour in both directions', () => {
    expect(stateOf(indicator('dvc.ontime_pct'), 95)).toBe('green');
    expect(stateOf(indicator('dvc.avg_days'), 9)).toBe('red');
  });
});

describe('cache migration 5', () => {
  it('fills kpi_values and kpi_dossiers from rows cached before the upgrade', () => {
    const file = join(dir, 'old.sqlite');
    const old = openCacheDb(file, { targetVersion: 3 });
    const oldRepo = new CacheRepo(old);
    const t = NOW.getTime();
    const changes: Change[] = [
      { seq: 1, entity: 'indicator_value', id: 'a', op: 'upsert', data: iv('hl.ehr_coverage_pct', DISTRICT_ID, '2026-11', 91.5, 915, 1000) },
      ...dossier('HS-9', { receivedAt: t - 24 * HOUR, dueAt: t + HOUR }).map((data, i): Change => ({ seq: 2 + i, entity: 'dossier_event', id: data.id, op: 'upsert', data })),
    ];
    oldRepo.applyPage(changes, 10, NOW.toISOString());
    expect(old.version).toBe(3);
    old.close();
    const upgraded = openCacheDb(file);
    try {
      expect(upgraded.version).toBeGreaterThanOrEqual(5);
      const s = new KpiService({ db: () => upgraded.sqlite, now: () => NOW });
      expect(s.board('health', { periodKind: 'month' }).tiles[0]).toMatchObject({ indicator: 'hl.ehr_coverage_pct', value: 91.5, state: 'amber' });
      expect(s.worklist({ kind: 'dossiers_due', limit: 10 }).items.map((i) => i.id)).toEqual(['HS-9']);
    } finally {
      upgraded.close();
    }
  });
});

describe('cyberspace list', () => {
  it('lists the newest negative mentions, per commune with the merged units', () => {
    const m = (id: string, unitId: string, sentiment: string, publishedAt: string) => ({ id, feedId: 'f', source: 'baoquangnam.vn', url: null, title: `Tin ${id}`, summary: null, publishedAt, unitId, keywords: ['Trà My'], sentiment, score: -2 });
    put('cyber_mention', [
      m('a', 'vn-2025:20900', 'negative', '2026-11-25T08:00:00+07:00'),
      m('b', 'vn-2025:20900', 'positive', '2026-11-26T08:00:00+07:00'),
      m('c', 'vn-2025:20929', 'negative', '2026-11-26T01:00:00Z'),
    ]);
    const all = svc.worklist(WorklistInput.parse({ kind: 'cyber_negative' }));
    expect(all.items.map((i) => [i.id, i.detail, i.dueAt])).toEqual([
      ['c', 'baoquangnam.vn', '2026-11-26T01:00:00.000Z'],
      ['a', 'baoquangnam.vn', '2026-11-25T01:00:00.000Z'],
    ]);
    expect(svc.worklist(WorklistInput.parse({ kind: 'cyber_negative', unitId: 'vn-2025:20929' })).items.map((i) => i.id)).toEqual(['c']);
  });
});
