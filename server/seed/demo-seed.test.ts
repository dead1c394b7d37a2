import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AdminUnit, Camera, ENTITY_SCHEMAS, Facility, WaterStation } from '../../shared/domain/entities';
import { rowsOf } from '../db/client';
import { type Harness, startHarness } from '../test/harness';
import { Replica } from '../test/replica';
import { DEMO_COUNTS, DEMO_UNACKNOWLEDGED_ALERTS } from './demo-seed';
import { loadDistrictData } from './district-data';
import { inMultiPolygon, type MultiPolygon } from './geo';

/** The commune polygons the map actually draws (resources/map, built from resources/data). */
function shippedMap() {
  const read = (f: string) => JSON.parse(readFileSync(new URL(`../../resources/map/data/${f}`, import.meta.url), 'utf8'));
  const multi = (g: { type: string; coordinates: unknown }) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MultiPolygon;
  const communes = new Map<string, MultiPolygon>(
    read('communes_2025.geojson').features.map((f: { properties: { unitId: string }; geometry: { type: string; coordinates: unknown } }) => [f.properties.unitId, multi(f.geometry)]),
  );
  return { communes, district: multi(read('district_pre2025.geojson').features[0].geometry) };
}

const NOW = new Date('2026-11-20T03:00:00Z');

describe('demo seed', () => {
  let h: Harness;
  let replica: Replica;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW, demoKpi: true });
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

  it('places schools and health stations inside the right commune polygon of the shipped map', () => {
    const map = shippedMap();
    const all = [...replica.tables.get('facility')!.values()].map((r) => Facility.parse(r));
    expect(all).toHaveLength(DEMO_COUNTS.facility);
    for (const f of all) {
      expect(map.communes.has(f.unitId!), `${f.name} ${f.unitId}`).toBe(true);
      expect(inMultiPolygon(f.location, map.communes.get(f.unitId!)!), `${f.name} ${f.location}`).toBe(true);
      expect(inMultiPolygon(f.location, map.district), f.name).toBe(true);
    }
    // every post-2025 commune has schools of each basic level and a health station
    for (const unitId of map.communes.keys()) {
      const here = all.filter((f) => f.unitId === unitId);
      expect(here.some((f) => f.level === 'preschool'), unitId).toBe(true);
      expect(here.some((f) => f.level === 'primary' || f.level === 'primary_lower_secondary'), unitId).toBe(true);
      expect(here.some((f) => f.level === 'lower_secondary'), unitId).toBe(true);
      expect(here.some((f) => f.kind === 'health_station'), unitId).toBe(true);
    }
    // one health station for each of the 13 pre-2025 units, plus the district health centre
    expect(all.filter((f) => f.level === 'commune_health_station')).toHaveLength(13);
    expect(all.find((f) => f.level === 'district_health_centre')).toMatchObject({ name: 'Trung tâm Y tế khu vực Bắc Trà My', unitId: 'vn-2025:20900' });
    expect(all.map((f) => f.name)).toEqual(expect.arrayContaining(['Trạm Y tế xã Trà Giáp', 'Trường PTDTBT Tiểu học Trà Sơn', 'Trường THPT Bắc Trà My', 'Trường Mầm non Trà Ka']));
    expect(new Set(all.map((f) => f.name)).size).toBe(all.length);
    // KPI attributes present and plausible
    for (const f of all.filter((x) => x.kind === 'school')) {
      expect(f.pupils! > 0 && f.classes! > 0 && f.teachers! > 0, f.name).toBe(true);
      expect(f.pupils! / f.classes!).toBeLessThan(40);
      expect(typeof f.standardNational).toBe('boolean');
      if (f.name.includes('PTDTBT')) expect(f.boarding).toBe('semi');
    }
    for (const f of all.filter((x) => x.kind === 'health_station')) expect(f.beds! > 0 && f.staff! > 0, f.name).toBe(true);
  });

  it('puts cameras and water stations inside the district and their commune on the shipped map', () => {
    const map = shippedMap();
    const points: Array<{ name: string; unitId: string | null; location: [number, number] }> = [
      ...[...replica.tables.get('camera')!.values()].map((r) => Camera.parse(r)),
      ...[...replica.tables.get('water_station')!.values()].map((r) => WaterStation.parse(r)),
    ];
    expect(points.length).toBe(DEMO_COUNTS.camera + DEMO_COUNTS.water_station);
    for (const p of points) {
      expect(inMultiPolygon(p.location, map.district), p.name).toBe(true);
      expect(inMultiPolygon(p.location, map.communes.get(p.unitId!)!), p.name).toBe(true);
    }
  });

  it('is deterministic: a second database seeded at the same clock has identical digests', async () => {
    const other = await startHarness({ now: () => NOW, demoKpi: true });
    try {
      const token = await other.login('admin');
      const a = await h.api('GET', '/api/v1/sync/digest', { token: await h.login('admin') });
      const b = await other.api('GET', '/api/v1/sync/digest', { token });
      expect(b.body).toEqual(a.body);
    } finally {
      await other.close();
    }
  }, 180_000); // a second full seed (a year of KPI data): slow on a loaded 2-core CI machine

  it('computes a year of KPIs for every unit: plausible, lower coverage up the valleys, pre-merger history under both lists', async () => {
    const iv = async (indicator: string, unitId: string, period: string) =>
      (await rowsOf<{ value: number | null; numerator: number | null; denominator: number | null; state: string }>(h.server.db.orm, sql`SELECT value, numerator, denominator, state FROM indicator_values WHERE indicator = ${indicator} AND unit_id = ${unitId} AND period = ${period}`))[0];
    const counts = await rowsOf<{ period_kind: string; n: string }>(h.server.db.orm, sql`SELECT period_kind, count(*)::text AS n FROM indicator_values GROUP BY period_kind`);
    expect(Object.fromEntries(counts.map((c) => [c.period_kind, Number(c.n) > 0]))).toEqual({ day: true, week: true, month: true, year: true });
    // 12 months of dossiers in the district, the 766 score in a plausible band.
    const months = await rowsOf<{ period: string }>(h.server.db.orm, sql`SELECT period FROM indicator_values WHERE indicator = 'dvc.received' AND unit_id = 'vn-2019:515' AND period_kind = 'month' AND value > 0`);
    expect(months.length).toBeGreaterThanOrEqual(12);
    const score = await iv('dvc.score766', 'vn-2019:515', '2026-10');
    expect(score.value).toBeGreaterThan(60);
    expect(score.value).toBeLessThan(98);
    // Remote Trà Giáp (Ca Dong) lower than the town Trà My: immunization, EHR, online dossiers; more drop-out.
    for (const [code, dir] of [['hl.cov.dtp3', 1], ['hl.ehr_coverage_pct', 1], ['dvc.online_pct', 1], ['ed.dropout_pct', -1]] as const) {
      const town = await iv(code, 'vn-2025:20900', '2026');
      const remote = await iv(code, 'vn-2025:20929', '2026');
      expect(dir * (town.value! - remote.value!), code).toBeGreaterThan(0);
    }
    // The district is Σ numerators / Σ denominators of its communes.
    const communes = await rowsOf<{ n: number; d: number }>(h.server.db.orm, sql`SELECT sum(numerator) AS n, sum(denominator) AS d FROM indicator_values WHERE indicator = 'hl.cov.mr9' AND period = '2026' AND unit_id LIKE 'vn-2025:%'`);
    const district = await iv('hl.cov.mr9', 'vn-2019:515', '2026');
    expect([district.numerator, district.denominator]).toEqual([Number(communes[0].n), Number(communes[0].d)]);
    // Before July 2025: the 13 old units report, and roll up into the 2025 communes.
    const old = await rowsOf<{ unit_id: string; numerator: number }>(h.server.db.orm, sql`SELECT unit_id, numerator FROM indicator_values WHERE indicator = 'hl.ehr_coverage_pct' AND period = '2025-03' AND unit_id LIKE 'vn-2019:20%'`);
    expect(old).toHaveLength(13);
    const traMy = await iv('hl.ehr_coverage_pct', 'vn-2025:20900', '2025-03');
    expect(traMy.numerator).toBe(old.filter((o) => ['vn-2019:20899', 'vn-2019:20900', 'vn-2019:20911', 'vn-2019:20914'].includes(o.unit_id)).reduce((s, o) => s + o.numerator, 0));
    expect(await iv('hl.ehr_coverage_pct', 'vn-2019:20900', '2026-10')).toBeUndefined();
    // Worklists: children overdue for a vaccine, dossiers due within 24 h.
    expect(replica.tables.get('immunization_due')!.size).toBeGreaterThan(50);
    expect((await iv('dvc.due_24h', 'vn-2019:515', '2026-11-20')).value).toBeGreaterThan(0);
    expect(replica.tables.get('cyber_mention')!.size).toBeGreaterThan(1000);
  });

  it('adds the facilities to a demo database seeded before they existed, once', async () => {
    // As if seeded before migration 0004: no facility rows (the change log keeps the old ones,
    // harmless for this check: the top-up appends new upserts for the same ids).
    await h.server.db.orm.execute(sql`DELETE FROM facilities`);
    const logBefore = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM change_log WHERE entity = 'facility'`);
    await h.restart();
    const n = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM facilities`);
    expect(Number(n[0].n)).toBe(DEMO_COUNTS.facility);
    const logAfter = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM change_log WHERE entity = 'facility'`);
    expect(Number(logAfter[0].n) - Number(logBefore[0].n)).toBe(DEMO_COUNTS.facility);
    await h.restart();
    const again = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM change_log WHERE entity = 'facility'`);
    expect(again[0].n).toBe(logAfter[0].n);
  });

  it('does not seed twice on restart', async () => {
    const before = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM change_log`);
    await h.restart();
    const after = await rowsOf<{ n: string }>(h.server.db.orm, sql`SELECT count(*)::text AS n FROM change_log`);
    expect(after[0].n).toBe(before[0].n);
  });
});
