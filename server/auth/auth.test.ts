import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, LoginResponse, type Role } from '../../shared/sync/protocol';
import { auditLog } from '../db/schema';
import { type Harness, request, startHarness } from '../test/harness';

/** The access table the server must have. A route added without updating this fails the test. */
const EXPECTED: Record<string, 'public' | Role[]> = {
  'GET /api/v1/health': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': ['operator', 'leader', 'admin'],
  'GET /api/v1/auth/me': ['operator', 'leader', 'admin'],
  'GET /api/v1/sync/pull': ['operator', 'leader', 'admin'],
  'GET /api/v1/sync/live': ['operator', 'leader', 'admin'],
  'POST /api/v1/sync/push': ['operator', 'leader', 'admin'],
  'GET /api/v1/sync/digest': ['operator', 'leader', 'admin'],
  'GET /api/v1/admin/audit': ['admin'],
  'GET /api/v1/admin/users': ['admin'],
  'POST /api/v1/admin/users': ['admin'],
  'POST /api/v1/admin/cameras': ['admin'],
  'POST /api/v1/media': ['operator', 'leader', 'admin'],
  'GET /api/v1/media/:file': ['operator', 'leader', 'admin'],
  'GET /api/v1/admin/routing-rules': ['admin'],
  'PUT /api/v1/admin/routing-rules': ['admin'],
  // KPI ingestion and computation (issue 7)
  'POST /api/v1/kpi/import/:dataset': ['operator', 'admin'],
  'POST /api/v1/kpi/dossier-events': ['admin'],
  'POST /api/v1/kpi/water-readings': ['operator', 'admin'],
  'POST /api/v1/kpi/recompute': ['admin'],
  'POST /api/v1/kpi/feeds/poll': ['admin'],
  // Open311 GeoReport v2: the citizen-facing API (POST requests checks its own api_key)
  'GET /open311/v2/discovery.json': 'public',
  'GET /open311/v2/discovery.xml': 'public',
  'GET /open311/v2/services.json': 'public',
  'GET /open311/v2/services.xml': 'public',
  'GET /open311/v2/services/:file': 'public',
  'POST /open311/v2/requests.json': 'public',
  'POST /open311/v2/requests.xml': 'public',
  'GET /open311/v2/requests.json': 'public',
  'GET /open311/v2/requests.xml': 'public',
  'GET /open311/v2/requests/:file': 'public',
  'GET /open311/v2/requests/:id/history.json': 'public',
  'GET /open311/v2/requests/:id/history.xml': 'public',
  'POST /open311/v2/requests/:id/reopen.json': 'public',
  'POST /open311/v2/requests/:id/reopen.xml': 'public',
  'GET /open311/v2/tokens/:file': 'public',
  'GET /open311/v2/media/:file': 'public',
};
const ROLES: Role[] = ['operator', 'leader', 'admin'];

describe('auth', () => {
  let h: Harness;
  let clock = Date.parse('2026-11-20T01:00:00Z');
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    h = await startHarness({ now: () => new Date(clock), sessionHours: 12 });
    for (const r of ROLES) tokens[r] = await h.login(r);
  });
  afterAll(() => h?.close());

  /** Status only (the live route streams, so the body is never awaited). */
  async function statusOf(method: string, path: string, token?: string): Promise<number> {
    const ac = new AbortController();
    const res = await fetch(h.server.url + path, {
      method,
      signal: ac.signal,
      headers: { 'x-ioc-protocol': '1', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? '{}' : undefined,
    });
    ac.abort();
    return res.status;
  }

  it('login returns a token, me describes the session, logout ends it', async () => {
    const r = await h.api('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'iocdemo-2026' } });
    expect(r.status).toBe(200);
    const login = LoginResponse.parse(r.body);
    expect(login.user).toMatchObject({ username: 'operator', displayName: 'Nguyễn Thị Hoa', role: 'operator' });
    expect(Date.parse(login.expiresAt) - clock).toBe(12 * 3_600_000);
    const me = await h.api('GET', '/api/v1/auth/me', { token: login.token });
    expect(me.body.user.role).toBe('operator');
    expect((await h.api('POST', '/api/v1/auth/logout', { token: login.token })).status).toBe(204);
    const after = await h.api('GET', '/api/v1/auth/me', { token: login.token });
    expect(after.status).toBe(401);
    expect(ApiError.parse(after.body).error.code).toBe('unauthorized');
  });

  it('rejects wrong passwords and unknown users alike, and audits both', async () => {
    const wrong = await h.api('POST', '/api/v1/auth/login', { body: { username: 'leader', password: 'nope' }, headers: { 'x-forwarded-for': '1.2.3.4' } });
    const unknown = await h.api('POST', '/api/v1/auth/login', { body: { username: 'ghost', password: 'nope' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
    const rows = await h.server.db.orm.select().from(auditLog).orderBy(desc(auditLog.id)).limit(2);
    expect(rows.map((r) => [r.actor, r.action, r.result])).toEqual([
      ['ghost', 'auth.login', 'failed'],
      ['leader', 'auth.login', 'failed'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('nope');
  });

  it('expires sessions after --session-hours (injected clock)', async () => {
    const token = await h.login('leader');
    clock += 12 * 3_600_000 - 1000;
    expect((await h.api('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    clock += 2000;
    expect((await h.api('GET', '/api/v1/auth/me', { token })).status).toBe(401);
    for (const r of ROLES) tokens[r] = await h.login(r); // the shared tokens expired too
  });

  it('rate-limits failed logins per username + IP with Retry-After, then lets them in again', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await h.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: `bad-${i}` } })).status).toBe(401);
    }
    const locked = await h.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'iocdemo-2026' } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Other usernames from the same IP are unaffected.
    expect((await h.api('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'iocdemo-2026' } })).status).toBe(200);
    clock += retryAfter * 1000 + 1;
    expect((await h.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'iocdemo-2026' } })).status).toBe(200);
    const last = await h.server.db.orm.select().from(auditLog).orderBy(desc(auditLog.id)).limit(3);
    expect(last.map((r) => r.result)).toEqual(['ok', 'ok', 'rate_limited']);
  });

  it('has exactly the expected routes, and every non-public one refuses anonymous, forged and ?token= callers', async () => {
    const registered = h.server.routes.map((r) => `${r.method} ${r.url}`).sort();
    expect(registered).toEqual(Object.keys(EXPECTED).sort());
    for (const [key, access] of Object.entries(EXPECTED)) {
      if (access === 'public') continue;
      const [method, path] = key.split(' ');
      expect(await statusOf(method, path), `${key} anonymous`).toBe(401);
      expect(await statusOf(method, path, 'A'.repeat(43)), `${key} forged`).toBe(401);
      expect(await statusOf(method, `${path}?token=${tokens.admin}`), `${key} query token`).toBe(401);
    }
  });

  it('enforces the role of every route', async () => {
    for (const [key, access] of Object.entries(EXPECTED)) {
      if (access === 'public' || key === 'POST /api/v1/auth/logout') continue;
      const [method, path] = key.split(' ');
      for (const role of ROLES) {
        const status = await statusOf(method, path, tokens[role]);
        if (access.includes(role)) expect([401, 403], `${key} as ${role}`).not.toContain(status);
        else expect(status, `${key} as ${role}`).toBe(403);
      }
    }
  });

  it('admin can create users (audited, no password in the trail)', async () => {
    const r = await h.api('POST', '/api/v1/admin/users', { token: tokens.admin, body: { username: 'ca-truc-2', password: 'very-secret-pw', role: 'operator', displayName: 'Lê Văn Nam' } });
    expect(r.status).toBe(200);
    expect(r.body.created).toBe(true);
    await h.login('ca-truc-2', 'very-secret-pw');
    const audit = await h.api('GET', '/api/v1/admin/audit?limit=5', { token: tokens.admin });
    expect(audit.body.entries.some((e: { action: string }) => e.action === 'user.create')).toBe(true);
    expect(audit.text).not.toContain('very-secret-pw');
  });

  it('the health endpoint needs no token', async () => {
    const r = await request(h.server.url, 'GET', '/api/v1/health', { protocol: false });
    expect(r.body).toMatchObject({ ok: true, protocol: 1 });
  });
});
