import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../shared/sync/protocol';
import { CacheRepo } from '../../db/cache.repo';
import { openCacheDb, type CacheDb } from '../../db/open';
import { latestValues } from './latest';

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let seq = 0;

const iv = (indicator: string, unitId: string, period: string, value: number | null) => ({ id: `iv:${indicator}:${unitId}:${period}`, indicator, unitId, period, value, numerator: null, denominator: null, computedAt: '2026-11-26T02:00:00.000Z', asOf: null });
function put(...rows: Array<ReturnType<typeof iv>>) {
  const changes: Change[] = rows.map((data) => ({ seq: ++seq, entity: 'indicator_value', id: data.id, op: 'upsert', data }));
  repo.applyPage(changes, seq, '2026-11-26T03:00:00.000Z');
}
function del(id: string) {
  repo.applyPage([{ seq: ++seq, entity: 'indicator_value', id, op: 'delete', data: null }], seq, '2026-11-26T03:00:00.000Z');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-kpi-latest-'));
  db = openCacheDb(join(dir, 'cache.sqlite'));
  repo = new CacheRepo(db);
  seq = 0;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('latest cached value per unit per indicator', () => {
  it('takes the newest period of the kind that has a value, per unit and indicator', () => {
    put(
      iv('hl.ehr_coverage_pct', 'vn-2025:20900', '2026-09', 80),
      iv('hl.ehr_coverage_pct', 'vn-2025:20900', '2026-10', 82.5),
      iv('hl.ehr_coverage_pct', 'vn-2025:20900', '2026-11', null), // no data yet: the older value stays
      iv('hl.ehr_coverage_pct', 'vn-2025:20901', '2025-12', 70),
      iv('ed.dropout_pct', 'vn-2025:20900', '2026-10', 1.5),
      // Other kinds never leak in ("2026-W47" and "2026-11-25" sort after "2026-11" as text).
      iv('hl.ehr_coverage_pct', 'vn-2025:20900', '2026-W47', 10),
      iv('hl.ehr_coverage_pct', 'vn-2025:20900', '2026-11-25', 11),
      iv('hl.ehr_coverage_pct', 'vn-2025:20900', '2026', 79),
    );
    expect(latestValues(db.sqlite, 'month')).toEqual([
      { indicator: 'ed.dropout_pct', unitId: 'vn-2025:20900', period: '2026-10', value: 1.5 },
      { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20900', period: '2026-10', value: 82.5 },
      { indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20901', period: '2025-12', value: 70 },
    ]);
    expect(latestValues(db.sqlite, 'year')).toEqual([{ indicator: 'hl.ehr_coverage_pct', unitId: 'vn-2025:20900', period: '2026', value: 79 }]);
    expect(latestValues(db.sqlite, 'week').map((r) => r.value)).toEqual([10]);
    expect(latestValues(db.sqlite, 'day').map((r) => r.value)).toEqual([11]);
  });

  it('limits to the given units (none → nothing) and follows the cache as rows change', () => {
    put(iv('dvc.online_pct', 'vn-2019:515', '2026-10', 60), iv('dvc.online_pct', 'vn-2025:20900', '2026-09', 40), iv('dvc.online_pct', 'vn-2025:20900', '2026-10', 45));
    expect(latestValues(db.sqlite, 'month', ['vn-2025:20900']).map((r) => [r.unitId, r.period, r.value])).toEqual([['vn-2025:20900', '2026-10', 45]]);
    expect(latestValues(db.sqlite, 'month', [])).toEqual([]);
    expect(latestValues(db.sqlite, 'month').map((r) => r.unitId)).toEqual(['vn-2019:515', 'vn-2025:20900']);
    // A recomputed value replaces the old one; a deleted newest row falls back to the one before.
    put(iv('dvc.online_pct', 'vn-2025:20900', '2026-10', 47));
    expect(latestValues(db.sqlite, 'month', ['vn-2025:20900'])[0]).toMatchObject({ period: '2026-10', value: 47 });
    del('iv:dvc.online_pct:vn-2025:20900:2026-10');
    expect(latestValues(db.sqlite, 'month', ['vn-2025:20900'])[0]).toMatchObject({ period: '2026-09', value: 40 });
  });
});
