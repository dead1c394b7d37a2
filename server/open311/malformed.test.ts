/**
 * Hostile and broken POST requests: every one gets a 4xx in the spec's error format (JSON or XML as
 * asked), the server never crashes, and NOTHING is stored (cases, events, Open311 rows, change log,
 * media files). The server stays healthy and accepts a valid request afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';
import { DEFAULT_DEMO_API_KEY, DEFAULT_JURISDICTION_ID } from './catalog';
import { communeCenter } from './geo';
import { registerApiKey, upsertJurisdiction } from './store';
import { form, multipart, snapshot, tinyJpeg, tinyPng } from './test-support';
import { parseXml, record } from './xml-reader';

interface Case {
  name: string;
  body?: Buffer | string;
  contentType?: string | null;
  /** Expected status (any 4xx when absent). */
  status?: number;
}

const [LON, LAT] = communeCenter('20900');
const VALID: Array<[string, string]> = [
  ['api_key', DEFAULT_DEMO_API_KEY],
  ['jurisdiction_id', DEFAULT_JURISDICTION_ID],
  ['service_code', 'road_damage'],
  ['lat', String(LAT)],
  ['long', String(LON)],
  ['description', 'Đường hư hỏng'],
];
const FORM = 'application/x-www-form-urlencoded';
const without = (...names: string[]) => VALID.filter(([k]) => !names.includes(k));
const withField = (name: string, value: string, base = VALID) => [...base.filter(([k]) => k !== name), [name, value] as [string, string]];
const raw = (s: string): Case['body'] => Buffer.from(s, 'latin1');
const validRaw = form(VALID);

function generate(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, fields: Array<[string, string]>, status?: number) => cases.push({ name, body: form(fields), contentType: FORM, status });

  // missing required fields
  add('empty form', [], 403);
  for (const f of ['api_key', 'service_code']) add(`missing ${f}`, without(f), f === 'api_key' ? 403 : 400);
  add('no location at all', without('lat', 'long'), 400);
  add('lat without long', without('long'), 400);
  add('long without lat', without('lat'), 400);
  add('only api key', [['api_key', DEFAULT_DEMO_API_KEY]], 400);
  cases.push({ name: 'no body, no content type', body: undefined, contentType: null, status: 400 });
  cases.push({ name: 'empty form body', body: '', contentType: FORM, status: 403 });

  // bad coordinates
  const BAD_NUM = ['NaN', '-NaN', 'Infinity', '-Infinity', '91', '-91', '90.0000001', 'abc', '1e2', '1E1', '0x0F', '15,23', ' 15.2', '15.2 ', '15.2.3', '++15', '--15', '15.', '.5', '١٥.٢', 'null', '[]', '{}', 'true', '1/2', '9999999', '15.2\t', '1_5', '15.2e0', '0b1'];
  for (const v of BAD_NUM) add(`lat=${JSON.stringify(v)}`, withField('lat', v), 400);
  for (const v of [...BAD_NUM.filter((x) => x !== '91' && x !== '-91' && x !== '90.0000001'), '181', '-180.5', '180.0001']) add(`long=${JSON.stringify(v)}`, withField('long', v), 400);
  for (const [lat, lon, where] of [
    ['0', '0', 'null island'],
    ['21.0285', '105.8542', 'Hà Nội'],
    ['16.0544', '108.2022', 'Đà Nẵng city centre'],
    ['39.1653', '-86.5264', 'Bloomington'],
    ['15.0', '107.0', 'Laos border'],
    ['-15.2', '-108.2', 'mirror image'],
    ['15.6', '108.5', 'Tam Kỳ'],
    ['90', '180', 'pole'],
  ] as const)
    add(`outside the district: ${where}`, withField('long', lon, withField('lat', lat)), 400);

  // description
  add('description 4,001 chars', withField('description', 'a'.repeat(4001)), 400);
  add('description 4,001 Vietnamese chars', withField('description', 'ệ'.repeat(4001)), 400);
  add('description 4,001 emoji', withField('description', '🌧'.repeat(4001)), 400);
  add('description 10,000 chars', withField('description', '<script>'.repeat(1250)), 400);

  // api key / jurisdiction / service
  for (const k of ['', 'x', DEFAULT_DEMO_API_KEY.toUpperCase(), `${DEFAULT_DEMO_API_KEY} `, ` ${DEFAULT_DEMO_API_KEY}`, `${DEFAULT_DEMO_API_KEY}x`, 'k'.repeat(5000), "' OR 1=1 --", 'other-jurisdiction-key', 'disabled-key', '<script>', '__proto__x'])
    add(`api_key=${JSON.stringify(k.slice(0, 30))}`, withField('api_key', k), 403);
  for (const j of ['', 'x', `${DEFAULT_JURISDICTION_ID}.evil`, DEFAULT_JURISDICTION_ID.toUpperCase(), '../', 'j'.repeat(3000), "'; DROP TABLE feedback_cases; --"])
    add(`jurisdiction_id=${JSON.stringify(j.slice(0, 30))}`, withField('jurisdiction_id', j), 404);
  for (const s of ['', 'nope', 'ROAD_DAMAGE', 'road_damage ', 'lighting', "road_damage' --", 's'.repeat(3000), '4e090d24992b941e78000001'])
    add(`service_code=${JSON.stringify(s.slice(0, 30))}`, withField('service_code', s), 400);

  // duplicate fields
  for (const [k, v] of [...VALID, ['address_string', 'Thôn 1'], ['email', 'a@b.vn'], ['phone', '0905123456'], ['first_name', 'A'], ['last_name', 'B'], ['device_id', 'd'], ['account_id', 'a'], ['media_url', 'https://x.vn/a.jpg'], ['address_id', '1']] as Array<[string, string]>)
    add(`duplicate ${k}`, [...VALID, [k, v], [k, v]], k === 'api_key' || k === 'jurisdiction_id' ? undefined : 400);

  // prototype keys
  for (const k of ['__proto__', 'constructor', 'prototype', '__proto__[api_key]', 'constructor[prototype]', 'constructor[prototype][polluted]', 'attribute[__proto__]', 'attribute[constructor]', 'attribute[prototype]', 'attribute[road_type][__proto__]', '__proto__[]'])
    add(`prototype key ${k}`, [...VALID, [k, 'x']], 400);

  // attribute injections
  const landslide = withField('service_code', 'landslide');
  const flood = [...withField('service_code', 'disaster_flood'), ['attribute[people_trapped]', 'no'] as [string, string]];
  add('landslide without its required attribute', landslide, 400);
  for (const [k, v] of [
    ['attribute[blocking_road]', 'maybe'],
    ['attribute[blocking_road]', '<script>alert(1)</script>'],
    ['attribute[blocking_road]', ''],
    ['attribute[blocking_road][]', 'yes'],
    ['attribute[nonexistent]', '1'],
    ['attribute[]', 'x'],
    ['attribute', 'x'],
    ['attribute[a][b]', 'x'],
    ['attribute[<script>]', 'x'],
    ['attribute[houses_at_risk]', 'abc'],
    ['attribute[houses_at_risk]', '1e5'],
    ['attribute[houses_at_risk]', 'NaN'],
    ['attribute[road_type]', 'national'],
    ['attribute[blocking_road', 'yes'],
    ['attributes[blocking_road]', 'yes'],
    ['attribute[blocking_road]]', 'yes'],
    ['attribute[' + 'x'.repeat(80) + ']', 'yes'],
    ['Attribute[blocking_road]', 'yes'],
  ] as Array<[string, string]>)
    add(`landslide ${k}=${v.slice(0, 20)}`, [...landslide, [k, v]], 400);
  add('landslide attribute twice', [...landslide, ['attribute[blocking_road]', 'yes'], ['attribute[blocking_road]', 'no']], 400);
  add('landslide attribute single + list', [...landslide, ['attribute[blocking_road]', 'yes'], ['attribute[blocking_road][]', 'no']], 400);
  add('road_damage with landslide attribute', [...VALID, ['attribute[blocking_road]', 'yes']], 400);
  add('health with any attribute', [...withField('service_code', 'health'), ['attribute[x]', 'y']], 400);
  for (const v of ['bogus', 'FOOD', '', 'food,water']) add(`flood needs[]=${v}`, [...flood, ['attribute[needs][]', v]], 400);
  add('flood needs duplicate values', [...flood, ['attribute[needs][]', 'food'], ['attribute[needs][]', 'food']], 400);
  add('flood needs too many values', [...flood, ...['food', 'water', 'medical', 'evacuation', 'food'].map((v) => ['attribute[needs][]', v] as [string, string])], 400);
  add('flood single value as list', [...withField('service_code', 'disaster_flood'), ['attribute[people_trapped][]', 'no']], 400);
  add('flood value too long', [...flood, ['attribute[water_depth_m]', '1'.repeat(1001)]], 400);

  // other fields
  for (const e of ['x', 'a@b', '<a@b.vn>', 'a b@c.vn', `${'a'.repeat(250)}@b.vn`, 'a@b.vn,c@d.vn', '"x"@b.vn']) add(`email=${e.slice(0, 20)}`, withField('email', e), 400);
  for (const p of ['abc', '1'.repeat(40), '09<script>', '+84 905 ext. 12', '=cmd|']) add(`phone=${p.slice(0, 20)}`, withField('phone', p), 400);
  add('first_name 101 chars', withField('first_name', 'n'.repeat(101)), 400);
  add('last_name 101 chars', withField('last_name', 'n'.repeat(101)), 400);
  add('device_id 201 chars', withField('device_id', 'd'.repeat(201)), 400);
  add('account_id 201 chars', withField('account_id', 'd'.repeat(201)), 400);
  add('address_string 501 chars', withField('address_string', 'đ'.repeat(501)), 400);
  add('address_id 101 chars', withField('address_id', '1'.repeat(101)), 400);
  for (const u of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'ftp://x.vn/a.jpg', 'not a url', '//x.vn/a.jpg', 'http://user:pw@x.vn/a.jpg', `https://x.vn/${'a'.repeat(3000)}`, 'file:///etc/passwd'])
    add(`media_url=${u.slice(0, 30)}`, withField('media_url', u), 400);
  add('unknown weird field name', [...VALID, ['x y', '1']], 400);
  add('unknown bracket field', [...VALID, ['foo[bar]', '1']], 400);
  add('too many fields', [...VALID, ...Array.from({ length: 120 }, (_, i) => [`f${i}`, '1'] as [string, string])], 400);
  add('empty field name', [...VALID, ['', 'x']], 400);
  add('field name 200 chars', [...VALID, ['a'.repeat(200), 'x']], 400);

  // broken encodings (raw bodies)
  const BAD_ENC: Array<[string, string]> = [
    ['%FF', 'invalid byte'],
    ['%C0%AF', 'overlong /'],
    ['%C0%80', 'overlong NUL'],
    ['%E0%80%AF', 'overlong 3-byte'],
    ['%F0%80%80%AF', 'overlong 4-byte'],
    ['%ED%A0%80', 'UTF-8 surrogate'],
    ['%F4%90%80%80', 'beyond U+10FFFF'],
    ['%F8%88%80%80%80', '5-byte'],
    ['%E2%82', 'truncated sequence'],
    ['%80', 'lone continuation'],
    ['%00', 'NUL'],
    ['a%00b', 'embedded NUL'],
    ['%01', 'control char'],
    ['%1B%5B31m', 'ANSI escape'],
    ['%7F', 'DEL'],
    ['%EF%BF%BF', 'U+FFFF'],
    ['%G0', 'bad escape'],
    ['%', 'lone percent'],
    ['%4', 'short escape'],
    ['%%', 'double percent'],
  ];
  for (const [enc, what] of BAD_ENC) {
    for (const field of ['description', 'service_code', 'address_string', 'first_name']) {
      cases.push({ name: `${what} in ${field}`, body: `${form(VALID.filter(([k]) => k !== field))}&${field}=${enc}`, contentType: FORM, status: 400 });
    }
    cases.push({ name: `${what} in a field name`, body: `${validRaw}&x${enc}=1`, contentType: FORM, status: 400 });
  }
  cases.push({ name: 'raw 0xFF byte in body', body: Buffer.concat([Buffer.from(`${validRaw}&description=`), Buffer.from([0xff, 0xfe])]), contentType: FORM, status: 400 });
  cases.push({ name: 'raw NUL byte in body', body: Buffer.concat([Buffer.from(`${validRaw}&first_name=a`), Buffer.from([0])]), contentType: FORM, status: 400 });
  cases.push({ name: 'raw overlong in body', body: Buffer.concat([Buffer.from(`${validRaw}&first_name=`), Buffer.from([0xc0, 0xaf])]), contentType: FORM, status: 400 });
  cases.push({ name: 'UTF-16 body', body: Buffer.from(validRaw, 'utf16le'), contentType: FORM });
  cases.push({ name: 'latin1 declared charset, latin1 bytes', body: raw(`${validRaw}&first_name=Jos\xe9`), contentType: `${FORM}; charset=iso-8859-1`, status: 400 });

  // wrong content types
  for (const ct of ['application/json', 'text/plain', 'application/xml', 'text/xml', 'application/octet-stream', 'image/jpeg', 'text/html', `${FORM}x`, 'application/x-www-form', 'multipart/mixed; boundary=x', 'application/jsonp'])
    cases.push({ name: `content-type ${ct}`, body: ct.includes('json') ? JSON.stringify(Object.fromEntries(VALID)) : validRaw, contentType: ct, status: 415 });
  cases.push({ name: 'body without content type', body: validRaw, contentType: null, status: 415 });
  cases.push({ name: 'multipart without boundary', body: validRaw, contentType: 'multipart/form-data', status: 400 });
  cases.push({ name: 'multipart with a different boundary', body: multipart(VALID.map(([name, value]) => ({ name, value }))).body, contentType: 'multipart/form-data; boundary=other', status: 400 });

  // huge bodies
  cases.push({ name: 'form body > 1 MB', body: `${validRaw}&x=${'a'.repeat(1024 * 1024 + 10)}`, contentType: FORM, status: 413 });
  cases.push({ name: 'form description 3 MB', body: `${validRaw.replace('description=', 'd=')}&description=${'%C3%AA'.repeat(600_000)}`, contentType: FORM, status: 413 });

  // multipart (photo upload extension)
  const mpValid = VALID.map(([name, value]) => ({ name, value }));
  const mp = (parts: Parameters<typeof multipart>[0], status: number, name: string) => {
    const m = multipart(parts);
    cases.push({ name, body: m.body, contentType: m.contentType, status });
  };
  mp([...mpValid, { name: 'media', filename: 'a.gif', type: 'image/gif', value: Buffer.from('GIF89a....') }], 415, 'gif upload');
  mp([...mpValid, { name: 'media', filename: 'a.pdf', type: 'application/pdf', value: Buffer.from('%PDF-1.4') }], 415, 'pdf upload');
  mp([...mpValid, { name: 'media', filename: 'a.jpg', type: 'image/jpeg', value: Buffer.from('%PDF-1.4 pretending') }], 415, 'pdf declared as jpeg');
  mp([...mpValid, { name: 'media', filename: 'a.png', type: 'image/png', value: tinyJpeg() }], 415, 'jpeg declared as png');
  mp([...mpValid, { name: 'media', filename: 'a.jpg', type: 'image/jpeg', value: tinyPng() }], 415, 'png declared as jpeg');
  mp([...mpValid, { name: 'media', filename: 'a.svg', type: 'image/svg+xml', value: Buffer.from('<svg onload="alert(1)"/>') }], 415, 'svg upload');
  mp([...mpValid, { name: 'media', filename: 'a.jpg', value: tinyJpeg() }], 415, 'upload without content type');
  mp([...mpValid, { name: 'media', filename: 'big.jpg', type: 'image/jpeg', value: Buffer.concat([tinyJpeg(), Buffer.alloc(5 * 1024 * 1024)]) }], 413, 'jpeg > 5 MB');
  mp([...mpValid, ...Array.from({ length: 6 }, (_, i) => ({ name: 'media', filename: `${i}.jpg`, type: 'image/jpeg', value: tinyJpeg(i) }))], 413, 'six photos');
  mp([...mpValid, { name: 'photo', filename: 'a.jpg', type: 'image/jpeg', value: tinyJpeg() }], 400, 'file in another field');
  mp([...mpValid, { name: 'media', value: 'not a file' }], 400, 'media as text');
  mp([...mpValid, { name: 'x', rawHeaders: 'Content-Disposition: form-data\r\n' }], 400, 'part without a name');
  mp([...mpValid, { name: 'x', rawHeaders: 'Content-Type: text/plain\r\n' }], 400, 'part without disposition');
  mp([...mpValid, { name: 'x', rawHeaders: 'garbage\r\n' }], 400, 'garbage part header');
  mp([...mpValid.filter((p) => p.name !== 'description'), { name: 'description', value: Buffer.from([0x61, 0xff]) }], 400, 'invalid UTF-8 in a multipart field');
  mp([...mpValid.filter((p) => p.name !== 'description'), { name: 'description', value: Buffer.from([0x61, 0x00]) }], 400, 'NUL in a multipart field');
  mp([...mpValid, { name: '__proto__', value: 'x' }], 400, 'multipart __proto__');
  mp([...mpValid, { name: 'api_key', value: 'dup' }], 400, 'multipart duplicate api_key');
  mp([...mpValid.filter((p) => p.name !== 'lat'), { name: 'lat', value: '91' }], 400, 'multipart bad lat');
  mp([...mpValid.filter((p) => p.name !== 'api_key'), { name: 'media', filename: 'a.jpg', type: 'image/jpeg', value: tinyJpeg(9) }], 403, 'multipart photo without api_key');
  {
    const m = multipart([...mpValid, { name: 'media', filename: 'a.jpg', type: 'image/jpeg', value: tinyJpeg() }]);
    cases.push({ name: 'multipart missing closing boundary', body: m.body.subarray(0, m.body.length - 40), contentType: m.contentType, status: 400 });
    cases.push({ name: 'multipart truncated in the headers', body: m.body.subarray(0, 60), contentType: m.contentType, status: 400 });
  }

  return cases;
}

describe('Open311 POST requests: malformed input', () => {
  let h: Harness;
  let mediaDir: string;
  beforeAll(async () => {
    mediaDir = mkdtempSync(join(tmpdir(), 'ioc-open311-media-'));
    h = await startHarness({ open311: { mediaDir, rateLimitPerMin: 1_000_000 } });
    const db = h.server.db.orm;
    await upsertJurisdiction(db, { id: 'other.test', name: 'Other', boundary: null, agencyName: null });
    await registerApiKey(db, { key: 'other-jurisdiction-key', label: 'other', jurisdictionId: 'other.test' });
    await registerApiKey(db, { key: 'disabled-key', label: 'disabled', jurisdictionId: null });
    await db.execute(`UPDATE open311_api_keys SET disabled = true WHERE label = 'disabled'` as never);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it('rejects ≥ 500 malformed requests with a 4xx in the spec error format and stores nothing', async () => {
    const cases = generate();
    const before = await snapshot(h.server, mediaDir);
    let sent = 0;
    for (const c of cases) {
      for (const format of ['json', 'xml'] as const) {
        const headers: Record<string, string> = {};
        if (c.contentType) headers['content-type'] = c.contentType;
        const res = await fetch(`${h.server.url}/open311/v2/requests.${format}`, { method: 'POST', headers, body: c.body });
        const text = await res.text();
        sent++;
        const label = `${c.name} (${format}) → ${res.status} ${text.slice(0, 200)}`;
        if (c.status) expect(res.status, label).toBe(c.status);
        else expect(res.status >= 400 && res.status < 500, label).toBe(true);
        expect(res.headers.get('content-type'), label).toBe(format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8');
        if (format === 'json') {
          expect(JSON.parse(text), label).toEqual([{ code: res.status, description: expect.any(String) }]);
        } else {
          const root = parseXml(text);
          expect(root.name, label).toBe('errors');
          expect(root.children.map((e) => e.name)).toEqual(['error']);
          expect(record(root.children[0]), label).toEqual({ code: String(res.status), description: expect.any(String) });
        }
      }
    }
    expect(sent).toBeGreaterThanOrEqual(500);
    console.log(`open311 malformed: ${cases.length} cases × 2 formats = ${sent} requests rejected`);
    expect(await snapshot(h.server, mediaDir)).toEqual(before);

    // still healthy, and a valid request (the base of every mutation above) is accepted
    expect((await h.api('GET', '/api/v1/health')).status).toBe(200);
    const ok = await fetch(`${h.server.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': FORM }, body: validRaw });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const after = await snapshot(h.server, mediaDir);
    expect(Number(after.cases)).toBe(Number(before.cases) + 1);
    expect(Number(after.requests)).toBe(Number(before.requests) + 1);
  }, 180_000);

  it('HTML in a description is stored as text and returned escaped in XML', async () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)> ]]> &amp; '`;
    const res = await fetch(`${h.server.url}/open311/v2/requests.xml`, { method: 'POST', headers: { 'content-type': FORM }, body: form(withField('description', evil)) });
    const id = record(parseXml(await res.text()).children[0]).service_request_id;
    const xml = await (await fetch(`${h.server.url}/open311/v2/requests/${id}.xml`)).text();
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<img');
    expect(record(parseXml(xml).children[0]).description).toBe(evil);
    const json = (await (await fetch(`${h.server.url}/open311/v2/requests/${id}.json`)).json()) as Array<{ description: string }>;
    expect(json[0].description).toBe(evil);
  });
});
