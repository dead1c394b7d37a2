/**
 * ≥ 500 generated malformed or forged requests. Each must be answered 4xx with an ApiError body, or
 * (for a well-formed push whose commands are bad) 200 with every command `rejected`; afterwards
 * nothing has changed (change log, applied mutations, digest) and the server is healthy.
 */
import { randomUUID } from 'node:crypto';
import { count, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, PushResponse } from '../../shared/sync/protocol';
import { appliedMutations, changeLog } from '../db/schema';
import { Prng } from '../seed/prng';
import { type ApiOptions, type Harness, request, startHarness } from '../test/harness';
import { Outbox } from '../test/mutations';

type Expect = '4xx' | 'rejected';
interface Case {
  label: string;
  method: string;
  path: string;
  opts: ApiOptions;
  expect: Expect;
}

const rng = new Prng(766);
const UNICODE = ['\u0000', '\uFEFF', '\u202E', '\u200B', '\uD800', 'Ṫ̸̛̥r̷à̶ ̵M̴y̵', '🌊🏔️', 'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ', '\\u0000', '%00', '../../etc/passwd', "'; DROP TABLE change_log; --"];
const WRONG = [null, true, false, 0, -1, 1.5, 2 ** 53, '', 'x', [], {}, [1, 2], { a: 1 }, 'é'.repeat(300)];
const garbage = (n: number) => Array.from({ length: n }, () => String.fromCharCode(rng.int(1, 0xd7ff))).join('');

describe('malformed and forged input', () => {
  let h: Harness;
  let clock = Date.parse('2026-11-20T01:00:00Z');
  const cases: Case[] = [];
  let operator: string;
  let leader: string;
  let admin: string;
  let expired: string;
  let revoked: string;
  const o = new Outbox();
  let applied: ReturnType<Outbox['mutation']>;

  beforeAll(async () => {
    h = await startHarness({ now: () => new Date(clock) });
    expired = await h.login('operator');
    clock += 13 * 3_600_000;
    [operator, leader, admin, revoked] = [await h.login('operator'), await h.login('leader'), await h.login('admin'), await h.login('leader')];
    await h.api('POST', '/api/v1/auth/logout', { token: revoked });
    // One applied command to replay and to put the client's clientSeq ahead.
    o.mutation('case.addNote', { caseId: 'fc-000001', text: 'x' }); // burn clientSeq 1
    applied = o.mutation('case.addNote', { caseId: 'fc-000001', text: 'Ghi chú gốc' });
    applied.clientSeq = 50;
    const r = await h.api('POST', '/api/v1/sync/push', { token: operator, body: o.request(applied) });
    expect(r.body.results[0].status).toBe('applied');
    buildCases();
  });
  afterAll(() => h?.close());

  const push = (label: string, body: unknown, expectWhat: Expect = '4xx', opts: ApiOptions = {}) =>
    cases.push({ label, method: 'POST', path: '/api/v1/sync/push', opts: { token: operator, body, ...opts }, expect: expectWhat });
  const rawPush = (label: string, raw: string, opts: ApiOptions = {}) =>
    cases.push({ label, method: 'POST', path: '/api/v1/sync/push', opts: { token: operator, raw, ...opts }, expect: '4xx' });
  /** A fresh, otherwise valid mutation (targets a missing case so even "valid" ones cannot apply). */
  const fresh = (over: Record<string, unknown> = {}) => ({ id: randomUUID(), clientSeq: 1000 + cases.length, name: 'case.addNote', args: { caseId: 'fc-missing', text: 'ok' }, createdAt: new Date(clock).toISOString(), ...over });
  const valid = (m = fresh()) => ({ protocol: 1, clientId: o.clientId, mutations: [m] });

  function buildCases() {
    // 1. Bad JSON: truncations, garbage, JSON-ish but not JSON.
    const text = JSON.stringify(valid());
    for (let i = 0; i < 60; i++) rawPush(`truncated@${i}`, text.slice(0, rng.int(0, text.length - 1)));
    for (let i = 0; i < 30; i++) rawPush(`garbage#${i}`, garbage(rng.int(1, 200)));
    for (const raw of ['', ' ', 'null', 'true', '1', '"str"', '[]', '[{}]', 'NaN', "{'protocol':1}", '{"protocol":1,}', '\uFEFF{}', '{"a":1}{"b":2}', `{"protocol":1e999}`]) rawPush(`json ${raw.slice(0, 20)}`, raw);

    // 2. Wrong types in every field.
    const top = ['protocol', 'clientId', 'mutations'] as const;
    for (const k of top) for (const w of WRONG) push(`top.${k}=${JSON.stringify(w).slice(0, 20)}`, { ...valid(), [k]: w });
    for (const k of ['id', 'clientSeq', 'name', 'createdAt'] as const) {
      for (const w of WRONG) if (!(k === 'createdAt' && typeof w === 'string' && w.length >= 10 && w.length <= 40)) push(`m.${k}=${JSON.stringify(w).slice(0, 20)}`, valid(fresh({ [k]: w })));
    }
    // Wrong args types are a per-command rejection (args are validated per command).
    for (const w of WRONG) push(`args=${JSON.stringify(w).slice(0, 20)}`, valid(fresh({ args: w })), 'rejected');
    for (const name of ['alert.acknowledge', 'case.assign', 'case.setStatus', 'case.addNote']) {
      for (const w of WRONG) push(`${name} args.x=${JSON.stringify(w).slice(0, 15)}`, valid(fresh({ name, args: { alertId: w, caseId: w, agencyId: w, status: w, text: w } })), 'rejected');
    }

    // 3. Missing fields.
    for (const k of top) {
      const b: Record<string, unknown> = valid();
      delete b[k];
      push(`missing ${k}`, b);
    }
    for (const k of ['id', 'clientSeq', 'name', 'createdAt']) {
      const m: Record<string, unknown> = fresh();
      delete m[k];
      push(`missing m.${k}`, valid(m as ReturnType<typeof fresh>));
    }
    push('no mutations', { ...valid(), mutations: [] });
    push('empty object', {});

    // 4. Protocol: header and body.
    for (const [method, path] of [['GET', '/api/v1/sync/pull'], ['GET', '/api/v1/sync/digest'], ['GET', '/api/v1/sync/live'], ['POST', '/api/v1/sync/push']]) {
      for (const v of [undefined, '0', '2', '01', '1 1', 'abc', '1,1', '\u00b9', '1.0']) {
        cases.push({ label: `protocol header ${path} ${v}`, method, path, opts: { token: operator, protocol: false, headers: v === undefined ? {} : { 'x-ioc-protocol': v }, body: method === 'POST' ? valid() : undefined }, expect: '4xx' });
      }
    }
    for (const p of [0, 2, '1', 1.0001, -1]) push(`body protocol ${p}`, { ...valid(), protocol: p });

    // 5. Replayed ids with different content; 6. clientSeq not after the last applied one.
    for (let i = 0; i < 30; i++) push(`replay #${i}`, valid(fresh({ ...applied, args: { caseId: 'fc-000001', text: `khác ${i}` } })), 'rejected');
    for (let i = 0; i < 30; i++) push(`reorder #${i}`, valid(fresh({ clientSeq: rng.int(1, 50), args: { caseId: 'fc-000002', text: 'cũ' } })), 'rejected');
    // 7. Wrong role: a leader may not assign or set status.
    for (let i = 0; i < 30; i++) {
      const name = i % 2 ? 'case.assign' : 'case.setStatus';
      const args = name === 'case.assign' ? { caseId: `fc-00000${(i % 9) + 1}`, agencyId: 'ag-tnmt' } : { caseId: `fc-00000${(i % 9) + 1}`, status: 'fixed' };
      push(`leader ${name} #${i}`, { ...valid(fresh({ name, args })), clientId: randomUUID() }, 'rejected', { token: leader });
    }

    // 8. Tokens: expired, revoked, forged, malformed, in the query.
    const endpoints = [['GET', '/api/v1/sync/pull'], ['POST', '/api/v1/sync/push'], ['GET', '/api/v1/auth/me'], ['GET', '/api/v1/sync/digest'], ['GET', '/api/v1/admin/users']];
    const badAuth = [`Bearer ${expired}`, `Bearer ${revoked}`, `Bearer ${'A'.repeat(43)}`, `Bearer ${operator}x`, `Bearer ${operator.slice(1)}`, `bearer ${operator}`, `Bearer  ${operator}`, `Basic ${operator}`, operator, 'Bearer', '', `Bearer ${Array.from({ length: 43 }, () => String.fromCharCode(rng.int(0x21, 0xff))).join('')}`];
    for (const [method, path] of endpoints) {
      for (const a of badAuth) cases.push({ label: `auth ${path} ${a.slice(0, 12)}`, method, path, opts: { headers: { authorization: a }, body: method === 'POST' ? valid() : undefined }, expect: '4xx' });
      cases.push({ label: `query token ${path}`, method, path: `${path}?token=${operator}`, opts: { body: method === 'POST' ? valid() : undefined }, expect: '4xx' });
    }

    // 9. Size: oversized bodies and huge arrays.
    for (const mb of [1.01, 1.5, 3]) rawPush(`oversized ${mb} MB`, `{"protocol":1,"pad":"${'x'.repeat(Math.floor(mb * 1024 * 1024))}"}`);
    push('501 mutations', { ...valid(), mutations: Array.from({ length: 501 }, () => fresh()) });
    push('huge array args', valid(fresh({ args: { caseId: 'fc-000001', text: Array.from({ length: 50_000 }, () => 'x') } })), 'rejected');
    push('long note', valid(fresh({ args: { caseId: 'fc-000001', text: 'ô'.repeat(4001) } })), 'rejected');
    push('deep nesting', valid(fresh({ args: JSON.parse(`${'{"a":'.repeat(500)}1${'}'.repeat(500)}`) })), 'rejected');

    // 10. Not UUIDs; 11. unknown commands.
    for (const id of ['1', 'not-a-uuid', randomUUID().toUpperCase().replace(/-/g, ''), `${randomUUID()}x`, '00000000-0000-0000-0000-00000000000g', ...UNICODE]) {
      push(`clientId ${id.slice(0, 12)}`, { ...valid(), clientId: id });
      push(`mutation id ${id.slice(0, 12)}`, valid(fresh({ id })));
    }
    for (const name of ['case.delete', 'alert.acknowledge ', 'ALERT.ACKNOWLEDGE', '__proto__', 'constructor', 'toString', 'case', '', ...UNICODE]) push(`command ${name.slice(0, 12)}`, valid(fresh({ name })));

    // 12. Prototype pollution keys anywhere.
    const m = JSON.stringify(fresh());
    for (const raw of [
      `{"__proto__":{"admin":true},"protocol":1,"clientId":"${o.clientId}","mutations":[${m}]}`,
      `{"protocol":1,"clientId":"${o.clientId}","mutations":[${m.replace('{', '{"__proto__":{"x":1},')}]}`,
      `{"protocol":1,"clientId":"${o.clientId}","mutations":[${m.replace('"args":{', '"args":{"__proto__":{"polluted":1},')}]}`,
      `{"constructor":{"prototype":{"polluted":1}},"protocol":1,"clientId":"${o.clientId}","mutations":[${m}]}`,
      `{"protocol":1,"clientId":"${o.clientId}","mutations":[${m.replace('"args":{', '"args":{"constructor":{"prototype":{"p":1}},')}]}`,
    ]) {
      rawPush(`proto ${raw.slice(0, 30)}`, raw);
      cases.push({ label: 'proto login', method: 'POST', path: '/api/v1/auth/login', opts: { raw: raw.replace('"protocol":1', '"username":"admin","password":"x"') }, expect: '4xx' });
    }

    // 13. Unicode garbage where ids go (well-formed pushes: the commands are rejected).
    // NUL and unpaired surrogates cannot be stored at all: refused with 400 before any command runs.
    for (const u of UNICODE) {
      const expectWhat: Expect = u === '\u0000' || u === '\uD800' ? '4xx' : 'rejected';
      push(`unicode caseId ${JSON.stringify(u)}`, valid(fresh({ args: { caseId: u || 'x', text: u } })), expectWhat);
      push(`unicode alertId ${JSON.stringify(u)}`, valid(fresh({ name: 'alert.acknowledge', args: { alertId: `${u}al-0036`, note: u } })), expectWhat);
      cases.push({ label: `unicode login ${JSON.stringify(u)}`, method: 'POST', path: '/api/v1/auth/login', opts: { body: { username: u, password: u } }, expect: '4xx' });
      push(`unicode createdAt ${JSON.stringify(u)}`, valid(fresh({ createdAt: `2026-11-20T01:00:00${u}Z`.slice(0, 40) })), expectWhat);
    }

    // 14. Content types.
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/jsonp']) {
      rawPush(`content-type ${ct}`, JSON.stringify(valid()), { headers: { 'content-type': ct } });
    }

    // 15. Pull/other queries, logins, unknown routes and methods, admin bodies.
    for (const q of ['since=-5', 'since=x', 'since=1.5', 'limit=-1', 'limit=0', 'limit=abc', 'since=99999999999999999999', 'since[]=1', 'since=1&since=2', `since=${'9'.repeat(400)}`]) {
      cases.push({ label: `pull ${q}`, method: 'GET', path: `/api/v1/sync/pull?${q}`, opts: { token: operator }, expect: '4xx' });
    }
    for (const body of [{}, { username: 'admin' }, { password: 'x' }, { username: 1, password: 2 }, { username: 'a'.repeat(65), password: 'x' }, { username: 'admin', password: 'p'.repeat(257) }, { username: '', password: '' }, [], null]) {
      cases.push({ label: `login ${JSON.stringify(body)?.slice(0, 20)}`, method: 'POST', path: '/api/v1/auth/login', opts: { body }, expect: '4xx' });
    }
    for (let i = 0; i < 10; i++) cases.push({ label: `login wrong pw ${i}`, method: 'POST', path: '/api/v1/auth/login', opts: { body: { username: i % 2 ? 'operator' : `ghost${i}`, password: garbage(12) } }, expect: '4xx' });
    for (const [method, path] of [['PUT', '/api/v1/sync/push'], ['DELETE', '/api/v1/auth/me'], ['GET', '/api/v1/sync/push'], ['POST', '/api/v1/sync/pull'], ['GET', '/api/v2/sync/pull'], ['GET', '/api/v1/../../etc/passwd'], ['GET', '/%00'], ['PATCH', '/api/v1/health']]) {
      cases.push({ label: `route ${method} ${path}`, method, path, opts: { token: admin }, expect: '4xx' });
    }
    for (const body of [{}, { username: 'X Y', password: 'long-enough-pw', role: 'operator' }, { username: 'okname', password: 'short', role: 'operator' }, { username: 'okname', password: 'long-enough-pw', role: 'root' }]) {
      cases.push({ label: `admin user ${JSON.stringify(body).slice(0, 30)}`, method: 'POST', path: '/api/v1/admin/users', opts: { token: admin, body }, expect: '4xx' });
      cases.push({ label: 'admin user as operator', method: 'POST', path: '/api/v1/admin/users', opts: { token: operator, body: { username: 'evil', password: 'long-enough-pw', role: 'admin' } }, expect: '4xx' });
    }
  }

  async function snapshot() {
    const orm = h.server.db.orm;
    const [{ seq }] = await orm.select({ seq: max(changeLog.seq) }).from(changeLog);
    const [{ n }] = await orm.select({ n: count() }).from(appliedMutations);
    const digest = (await h.api('GET', '/api/v1/sync/digest', { token: admin })).body;
    return { seq, applied: n, digest };
  }

  it('answers every one with 4xx ApiError or per-command rejected, and changes nothing', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(500);
    console.info(`fuzz: ${cases.length} generated cases`);
    const before = await snapshot();
    const failures: string[] = [];
    for (const c of cases) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 5000);
      let r;
      try {
        r = c.path.includes('/sync/live') ? await liveStatus(c) : await request(h.server.url, c.method, c.path, c.opts);
      } finally {
        clearTimeout(timer);
      }
      if (c.expect === '4xx') {
        if (r.status < 400 || r.status >= 500 || !ApiError.safeParse(r.body).success) failures.push(`${c.label}: ${r.status} ${r.text.slice(0, 120)}`);
      } else {
        const parsed = PushResponse.safeParse(r.body);
        if (r.status !== 200 || !parsed.success || !parsed.data.results.every((x) => x.status === 'rejected')) failures.push(`${c.label}: ${r.status} ${r.text.slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    const health = await h.api('GET', '/api/v1/health');
    expect(health.body).toMatchObject({ ok: true, seq: before.seq });
    // ~650 sequential requests: ~5 s on an idle 2-core machine, several times that while other jobs run.
  }, 120_000);

  /** The live route streams on success; every fuzz case must fail before that, so read the status only. */
  async function liveStatus(c: Case) {
    const headers: Record<string, string> = { ...(c.opts.headers ?? {}) };
    if (c.opts.token) headers.authorization = `Bearer ${c.opts.token}`;
    const ac = new AbortController();
    const res = await fetch(h.server.url + c.path, { headers, signal: ac.signal });
    if (res.status < 400) ac.abort();
    const text = res.status < 400 ? '' : await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : null, headers: res.headers };
  }
});
