import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MapLayerDiff, MapSelection } from '../../../shared/contracts/map.contract';
import { vnTime, HOUR_MS } from '../../../shared/feedback/calendar';
import type { Change } from '../../../shared/sync/protocol';
import type { StreamHealth } from '../../../shared/video/streams';
import { EventBus } from '../../core/events';
import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb, type CacheDb } from '../../db/open';
import { MapService } from './map.service';

const NOW = vnTime('2026-03-10T09:00'); // a Tuesday
let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let bus: EventBus;
let health: StreamHealth[];
let diffs: MapLayerDiff[];
let selections: MapSelection[];
let svc: MapService;
let seq = 0;

const put = (entity: Change['entity'], id: string, data: Record<string, unknown> | null) => {
  seq += 1;
  repo.applyPage([{ seq, entity, id, op: data ? 'upsert' : 'delete', data: data ? { id, ...data } : null }], seq, new Date(NOW).toISOString());
};
const iso = (ms: number) => new Date(ms).toISOString();
const cam = (name: string) => ({ name, group: 'traffic', unitId: 'vn-2025:20900', location: [108.23, 15.35], sources: {}, enabled: true });
const kase = (receivedAt: number, status = 'received', level = 'urgent') => ({ title: 'Sạt lở taluy', description: '', category: 'landslide', status, level, unitId: 'vn-2025:20900', location: [108.2, 15.3], address: null, agencyId: null, receivedAt: iso(receivedAt), updatedAt: iso(receivedAt), noteCount: 0 });
const hp = (cameraId: string, state: StreamHealth['state']): StreamHealth => ({ cameraId, profile: 'sub', state, source: 'primary', viewers: 1, fps: 15, bitrateKbps: 500, lastDataAt: null, restarts: 0, lastError: null, startedAt: null });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-map-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  repo = new CacheRepo(db);
  bus = new EventBus((c, m) => {
    throw new Error(`${c}: ${m}`);
  });
  diffs = [];
  selections = [];
  bus.subscribe((channel, payload) => {
    if (channel === 'map:diff') diffs.push(payload as MapLayerDiff);
    if (channel === 'map:selection') selections.push(payload as MapSelection);
  });
  health = [];
  seq = 0;
  svc = new MapService({ db: () => db.sqlite, bus, health: () => health, now: () => new Date(NOW), debounceMs: 0 });
});
afterEach(() => {
  svc.dispose();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MapService', () => {
  it('sends a snapshot, then only what changed: add, update, remove', () => {
    put('camera', 'cam-1', cam('Chợ Trà My'));
    put('camera', 'cam-2', cam('Cầu Trà My'));
    put('camera', 'cam-x', { ...cam('no place'), location: null }); // no position: not on the map
    const snap = svc.getLayer('cameras');
    expect(snap.features.map((f) => [f.id, f.props.name, f.props.state])).toEqual([
      ['cam-1', 'Chợ Trà My', 'idle'],
      ['cam-2', 'Cầu Trà My', 'idle'],
    ]);

    put('camera', 'cam-3', cam('UBND xã Trà Liên'));
    put('camera', 'cam-2', { ...cam('Cầu Trà My (mới)') });
    put('camera', 'cam-1', null);
    expect(svc.refresh('cameras')).toMatchObject({ fromRev: snap.rev, rev: snap.rev + 1, add: [{ id: 'cam-3' }], update: [{ id: 'cam-2', props: { name: 'Cầu Trà My (mới)' } }], remove: ['cam-1'] });
    expect(diffs).toHaveLength(1);
    // Nothing changed: nothing sent.
    expect(svc.refresh('cameras')).toBeNull();
    expect(diffs).toHaveLength(1);
    // Stream health colours the camera.
    health = [hp('cam-2', 'live')];
    expect(svc.refresh('cameras')?.update.map((f) => [f.id, f.props.state])).toEqual([['cam-2', 'live']]);
    health = [hp('cam-2', 'reconnecting')];
    expect(svc.refresh('cameras')?.update[0].props.state).toBe('reconnecting');
  });

  it('colours cases by SLA state and ages them with the clock', () => {
    put('feedback_case', 'fc-new', kase(NOW - 10 * 60_000));
    put('feedback_case', 'fc-soon', kase(NOW - 3 * HOUR_MS)); // urgent: accept within 4 working hours → due soon (24 h window)
    put('feedback_case', 'fc-late', kase(NOW - 4 * 24 * HOUR_MS));
    put('feedback_case', 'fc-done', kase(NOW - 4 * 24 * HOUR_MS, 'fixed'));
    const sla = Object.fromEntries(svc.getLayer('cases').features.map((f) => [f.id, f.props.sla]));
    expect(sla).toEqual({ 'fc-new': 'dueSoon', 'fc-soon': 'dueSoon', 'fc-late': 'overdue', 'fc-done': 'done' });
  });

  it('water stations carry the latest reading and its BĐ band', () => {
    put('water_station', 'ws-1', { name: 'Trạm đo Sông Tranh', river: 'Sông Tranh', unitId: null, location: [108.1, 15.3], alarm: { bd1: 3, bd2: 5, bd3: 6.5 }, cameraId: null });
    put('water_reading', 'r1', { stationId: 'ws-1', at: iso(NOW - 2 * HOUR_MS), levelM: 5.2 });
    put('water_reading', 'r2', { stationId: 'ws-1', at: iso(NOW - HOUR_MS), levelM: 2.1 });
    expect(svc.getLayer('water').features[0].props).toMatchObject({ levelM: 2.1, band: 0 });
    put('water_reading', 'r3', { stationId: 'ws-1', at: iso(NOW), levelM: 6.6 });
    expect(svc.refresh('water')?.update[0].props).toMatchObject({ levelM: 6.6, band: 3 });
  });

  it('facilities are read even though the entity is newer than this build (kind folded)', () => {
    db.sqlite.prepare(`INSERT INTO cache_rows (entity, id, data, seq) VALUES ('facility', 'f1', ?, 99)`).run(JSON.stringify({ id: 'f1', name: 'Trường TH Trà Giáp', kind: 'school', location: [108.26, 15.2] }));
    db.sqlite.prepare(`INSERT INTO cache_rows (entity, id, data, seq) VALUES ('facility', 'f2', ?, 100)`).run(JSON.stringify({ id: 'f2', name: 'Trạm Y tế xã Trà Tân', kind: 'clinic', location: [108.18, 15.26] }));
    expect(svc.getLayer('facilities').features.map((f) => f.props.kind)).toEqual(['school', 'health_station']);
  });

  it('coalesces data:changed into one diff per layer, and only for layers someone has loaded', async () => {
    put('camera', 'cam-1', cam('A'));
    svc.getLayer('cameras');
    put('camera', 'cam-2', cam('B'));
    put('feedback_case', 'fc-1', kase(NOW));
    svc.onDataChanged(['camera', 'feedback_case']);
    svc.onDataChanged(['camera']);
    await new Promise((r) => setTimeout(r, 20));
    expect(diffs.map((d) => [d.layer, d.add.map((f) => f.id)])).toEqual([['cameras', ['cam-2']]]);
  });

  it('latest indicator value per unit; selection is held and broadcast', () => {
    // The map draws communes and towns (the district has no shape of its own in either list).
    for (const [id, level] of [['vn-2025:20900', 'commune'], ['vn-2019:20911', 'commune'], ['vn-2019:20914', 'commune'], ['vn-2019:515', 'district']] as const) {
      put('admin_unit', id, { code: id.split(':')[1], codeList: id.split(':')[0], name: id, level, parentId: null, validFrom: null, validTo: null });
    }
    put('indicator_value', 'z', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2019:515', period: '2026-02', value: 70, computedAt: iso(NOW) });
    put('indicator_value', 'a', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20900', period: '2026-01', value: 80, computedAt: iso(NOW) });
    put('indicator_value', 'b', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20900', period: '2026-02', value: 82.5, computedAt: iso(NOW) });
    expect(svc.getIndicators().indicators).toEqual([{ id: 'hl.ehr_coverage_pct', values: [{ unitId: 'vn-2025:20900', period: '2026-02', value: 82.5 }] }]);
    // Period kinds are never mixed (a week or a day sorts after its month as text); a unit merged in
    // 2025 keeps its last month; a unit with only a yearly value shows that; nulls are skipped.
    put('indicator_value', 'c', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20900', period: '2026-W09', value: 10, computedAt: iso(NOW) });
    put('indicator_value', 'd', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20900', period: '2026-03-01', value: null, computedAt: iso(NOW) });
    put('indicator_value', 'e', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2019:20911', period: '2025-06', value: 61, computedAt: iso(NOW) });
    put('indicator_value', 'f', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2019:20911', period: '2025-07', value: null, computedAt: iso(NOW) });
    put('indicator_value', 'g', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2019:20914', period: '2024', value: 55, computedAt: iso(NOW) });
    put('indicator_value', 'h', { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20900', period: '2026', value: 99, computedAt: iso(NOW) }); // a month wins over a year
    const values = svc.getIndicators().indicators[0].values.sort((x, y) => x.unitId.localeCompare(y.unitId));
    expect(values).toEqual([
      { unitId: 'vn-2019:20911', period: '2025-06', value: 61 },
      { unitId: 'vn-2019:20914', period: '2024', value: 55 },
      { unitId: 'vn-2025:20900', period: '2026-02', value: 82.5 },
    ]);
    expect(svc.select({ kind: 'case', id: 'fc-1' }, '2')).toMatchObject({ kind: 'case', id: 'fc-1', by: '2' });
    expect(svc.getSelection()).toMatchObject({ id: 'fc-1' });
    svc.select(null, '1');
    expect(selections.map((s) => s?.id ?? null)).toEqual(['fc-1', null]);
  });
});
