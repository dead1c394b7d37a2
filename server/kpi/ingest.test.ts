import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, count, eq, inArray, isNull, like, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, changeLog, cyberMentions, immunizationDues, indicatorValues, kpiEducation, kpiHealthRecords, waterReadings, waterStations, dossierEvents } from '../db/schema';
import { type Harness, startHarness } from '../test/harness';

const NOW = new Date('2026-11-20T03:00:00Z'); // 10:00 in Bắc Trà My
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on shapes
const json = async (r: Response): Promise<any> => r.json();
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('KPI ingestion', () => {
  let h: Harness;
  let admin: string;
  let operator: string;
  let leader: string;
  let feedServer: Server;
  let feedBase = '';
  let spikeOn = false;
  beforeAll(async () => {
    feedServer = createServer((req, res) => {
      if (req.url === '/spike.rss') {
        const items = spikeOn ? Array.from({ length: 8 }, (_, i) => `<item><title>Sạt lở nghiêm trọng ở Trà Giáp, người dân bức xúc (${i + 1})</title><guid>spike-${i}</guid><pubDate>Fri, 20 Nov 2026 0${i}:30:00 +0700</pubDate></item>`).join('') : '';
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Spike</title>${items}</channel></rss>`);
      }
      const name = req.url === '/news.rss' ? 'news.rss.xml' : req.url === '/social.atom' ? 'social.atom.xml' : null;
      if (!name) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(fixture(name));
    });
    await new Promise<void>((r) => feedServer.listen(0, '127.0.0.1', r));
    feedBase = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
    h = await startHarness({
      now: () => NOW,
      demoKpi: true,
      kpi: { feeds: [{ id: 'news', url: `${feedBase}/news.rss` }, { id: 'social', url: `${feedBase}/social.atom` }, { id: 'down', url: `${feedBase}/missing.rss` }, { id: 'spike', url: `${feedBase}/spike.rss` }], recomputeEveryMs: 0, pollEveryMs: 0 },
    });
    [admin, operator, leader] = await Promise.all([h.login('admin'), h.login('operator'), h.login('leader')]);
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => feedServer?.close(r));
  });

  const db = () => h.server.db.orm;
  const csv = (path: string, text: string | Uint8Array, token = operator) =>
    fetch(`${h.server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: text });
  const seq = async () => Number((await db().select({ m: max(changeLog.seq) }).from(changeLog))[0].m ?? 0);
  const value = async (indicator: string, unitId: string, period: string) => (await db().select().from(indicatorValues).where(and(eq(indicatorValues.indicator, indicator), eq(indicatorValues.unitId, unitId), eq(indicatorValues.period, period))))[0];

  const EDU_HEADER = 'code_list,unit_code,school_year,level,age_population,enrolled,dropouts,schools,schools_standard,classrooms,solid_classrooms';
  const eduRows = [
    'vn-2025,20900,2030-2031,primary,1200,1190,6,5,4,60,58',
    'vn-2025,20929,2030-2031,primary,900,820,25,6,1,55,30',
    'vn-2025,20900,2030-2031,lower_secondary,800,760,12,2,1,30,30',
  ];

  it('imports an education CSV and computes the district as Σ numerators / Σ denominators', async () => {
    const rows = ['vn-2025,20908,2026-2027,primary,1000,990,3,4,3,50,45', 'vn-2025,20920,2026-2027,primary,700,630,20,5,1,40,22', 'vn-2025,20908,2026-2027,preschool,500,430,0,3,1,20,12'];
    const res = await csv('/api/v1/kpi/import/education', [EDU_HEADER, ...rows].join('\r\n'));
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ dataset: 'education', format: 'csv', rows: 3, applied: true });
    expect(body.recompute.written).toBeGreaterThan(0);
    // Trà Đốc's primary row is now ours (1 of 5 schools at standard); its other levels come from the demo seed.
    const trdocRows = await db().select().from(kpiEducation).where(and(eq(kpiEducation.schoolYear, '2026-2027'), eq(kpiEducation.unitId, 'vn-2025:20920')));
    expect(trdocRows.find((r) => r.level === 'primary')).toMatchObject({ schools: 5, schoolsStandard: 1, enrolled: 630 });
    const std = trdocRows.reduce((s, r) => s + r.schoolsStandard, 0);
    const schools = trdocRows.reduce((s, r) => s + r.schools, 0);
    const trdoc = await value('ed.schools_standard_pct', 'vn-2025:20920', '2026');
    expect(trdoc).toMatchObject({ numerator: std, denominator: schools, periodKind: 'year' });
    expect(trdoc.value).toBeCloseTo((std / schools) * 100, 3);
    expect(trdoc.state).toBe(trdoc.value! >= 60 ? 'green' : trdoc.value! >= 40 ? 'amber' : 'red');
    const dist = await value('ed.solid_classrooms_pct', 'vn-2019:515', '2026-11');
    // Every education row in the district for the school year 2026-2027 (others may exist from the demo seed).
    const all = await db().select().from(kpiEducation).where(eq(kpiEducation.schoolYear, '2026-2027'));
    const solid = all.reduce((s, r) => s + r.solidClassrooms, 0);
    const rooms = all.reduce((s, r) => s + r.classrooms, 0);
    expect(dist.numerator).toBe(solid);
    expect(dist.denominator).toBe(rooms);
    expect(dist.value).toBeCloseTo((solid / rooms) * 100, 3);
    expect(dist.asOf).not.toBeNull();
  });

  it('refuses a file with bad rows whole: every error names row and column, nothing changes', async () => {
    const before = { seq: await seq(), rows: (await db().select({ n: count() }).from(kpiEducation))[0].n };
    const text = [EDU_HEADER, eduRows[0], 'vn-2025,20929,2030-2031,primary,900,820,900,6,1,55,30', eduRows[2], 'vn-2019,20900,2030-2031,primary,100,90,1,1,1,5,5', 'vn-2025,20929,2030-2031,university,1,1,0,1,1,1,1', 'vn-2025,20900,2030/31,primary,1,1,0,1,1,1,1'].join('\n');
    const res = await csv('/api/v1/kpi/import/education', text);
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_rows');
    expect(body.errors).toEqual([
      { row: 2, line: 3, column: 'dropouts', message: '900 is more than 820 enrolled' },
      { row: 4, line: 5, column: 'unit_code', message: expect.stringContaining('no longer exists on 2030-09-05') }, // code 20900 was reused
      { row: 5, line: 6, column: 'level', message: expect.stringContaining('"university" is not one of') },
      { row: 6, line: 7, column: 'school_year', message: expect.stringContaining('2030/31') },
    ]);
    expect(body.error.message).toContain('row 2 (line 3), column dropouts');
    expect(await seq()).toBe(before.seq);
    expect((await db().select({ n: count() }).from(kpiEducation))[0].n).toBe(before.rows);
    expect(await db().select().from(kpiEducation).where(eq(kpiEducation.schoolYear, '2030-2031'))).toEqual([]);
  });

  it.each([
    ['Latin-1 bytes', Uint8Array.from([...Buffer.from(`${EDU_HEADER}\n`), ...Buffer.from('vn-2025,20900,2030-2031,primary,1,1,0,1,1,1,1\n'), ...Buffer.from('# Tr'), 0xe0, ...Buffer.from(' My\n')]), /not UTF-8 .*line 3/],
    ['an unterminated quote', `${EDU_HEADER}\nvn-2025,"20900,2030-2031,primary,1,1,0,1,1,1,1\n`, /Unterminated quoted field starting on line 2/],
    ['a stray quote', `${EDU_HEADER}\nvn-2025,209"00,2030-2031,primary,1,1,0,1,1,1,1\n`, /Stray quote .* line 2/],
    ['text after a closing quote', `${EDU_HEADER}\nvn-2025,"20900"x,2030-2031,primary,1,1,0,1,1,1,1\n`, /after a closing quote on line 2/],
    ['a short row', `${EDU_HEADER}\nvn-2025,20900,2030-2031,primary,1,1,0,1,1,1\n`, /Line 2 has 10 fields, the header has 11/],
    ['a missing column', 'code_list,unit_code,school_year\nvn-2025,20900,2030-2031\n', /required column "level" is missing/],
    ['no data rows', `${EDU_HEADER}\n`, /no data rows/],
    ['a NUL byte', `${EDU_HEADER}\nvn-2025,20900,2030-2031,primary,1,1,0,1,1,1,1\u0000\n`, /NUL .* line 2/],
  ])('refuses CSV with %s, saying where', async (_what, body, message) => {
    const before = await seq();
    const res = await csv('/api/v1/kpi/import/education', body);
    expect(res.status).toBe(422);
    const j = await json(res);
    expect(j.error.message).toMatch(message);
    expect(await seq()).toBe(before);
  });

  it('accepts UTF-16 (Excel "Unicode text") and quoted fields with commas, quotes and newlines; ; as delimiter', async () => {
    const text = `\uFEFF${EDU_HEADER}\n${eduRows.join('\n')}\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(1), 'utf16le')]);
    const res = await csv('/api/v1/kpi/import/education?dryRun=1', le);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ rows: 3, applied: false });
    expect(await db().select().from(kpiEducation).where(eq(kpiEducation.schoolYear, '2030-2031'))).toEqual([]); // dry run
    const hdr = 'id;dossier_id;procedure;agency_id;code_list;unit_code;kind;online;at;due_at';
    const dossier = `${hdr}\nt-q-1;HS-Q-1;"Cấp giấy phép ""xây dựng"",\nnhà ở riêng lẻ";ag-ubnd-20900;vn-2025;20900;received;có;2026-11-20 09:00;2026-11-27T09:00:00+07:00\n`;
    const r2 = await csv('/api/v1/kpi/dossier-events', dossier, admin);
    expect(r2.status, await r2.clone().text()).toBe(200);
    const [ev] = await db().select().from(dossierEvents).where(eq(dossierEvents.id, 't-q-1'));
    expect(ev.procedure).toBe('Cấp giấy phép "xây dựng",\nnhà ở riêng lẻ');
    expect(ev.online).toBe(true);
    expect(ev.at.toISOString()).toBe('2026-11-20T02:00:00.000Z');
  });

  it('dossier events over the JSON API: admin only, unknown agencies refused, KPIs of today recomputed', async () => {
    const event = (n: number, extra: Record<string, unknown> = {}) => ({ id: `t-api-${n}`, dossier_id: `HS-API-${n}`, procedure: 'Đăng ký khai sinh', agency_id: 'ag-ubnd-20929', code_list: 'vn-2025', unit_code: '20929', kind: 'received', online: true, at: '2026-11-20T01:00:00Z', due_at: '2026-11-20T20:00:00Z', ...extra });
    expect((await h.api('POST', '/api/v1/kpi/dossier-events', { token: operator, body: { rows: [event(1)] } })).status).toBe(403);
    const before = (await value('dvc.received', 'vn-2025:20929', '2026-11-20'))?.value ?? 0;
    const due = (await value('dvc.due_24h', 'vn-2019:515', '2026-11-20'))?.value ?? 0;
    const bad = await h.api('POST', '/api/v1/kpi/dossier-events', { token: admin, body: { events: [event(1), event(2, { agency_id: 'ag-nowhere' }), event(3, { rating: 7 })] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ row: 3, column: 'rating', message: '"7" is not a rating 1–5' }]);
    const bad2 = await h.api('POST', '/api/v1/kpi/dossier-events', { token: admin, body: { events: [event(1), event(2, { agency_id: 'ag-nowhere' })] } });
    expect(bad2.body.errors).toEqual([{ row: 2, column: 'agency_id', message: 'unknown agency "ag-nowhere"' }]);
    expect(await db().select().from(dossierEvents).where(inArray(dossierEvents.id, ['t-api-1', 't-api-2']))).toEqual([]);
    const ok = await h.api('POST', '/api/v1/kpi/dossier-events', { token: admin, body: { events: [event(1), event(2)] } });
    expect(ok.status, ok.text).toBe(200);
    expect((await value('dvc.received', 'vn-2025:20929', '2026-11-20')).value).toBe(before + 2);
    expect((await value('dvc.due_24h', 'vn-2019:515', '2026-11-20')).value).toBe(due + 2);
    expect((await value('dvc.score766', 'vn-2019:515', '2026-W47'))).toBeDefined();
  });

  it('keeps pre-2025 data reportable under both code lists', async () => {
    const hdr = 'code_list,unit_code,month,population,records,standardized,visits,visits_synced';
    const res = await csv('/api/v1/kpi/import/health-records', [hdr, 'vn-2019,20900,2024-03,4000,3000,2000,500,400', 'vn-2019,20911,2024-03,3000,1500,1500,300,300', 'vn-2019,20932,2024-03,2000,1000,900,100,50', 'vn-2025,20900,2025-08,9000,8000,7000,900,800'].join('\n'));
    expect(res.status, await res.clone().text()).toBe(200);
    // (2024: before the demo's health history, so these three rows are the only ones.)
    expect(await value('hl.ehr_coverage_pct', 'vn-2019:20900', '2024-03')).toMatchObject({ value: 75, numerator: 3000, denominator: 4000, state: 'red' }); // Trà Sơn
    expect(await value('hl.ehr_coverage_pct', 'vn-2025:20900', '2024-03')).toMatchObject({ numerator: 4500, denominator: 7000 }); // Trà Sơn + Trà Dương → Trà My
    expect(await value('hl.ehr_coverage_pct', 'vn-2025:20929', '2024-03')).toMatchObject({ value: 50 }); // Trà Ka → Trà Giáp
    expect(await value('hl.ehr_coverage_pct', 'vn-2019:515', '2024-03')).toMatchObject({ numerator: 5500, denominator: 9000 });
    expect(await value('hl.ehr_coverage_pct', 'vn-2019:515', '2024')).toMatchObject({ numerator: 5500, denominator: 9000 });
    expect(await value('hl.visit_sync_pct', 'vn-2025:20900', '2025-08')).toMatchObject({ numerator: 800, denominator: 900 });
    expect(await value('hl.visit_sync_pct', 'vn-2019:20900', '2025-08')).toBeUndefined(); // after the merger: not split back
    expect(await db().select().from(kpiHealthRecords).where(eq(kpiHealthRecords.month, '2024-03'))).toHaveLength(3);
  });

  it('immunizations: overdue children enter the worklist and leave it when the dose is recorded', async () => {
    const hdr = 'child_code,code_list,unit_code,birth_date,antigen,given_on';
    const rows = [
      'TE-9001,vn-2025,20929,2026-07-01,BCG,2026-07-02',
      'TE-9001,vn-2025,20929,2026-07-01,HepB0,2026-07-01',
      'TE-9001,vn-2025,20929,2026-07-01,DTP1,2026-09-01',
      'TE-9002,vn-2025,20929,2026-07-01,,',
    ];
    const conflict = await csv('/api/v1/kpi/import/immunizations', [hdr, ...rows, 'TE-9002,vn-2025,20929,2026-07-02,BCG,2026-07-03'].join('\n'));
    expect(conflict.status).toBe(422);
    expect((await json(conflict)).errors[0]).toMatchObject({ row: 5, column: 'birth_date', message: expect.stringContaining('row 4') });
    expect((await csv('/api/v1/kpi/import/immunizations', [hdr, ...rows].join('\n'))).status).toBe(200);
    const open = async (child: string) => (await db().select().from(immunizationDues).where(eq(immunizationDues.childCode, child))).filter((r) => r.resolvedAt === null).map((r) => r.antigen).sort();
    // 142 days old: DTP2/OPV2 (90 d), DTP3/OPV3 (120 d) and OPV1 (60 d) are overdue; IPV (150 d) not yet.
    expect(await open('TE-9001')).toEqual(['DTP2', 'DTP3', 'OPV1', 'OPV2', 'OPV3']);
    expect(await open('TE-9002')).toContain('BCG');
    const cov = await value('hl.cov.bcg', 'vn-2025:20929', '2026-07');
    expect(cov.denominator).toBeGreaterThanOrEqual(2);
    expect((await csv('/api/v1/kpi/import/immunizations', [hdr, 'TE-9002,vn-2025,20929,2026-07-01,BCG,2026-11-19'].join('\n'))).status).toBe(200);
    expect(await open('TE-9002')).not.toContain('BCG');
    const resolved = (await db().select().from(immunizationDues).where(eq(immunizationDues.id, 'TE-9002:BCG')))[0];
    expect(resolved.resolvedAt?.toISOString()).toBe(NOW.toISOString());
  });

  it('water-level readings over the API; unknown stations refused', async () => {
    const [station] = await db().selectDistinct({ id: waterReadings.stationId }).from(waterReadings).limit(1);
    const bad = await h.api('POST', '/api/v1/kpi/water-readings', { token: operator, body: { readings: [{ station_id: station.id, at: '2026-11-20T09:55:00+07:00', level_m: 3.21 }, { station_id: 'st-nowhere', at: '2026-11-20T09:55:00+07:00', level_m: 1 }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ row: 2, column: 'station_id', message: 'unknown station "st-nowhere"' }]);
    const ok = await h.api('POST', '/api/v1/kpi/water-readings', { token: operator, body: { readings: [{ station_id: station.id, at: '2026-11-20T09:55:00+07:00', level_m: 3.21 }] } });
    expect(ok.status, ok.text).toBe(200);
    const [r] = await db().select().from(waterReadings).where(and(eq(waterReadings.stationId, station.id), eq(waterReadings.at, new Date('2026-11-20T02:55:00Z'))));
    expect(r.levelM).toBe(3.21);
    expect((await h.api('POST', '/api/v1/kpi/water-readings', { token: leader, body: { readings: [] } })).status).toBe(403);
  });

  it('a reading over an alarm level raises a water_level alert: once per band while open, a higher band again, an older reading never', async () => {
    const [st] = await db().select().from(waterStations).where(eq(waterStations.id, 'ws-01'));
    const { bd1, bd2, bd3 } = st.alarm;
    const at = (min: number) => new Date(Date.now() + min * 60_000).toISOString();
    const post = async (level: number, when: string) => {
      const res = await h.api('POST', '/api/v1/kpi/water-readings', { token: operator, body: { readings: [{ station_id: st.id, at: when, level_m: level }] } });
      expect(res.status, res.text).toBe(200);
    };
    const open = async () => (await db().select().from(alerts).where(and(eq(alerts.kind, 'water_level'), isNull(alerts.acknowledgedAt), like(alerts.id, `wl:${st.id}:%`)))).sort((a, b) => a.id.localeCompare(b.id));
    expect(await open()).toEqual([]);
    const seq0 = (await db().select({ s: max(changeLog.seq) }).from(changeLog))[0].s ?? 0;
    await post(bd1 - 0.2, at(1)); // below BĐ1: nothing
    expect(await open()).toEqual([]);
    await post(bd1 + 0.1, at(2));
    let o = await open();
    expect(o.map((a) => [a.severity, a.title])).toEqual([['warning', `Mực nước vượt BĐ1 (${(bd1 + 0.1).toFixed(2).replace('.', ',')} m) tại ${st.name}`]]);
    expect(o[0].unitId).toBe(st.unitId);
    // Desktops hear of it through the change log, like any other row.
    expect((await db().select().from(changeLog).where(and(eq(changeLog.entity, 'alert'), eq(changeLog.entityId, o[0].id)))).every((c) => c.seq > seq0)).toBe(true);
    await post(bd1 + 0.2, at(3)); // still over BĐ1, alert still open: no second one
    expect(await open()).toHaveLength(1);
    await post(bd2 + 0.1, at(4)); // over BĐ2: a new, critical one
    o = await open();
    expect(o.map((a) => a.severity).sort()).toEqual(['critical', 'warning']);
    expect(o.some((a) => a.title.startsWith('Mực nước vượt BĐ2'))).toBe(true);
    await post(bd3 + 1, at(-600)); // a backfilled reading from 10 h ago: not the station's newest
    expect(await open()).toHaveLength(2);
  });

  it('polls RSS and Atom feeds: keyword packs per commune, sentiment, no duplicates, KPIs updated', async () => {
    const before = (await value('cyber.mentions', 'vn-2019:515', '2026-W47'))?.value ?? 0;
    const res = await h.api('POST', '/api/v1/kpi/feeds/poll', { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ feeds: 4, items: 6, mentions: 5, failed: [{ feedId: 'down', error: 'HTTP 404' }] });
    const m = await db().select().from(cyberMentions).where(inArray(cyberMentions.feedId, ['news', 'social']));
    const by = Object.fromEntries(m.map((x) => [x.url, x]));
    expect(by['http://127.0.0.1/tin/1']).toMatchObject({ unitId: 'vn-2025:20929', sentiment: 'negative', source: 'Báo Quảng Nam (bản thử)' });
    expect(by['http://127.0.0.1/tin/2']).toMatchObject({ unitId: 'vn-2019:515', sentiment: 'positive' }); // "Bắc Trà My" is the district, not Trà My
    expect(by['http://127.0.0.1/tin/4']).toMatchObject({ unitId: 'vn-2025:20908', sentiment: 'negative' }); // "Tra Kot" (old name, no diacritics) → Trà Liên
    expect(by['http://127.0.0.1/p/10']).toMatchObject({ unitId: 'vn-2025:20920', sentiment: 'positive' });
    expect(by['http://127.0.0.1/p/11']).toMatchObject({ unitId: 'vn-2025:20920', sentiment: 'negative' }); // Trà Bui → Trà Đốc
    expect(by['http://127.0.0.1/tin/3']).toBeUndefined();
    expect((await value('cyber.mentions', 'vn-2019:515', '2026-W47')).value).toBe(before + 5);
    const again = await h.api('POST', '/api/v1/kpi/feeds/poll', { token: admin });
    expect(again.body.mentions).toBe(0);
    expect(await db().select({ n: count() }).from(cyberMentions).where(inArray(cyberMentions.feedId, ['news', 'social']))).toEqual([{ n: 5 }]);
  });

  it('raises one cyber_spike alert when negative mentions about a commune jump above the 7-day baseline', async () => {
    spikeOn = true;
    const res = await h.api('POST', '/api/v1/kpi/feeds/poll', { token: admin });
    expect(res.body.mentions).toBe(8);
    const spikes = await db().select().from(alerts).where(eq(alerts.kind, 'cyber_spike'));
    const giap = spikes.filter((a) => a.id === 'cyber-spike:vn-2025:20929:2026-11-20');
    expect(giap).toHaveLength(1);
    expect(giap[0]).toMatchObject({ unitId: 'vn-2025:20929', severity: 'critical', acknowledgedAt: null });
    expect(giap[0].title).toContain('Xã Trà Giáp');
    await h.api('POST', '/api/v1/kpi/feeds/poll', { token: admin });
    expect((await db().select().from(alerts).where(eq(alerts.kind, 'cyber_spike'))).length).toBe(spikes.length);
  });

  it('refuses unknown datasets and non-row JSON', async () => {
    expect((await h.api('POST', '/api/v1/kpi/import/salaries', { token: operator, body: { rows: [] } })).status).toBe(404);
    const r = await h.api('POST', '/api/v1/kpi/import/education', { token: operator, body: { data: [] } });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].message).toContain('{ "rows"');
  });
});
