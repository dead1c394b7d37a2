import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminUnit, Camera, ENTITY_SCHEMAS } from '../../shared/domain/entities';
import { rowsOf } from '../db/client';
import { type Harness, startHarness } from '../test/harness';
import { Replica } from '../test/replica';
import { DEMO_COUNTS, DEMO_UNACKNOWLEDGED_ALERTS } from './demo-seed';
import { loadDistrictData } from './district-data';
import { inMultiPolygon } from './geo';

const NOW = new Date('2026-11-20T03:00:00Z');

describe('demo seed', () => {
  let h: Harness;
  let replica: Replica;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    replica = new Replica();
    await replica.pullAll(h.server.url, await h.login('leader'), 5000);
  });
  afterAll(() => h?.close());

  it('writes the documented counts, all through the change log', async () => {
    for (const [entity, count] of Object.entries(DEMO_COUNTS)) {
      expect(replica.tables.get(entity as keyof typeof DEMO_COUNTS)!.size, entity).toBe(count);
    }
    expect(replica.tables.get('case_event')!.size).toBeGreaterThanOrEqual(DEMO_COUNTS.feedback_case);
    const open = [...replica.tables.get('alert')!.values()].filter((a) => (a as { acknowledgedAt: unknown }).acknowledgedAt === null);
    expect(open).toHaveLength(DEMO_UNACKNOWLEDGED_ALERTS);
  });

  it('every synced row matches its shared/domain schema', () => {
    for (const [entity, rows] of replica.tables) {
      for (const row of rows.values()) expect(ENTITY_SCHEMAS[entity].safeParse(row).success, `${entity} ${JSON.stringify(row)}`).toBe(true);
    }
  });

  it('stores both code lists with the 2025 crosswalk (codes were reused)', () => {
    const units = replica.tables.get('admin_unit')!;
    const u = (id: string) => AdminUnit.parse(units.get(id));
    expect(u('vn-2019:20900').name).toBe('Xã Trà Sơn');
    expect(u('vn-2025:20900').name).toBe('Xã Trà My');
    expect(u('vn-2019:20900').successorId).toBe('vn-2025:20900');
    expect(u('vn-2019:20932').successorId).toBe('vn-2025:20929'); // Trà Ka → Trà Giáp
    expect(u('vn-2019:515')).toMatchObject({ level: 'district', parentId: 'vn-2019:49', validTo: '2025-06-30' });
    expect(u('vn-2025:20908')).toMatchObject({ parentId: 'vn-2025:48', validFrom: '2025-07-01', validTo: null });
    const old = [...units.values()].map((x) => AdminUnit.parse(x)).filter((x) => x.codeList === 'vn-2019' && x.parentId === 'vn-2019:515');
    expect(old).toHaveLength(13);
    // Every pre-2025 centre lies inside the district outline and inside its successor commune.
    const data = loadDistrictData();
    for (const x of old) {
      expect(inMultiPolygon(x.center!, data.outline), x.name).toBe(true);
      const successor = data.communes.find((c) => `vn-2025:${c.code}` === x.successorId)!;
      expect(inMultiPolygon(x.center!, successor.area), x.name).toBe(true);
    }
  });

  it('puts each camera inside its commune, with synthetic sources', () => {
    const data = loadDistrictData();
    for (const raw of replica.tables.get('camera')!.values()) {
      const cam = Camera.parse(raw);
      const commune = data.communes.find((c) => `vn-2025:${c.code}` === cam.unitId)!;
      expect(inMultiPolygon(cam.location, commune.area), cam.name).toBe(true);
      expect(cam.sources.main).toEqual({ type: 'synthetic', url: `synthetic://${cam.id}?size=1280x720` });
    }
  });

  it('is deterministic: a second database seeded at the same clock has identical digests', async () => {
    const other = await startHarness({ now: () => NOW });
    try {
      const token = await other.login('admin');
      const a = await h.api('GET', '/api/v1/sync/digest', { token: await h.login('admin') });
      const b = await other.api('GET', '/api/v1/sync/digest', { token });
      expect(b.body).toEqual(a.body);
    } finally {
      await other.close();
    }
    // A second seeded server: a few seconds on an idle machine, much longer while other jobs run.
  }, 120_000);

  it('does not seed twice on restart', async () => {
    const before = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM change_log`);
    await h.restart();
    const after = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM change_log`);
    expect(after[0].n).toBe(before[0].n);
  });
});
