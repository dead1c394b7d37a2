import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUnits, indicatorValues } from '../db/schema';
import { ChangeFeed } from '../sync/change-feed';
import { withWriteTx } from '../sync/writer';
import { type Harness, startHarness } from '../test/harness';

const NOW = new Date('2026-11-20T03:00:00Z');

/** A server without the demo seed: reference units arrive with the first import; the schedule picks up data written elsewhere. */
describe('KPI on a server without demo data', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW, seedDemo: false, bootstrapUsers: [{ username: 'data', password: 'data-desk-2026', role: 'operator' }], kpi: { recomputeEveryMs: 200, pollEveryMs: 0, feeds: [] } });
    token = await h.login('data', 'data-desk-2026');
  });
  afterAll(() => h?.close());

  const value = async (indicator: string, unitId: string, period: string) =>
    (await h.server.db.orm.select().from(indicatorValues).where(and(eq(indicatorValues.indicator, indicator), eq(indicatorValues.unitId, unitId), eq(indicatorValues.period, period))))[0];

  it('brings the 19 reporting units (both code lists) by itself, and computes an import', async () => {
    const res = await h.api('POST', '/api/v1/kpi/import/pregnancies', { token, body: { rows: [
      { woman_code: 'PN-1', code_list: 'vn-2025', unit_code: '20929', registered_on: '2026-11-02', tt_doses: 2 },
      { woman_code: 'PN-2', code_list: 'vn-2025', unit_code: '20929', registered_on: '2026-11-03', tt_doses: 1 },
      { woman_code: 'PN-3', code_list: 'vn-2025', unit_code: '20900', registered_on: '2026-11-05', tt_doses: 0, protected: 'có' },
    ] } });
    expect(res.status, res.text).toBe(200);
    const ids = (await h.server.db.orm.select({ id: adminUnits.id }).from(adminUnits)).map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining(['vn-2019:515', 'vn-2019:20899', 'vn-2019:20932', 'vn-2025:20900', 'vn-2025:20929']));
    expect(await value('hl.tt_protected_pct', 'vn-2025:20929', '2026-11')).toMatchObject({ value: 50, numerator: 1, denominator: 2, state: 'red' });
    expect(await value('hl.tt_protected_pct', 'vn-2019:515', '2026')).toMatchObject({ numerator: 2, denominator: 3 });
  });

  it('the schedule recomputes the current periods: a dossier written by another path shows up', async () => {
    await withWriteTx({ db: h.server.db, feed: new ChangeFeed() }, (w) =>
      w.upsert('dossier_event', [{ id: 'sched-1', dossierId: 'HS-S-1', procedure: 'Chứng thực bản sao', agencyId: null, unitId: 'vn-2025:20923', kind: 'received', online: false, at: '2026-11-20T01:30:00Z', dueAt: '2026-11-20T09:00:00Z' }]),
    );
    let v;
    for (let i = 0; i < 200 && !(v = await value('dvc.received', 'vn-2025:20923', '2026-11-20')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(v).toMatchObject({ value: 1, periodKind: 'day' });
    expect(await value('dvc.due_24h', 'vn-2019:515', '2026-W47')).toMatchObject({ value: 1 });
  });
});
