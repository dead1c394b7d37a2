/**
 * Open311 GeoReport v2 conformance with real data: the 46 Bloomington services and 21 Bloomington
 * requests (fixtures/) are registered / POSTed through the API of a test jurisdiction, then read
 * back in JSON and XML (field names, types, values), with every filter and the spec's limits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackCases, open311Requests } from '../db/schema';
import { type Harness, startHarness } from '../test/harness';
import { DEFAULT_DEMO_API_KEY } from './catalog';
import { communeCenter } from './geo';
import { registerApiKey, upsertJurisdiction, upsertServices } from './store';
import { type BloomingtonRequest, type BloomingtonService, getText, loadFixture, multipart, OPEN311_RESPONSE_KEYS, postForm, snapshot, tinyJpeg } from './test-support';
import { child, parseXml, record } from './xml-reader';

const J = 'bloomington.in.gov.test';
const KEY = 'bloomington-test-key';
const DAY = 86_400_000;
const services = loadFixture<BloomingtonService[]>('bloomington_services_2012-05-23.json');
const requests = loadFixture<BloomingtonRequest[]>('bloomington_requests_2012-05-23.json');
const OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/;

describe('Open311 conformance (Bloomington fixtures)', () => {
  let h: Harness;
  let base: string;
  let mediaDir: string;
  const T0 = Date.parse('2026-11-20T03:00:00Z');
  let clock = T0;
  /** fixture service_request_id → ours */
  const ids = new Map<string, string>();
  const postedAt = new Map<string, number>();

  beforeAll(async () => {
    mediaDir = mkdtempSync(join(tmpdir(), 'ioc-open311-media-'));
    h = await startHarness({ now: () => new Date(clock), open311: { mediaDir, rateLimitPerMin: 100_000 } });
    base = h.server.url;
    const db = h.server.db.orm;
    await upsertJurisdiction(db, { id: J, name: 'Bloomington (test)', boundary: null, agencyName: 'City of Bloomington' });
    await upsertServices(
      db,
      services.map((s, i) => ({
        jurisdictionId: J,
        serviceCode: s.service_code,
        serviceName: s.service_name,
        description: s.description,
        type: s.type,
        keywords: s.keywords,
        group: s.group,
        category: 'other',
        aliases: [],
        level: 'normal' as const,
        // metadata=true services get one optional attribute so GET services reports the same flag
        attributes: s.metadata ? [{ variable: true, code: 'notes', datatype: 'text' as const, required: false, datatype_description: '', order: 1, description: 'Notes' }] : [],
        locationRequired: false, // real Bloomington requests come without any location
        serviceNotice: null,
        sort: i,
      })),
    );
    await registerApiKey(db, { key: KEY, label: 'test', jurisdictionId: J });
    // POST every request; request i is sent i × 5 days before T0 (so the date filters have something to cut)
    for (const [i, r] of requests.entries()) {
      clock = T0 - i * 5 * DAY;
      const fields: Array<[string, string]> = [['api_key', KEY], ['jurisdiction_id', J], ['service_code', r.service_code]];
      if (r.lat !== null && r.long !== null) fields.push(['lat', String(r.lat)], ['long', String(r.long)]);
      if (r.address) fields.push(['address_string', r.address]);
      if (r.description !== null) fields.push(['description', r.description]);
      if (r.media_url) fields.push(['media_url', r.media_url]);
      const res = await postForm(base, fields, i % 2 ? 'xml' : 'json');
      expect(res.status, res.text).toBe(200);
      const id = i % 2 ? child(child(parseXml(res.text), 'request')!, 'service_request_id')!.text : JSON.parse(res.text)[0].service_request_id;
      expect(typeof id).toBe('string');
      ids.set(r.service_request_id, id);
      postedAt.set(id, clock);
    }
    clock = T0;
    // The three closed Bloomington requests: closed by an operator (status only; the read side is under test).
    const closed = requests.filter((r) => r.status === 'closed').map((r) => ids.get(r.service_request_id)!);
    await db.update(feedbackCases).set({ status: 'resolved' }).where(inArray(feedbackCases.id, closed));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  const get = (path: string) => getText(`${base}/open311/v2/${path}`);
  const json = async (path: string) => {
    const r = await get(path);
    expect(r.status, r.text).toBe(200);
    expect(r.type).toBe('application/json; charset=utf-8');
    return JSON.parse(r.text);
  };
  const window = `start_date=${encodeURIComponent(new Date(T0 - 89 * DAY).toISOString())}&end_date=${encodeURIComponent(new Date(T0).toISOString())}`;

  it('GET services (JSON and XML) equals the Bloomington catalogue', async () => {
    const list = await json(`services.json?jurisdiction_id=${J}`);
    expect(list).toEqual(services.map((s) => ({ service_code: s.service_code, service_name: s.service_name, description: s.description, metadata: s.metadata, type: s.type, keywords: s.keywords, group: s.group })));
    const xml = await get(`services.xml?jurisdiction_id=${J}`);
    expect(xml.type).toBe('text/xml; charset=utf-8');
    const root = parseXml(xml.text);
    expect(root.name).toBe('services');
    expect(root.children.map((c) => c.name)).toEqual(services.map(() => 'service'));
    expect(root.children.map(record)).toEqual(list.map((s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)]))));
    const def = await json(`services/${services.find((s) => s.metadata)!.service_code}.json?jurisdiction_id=${J}`);
    expect(def.attributes[0]).toMatchObject({ variable: true, code: 'notes', datatype: 'text', required: false, order: 1 });
  });

  it('reads every POSTed request back in JSON: spec field names, types and the posted values', async () => {
    // Fixture requests span 100 days: read them by id (which ignores the date window, per the spec).
    const list = await json(`requests.json?jurisdiction_id=${J}&service_request_id=${[...ids.values()].join(',')}`);
    expect(list).toHaveLength(requests.length);
    for (const r of requests) {
      const got = list.find((x: { service_request_id: string }) => x.service_request_id === ids.get(r.service_request_id));
      expect(Object.keys(got)).toEqual(OPEN311_RESPONSE_KEYS);
      for (const k of ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'requested_datetime', 'updated_datetime']) expect(typeof got[k], k).toBe('string');
      expect(['open', 'closed']).toContain(got.status);
      expect(got.status).toBe(r.status);
      expect(got.requested_datetime).toMatch(OFFSET);
      expect(got.updated_datetime).toMatch(OFFSET);
      expect(Date.parse(got.requested_datetime)).toBe(postedAt.get(got.service_request_id));
      if (got.expected_datetime !== null) expect(got.expected_datetime).toMatch(OFFSET);
      expect(got.service_code).toBe(r.service_code);
      expect(got.service_name).toBe(r.service_name);
      expect(got.description).toBe(r.description ?? '');
      expect(got.address).toBe(r.address || null);
      expect(got.lat).toBe(r.lat);
      expect(got.long).toBe(r.long);
      expect(got.media_url).toBe(r.media_url || null);
      expect(got.agency_responsible).toBe('City of Bloomington');
      for (const k of ['lat', 'long']) expect(got[k] === null || typeof got[k] === 'number').toBe(true);
    }
  });

  it('XML carries the same requests under <service_requests><request>, escaped and typed as text', async () => {
    const q = `jurisdiction_id=${J}&service_request_id=${[...ids.values()].join(',')}`;
    const [list, xml] = [await json(`requests.json?${q}`), await get(`requests.xml?${q}`)];
    expect(xml.status).toBe(200);
    expect(xml.type).toBe('text/xml; charset=utf-8');
    expect(xml.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const root = parseXml(xml.text);
    expect(root.name).toBe('service_requests');
    expect(root.children.every((c) => c.name === 'request')).toBe(true);
    expect(root.children).toHaveLength(list.length);
    for (const [i, node] of root.children.entries()) {
      expect(node.children.map((c) => c.name)).toEqual(OPEN311_RESPONSE_KEYS);
      const rec = record(node);
      for (const k of OPEN311_RESPONSE_KEYS) expect(rec[k], k).toBe(list[i][k] === null ? '' : String(list[i][k]));
    }
    // descriptions with \r\n and quotes survive the round trip
    const withCrLf = requests.find((r) => r.description?.includes('\r\n'))!;
    const node = root.children.find((c) => record(c).service_request_id === ids.get(withCrLf.service_request_id))!;
    expect(record(node).description).toBe(withCrLf.description);
  });

  it('filters: default window (last 90 days), service_code, status, date range, ids', async () => {
    const inWindow = [...postedAt.entries()].filter(([, at]) => at >= T0 - 90 * DAY).map(([id]) => id);
    const all = await json(`requests.json?jurisdiction_id=${J}`);
    expect(all.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual(inWindow.sort());
    // newest first
    const times = all.map((r: { requested_datetime: string }) => Date.parse(r.requested_datetime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const weeds = requests.filter((r) => r.service_name === 'Weeds').map((r) => ids.get(r.service_request_id)!);
    const weedCode = requests.find((r) => r.service_name === 'Weeds')!.service_code;
    const byCode = await json(`requests.json?jurisdiction_id=${J}&service_code=${weedCode}&start_date=${encodeURIComponent(new Date(T0 - 90 * DAY).toISOString())}&end_date=${encodeURIComponent(new Date(T0).toISOString())}`);
    expect(byCode.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual(weeds.filter((id) => postedAt.get(id)! >= T0 - 90 * DAY).sort());
    expect(byCode.every((r: { service_code: string }) => r.service_code === weedCode)).toBe(true);

    const closed = await json(`requests.json?jurisdiction_id=${J}&status=closed&${window}`);
    const expectedClosed = requests.filter((r) => r.status === 'closed').map((r) => ids.get(r.service_request_id)!).filter((id) => postedAt.get(id)! >= T0 - 89 * DAY);
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual(expectedClosed.sort());
    expect(closed.every((r: { status: string; status_notes: string }) => r.status === 'closed' && r.status_notes.length > 0)).toBe(true);
    const open = await json(`requests.json?jurisdiction_id=${J}&status=open&${window}`);
    expect(open.every((r: { status: string }) => r.status === 'open')).toBe(true);
    expect(open.length + closed.length).toBe((await json(`requests.json?jurisdiction_id=${J}&${window}`)).length);

    // a 10-day window: requests 2 and 3 (posted 10 and 15 days before T0) — the boundaries are inclusive
    const from = new Date(T0 - 15 * DAY).toISOString();
    const to = new Date(T0 - 10 * DAY).toISOString();
    const range = await json(`requests.json?jurisdiction_id=${J}&start_date=${encodeURIComponent(from)}&end_date=${encodeURIComponent(to)}`);
    expect(range.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([ids.get(requests[2].service_request_id), ids.get(requests[3].service_request_id)].sort());
    // the same instants written with +07:00 offsets
    const vn = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19) + '+07:00';
    expect(await json(`requests.json?jurisdiction_id=${J}&start_date=${encodeURIComponent(vn(T0 - 15 * DAY))}&end_date=${encodeURIComponent(vn(T0 - 10 * DAY))}`)).toEqual(range);
    // only start_date: 90 days from it
    const old = await json(`requests.json?jurisdiction_id=${J}&start_date=${encodeURIComponent(new Date(T0 - 101 * DAY).toISOString())}`);
    expect(old.length).toBe([...postedAt.values()].filter((at) => at >= T0 - 101 * DAY && at <= T0 - 11 * DAY).length);

    // ids: every other filter is ignored
    const two = [ids.get(requests[0].service_request_id)!, ids.get(requests[20].service_request_id)!];
    const byIds = await json(`requests.json?jurisdiction_id=${J}&service_request_id=${two.join(',')}&status=closed&service_code=nope`);
    expect(byIds.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([...two].sort());
    // single request, XML and JSON; unknown id → 404 in the spec's error format
    const one = await json(`requests/${two[0]}.json?jurisdiction_id=${J}`);
    expect(one).toHaveLength(1);
    expect(one[0].service_request_id).toBe(two[0]);
    const oneXml = parseXml((await get(`requests/${two[0]}.xml?jurisdiction_id=${J}`)).text);
    expect(record(oneXml.children[0]).service_request_id).toBe(two[0]);
    const missing = await get(`requests/nope.json?jurisdiction_id=${J}`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual([{ code: 404, description: expect.any(String) }]);
    // another jurisdiction's request is not found in the demo jurisdiction
    expect((await get(`requests/${two[0]}.json`)).status).toBe(404);
  });

  it('the 90-day rule and parameter validation → 400 in the error format', async () => {
    const at = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    expect((await get(`requests.json?jurisdiction_id=${J}&start_date=${at(T0 - 90 * DAY)}&end_date=${at(T0)}`)).status).toBe(200);
    for (const q of [
      `start_date=${at(T0 - 90 * DAY - 1000)}&end_date=${at(T0)}`,
      `start_date=${at(T0 - 365 * DAY)}&end_date=${at(T0)}`,
      `start_date=${at(T0)}&end_date=${at(T0 - DAY)}`,
      'start_date=yesterday',
      'end_date=2026-13-01',
      'start_date=2026-11-01T00:00:00', // no offset
      'status=pending',
      'status=',
      'limit=0',
      'limit=1001',
      'limit=-1',
      'limit=abc',
      'service_request_id=',
      'service_request_id=a,,b',
      'status=open&status=closed',
      'service_code=a&service_code=b',
      'start_date=%FF',
    ]) {
      for (const format of ['json', 'xml'] as const) {
        const r = await get(`requests.${format}?jurisdiction_id=${J}&${q}`);
        expect(r.status, `${q} ${r.text}`).toBe(400);
        if (format === 'json') expect(JSON.parse(r.text)).toEqual([{ code: 400, description: expect.any(String) }]);
        else expect(record(parseXml(r.text).children[0])).toEqual({ code: '400', description: expect.any(String) });
      }
    }
    expect((await get('requests.json?jurisdiction_id=nowhere.example')).status).toBe(404);
    expect(parseXml((await get('services.xml?jurisdiction_id=nowhere.example')).text).name).toBe('errors');
    expect((await get('requests.csv')).status).toBe(404);
  });

  it('returns at most 1,000 requests (default and maximum); limit=n returns fewer', async () => {
    const BULK = 'bulk.test';
    const db = h.server.db.orm;
    await upsertJurisdiction(db, { id: BULK, name: 'Bulk (test)', boundary: null, agencyName: null });
    await upsertServices(db, [{ jurisdictionId: BULK, serviceCode: 'x', serviceName: 'X', description: '', type: 'realtime', keywords: '', group: '', category: 'other', aliases: [], level: 'normal', attributes: [], locationRequired: false, serviceNotice: null, sort: 0 }]);
    const n = 1_050;
    for (let i = 0; i < n; i += 350) {
      const chunk = Array.from({ length: Math.min(350, n - i) }, (_, k) => i + k);
      const at = (k: number) => new Date(T0 - k * 60_000);
      await db.insert(feedbackCases).values(chunk.map((k) => ({ id: `bulk-${k}`, title: 't', description: 'd', category: 'other', status: 'received', level: 'normal', unitId: null, location: null, address: null, agencyId: null, receivedAt: at(k), updatedAt: at(k), noteCount: 0 })));
      await db.insert(open311Requests).values(chunk.map((k) => ({ caseId: `bulk-${k}`, jurisdictionId: BULK, serviceCode: 'x', token: `bulk-token-${k}`, apiKeyHash: 'x', createdAt: at(k) })));
    }
    const page = await json(`requests.json?jurisdiction_id=${BULK}`);
    expect(page).toHaveLength(1000);
    expect(page[0].service_request_id).toBe('bulk-0');
    expect(await json(`requests.json?jurisdiction_id=${BULK}&limit=10`)).toHaveLength(10);
    const xml = parseXml((await get(`requests.xml?jurisdiction_id=${BULK}`)).text);
    expect(xml.children).toHaveLength(1000);
  });

  it('tokens, history, media upload (multipart), privacy of contact fields, and the wall sees new requests', async () => {
    const [lon, lat] = communeCenter('20923');
    const token = await h.login('operator');
    const since = (await h.api('GET', '/api/v1/sync/pull?since=0&limit=1', { token })).body;
    const seqBefore = (await snapshot(h.server, mediaDir)).seq;
    const jpeg = tinyJpeg(1);
    const mp = multipart([
      { name: 'api_key', value: DEFAULT_DEMO_API_KEY },
      { name: 'jurisdiction_id', value: 'bactramy.danang.gov.vn' },
      { name: 'service_code', value: 'road_damage' },
      { name: 'lat', value: String(lat) },
      { name: 'long', value: String(lon) },
      { name: 'description', value: 'Ổ gà lớn trước trường học <b>"nguy hiểm"</b> & trơn trượt' },
      { name: 'attribute[road_type]', value: 'commune' },
      { name: 'email', value: 'nguoidan@example.vn' },
      { name: 'phone', value: '+84 905 123 456' },
      { name: 'first_name', value: 'Hồ' },
      { name: 'last_name', value: 'Thị Lan' },
      { name: 'media', filename: 'o-ga.jpg', type: 'image/jpeg', value: jpeg },
    ]);
    const t0 = Date.now();
    const res = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': mp.contentType }, body: mp.body });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const [created] = JSON.parse(text);
    expect(Object.keys(created)).toEqual(['service_request_id', 'token', 'service_notice', 'account_id']);

    // the wall gets it: in the change log right away (live event < 1 s is the writer's contract)
    const pull = await h.api('GET', `/api/v1/sync/pull?since=${seqBefore}`, { token });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(since).toBeTruthy();
    const fc = pull.body.changes.find((c: { entity: string; id: string }) => c.entity === 'feedback_case' && c.id === created.service_request_id);
    expect(fc.data).toMatchObject({ status: 'received', level: 'normal', category: 'road_damage', unitId: 'vn-2025:20923', location: [lon, lat] });
    const ev = pull.body.changes.find((c: { entity: string; data: { caseId?: string } }) => c.entity === 'case_event' && c.data?.caseId === created.service_request_id);
    expect(ev.data).toMatchObject({ action: 'received', text: 'received via Open311' });
    expect(JSON.stringify(pull.body)).not.toContain('nguoidan@example.vn');

    // token → id
    const tok = await json(`tokens/${created.token}.json`);
    expect(tok).toEqual([{ service_request_id: created.service_request_id, token: created.token }]);
    expect((await get('tokens/nope.json')).status).toBe(404);

    // read back: escaped in XML, verbatim in JSON, media served, no contact fields anywhere
    const [got] = await json(`requests/${created.service_request_id}.json`);
    expect(got.description).toBe('Ổ gà lớn trước trường học <b>"nguy hiểm"</b> & trơn trượt');
    expect(got.media_url).toMatch(new RegExp(`/open311/v2/media/[0-9a-f]{64}\\.jpg$`));
    const xml = await get(`requests/${created.service_request_id}.xml`);
    expect(xml.text).toContain('&lt;b&gt;&quot;nguy hiểm&quot;&lt;/b&gt; &amp; trơn');
    expect(record(parseXml(xml.text).children[0]).description).toBe(got.description);
    const img = await fetch(got.media_url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await img.arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await get('media/../../etc/passwd')).status).toBe(404);
    expect((await get(`media/${'0'.repeat(64)}.jpg`)).status).toBe(404);
    for (const path of [`requests/${created.service_request_id}.json`, `requests/${created.service_request_id}.xml`, 'requests.json', 'requests.xml', `requests/${created.service_request_id}/history.json`]) {
      const body = (await get(path)).text;
      for (const secret of ['nguoidan@example.vn', '905 123 456', 'Thị Lan']) expect(body, path).not.toContain(secret);
    }
    const history = await json(`requests/${created.service_request_id}/history.json`);
    // Received, then the routing rule proposes the responsible agency (road_damage → the district's project board).
    expect(history).toEqual([
      { service_request_id: created.service_request_id, datetime: expect.stringMatching(OFFSET), action: 'received', description: 'received via Open311', status: 'open', status_notes: expect.any(String) },
      { service_request_id: created.service_request_id, datetime: expect.stringMatching(OFFSET), action: 'routed', description: expect.stringContaining('Ban Quản lý dự án'), status: 'open', status_notes: expect.any(String) },
    ]);
    // stored privately for the operators
    const [priv] = await h.server.db.orm.select().from(open311Requests).where(eq(open311Requests.caseId, created.service_request_id));
    expect(priv).toMatchObject({ email: 'nguoidan@example.vn', phone: '+84 905 123 456', attributes: { road_type: 'commune' } });
  });

  it('rate-limits POSTs per api_key → 429 with Retry-After', async () => {
    await registerApiKey(h.server.db.orm, { key: 'slow-key', label: 'slow', jurisdictionId: J, rateLimitPerMin: 2 });
    const fields = { api_key: 'slow-key', jurisdiction_id: J, service_code: services[0].service_code, description: 'rate' };
    expect((await postForm(base, fields)).status).toBe(200);
    expect((await postForm(base, fields)).status).toBe(200);
    const r = await postForm(base, fields, 'xml');
    expect(r.status).toBe(429);
    expect(record(parseXml(r.text).children[0]).code).toBe('429');
    clock += 61_000;
    expect((await postForm(base, fields)).status).toBe(200);
    clock = T0;
  });

  it('discovery lists the endpoint and both formats', async () => {
    const d = await json('discovery.json');
    expect(d.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${base}/open311/v2`, formats: ['text/xml', 'application/json'] });
    const x = parseXml((await get('discovery.xml')).text);
    expect(x.name).toBe('discovery');
    expect(child(child(child(x, 'endpoints')!, 'endpoint')!, 'formats')!.children.map((c) => c.text)).toEqual(['text/xml', 'application/json']);
    const svc = await json('services.json');
    expect(svc.map((s: { service_code: string }) => s.service_code)).toContain('landslide');
    expect(svc.find((s: { service_code: string }) => s.service_code === 'landslide')).toMatchObject({ service_name: 'Sạt lở đất, đá', metadata: true });
    expect(svc.find((s: { service_code: string }) => s.service_code === 'health')).toMatchObject({ metadata: false });
    const def = parseXml((await get('services/disaster_flood.xml')).text);
    expect(def.name).toBe('service_definition');
    const attrs = child(def, 'attributes')!.children;
    expect(attrs.map((a) => record(a).code)).toEqual(['people_trapped', 'water_depth_m', 'needs']);
    expect(child(attrs[2], 'values')!.children.map((v) => record(v).key)).toEqual(['food', 'water', 'medical', 'evacuation']);
    expect((await get('services/nope.json')).status).toBe(404);
  });
});
