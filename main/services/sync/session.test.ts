import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CacheDb, openCacheDb } from '../../db/open';
import { LoginError } from './errors';
import { login, SessionStore, STANDBY_SESSION_MAX_HOURS } from './session';
import { FakeSyncServer } from './test-server';

let dir: string;
let db: CacheDb;
let now: Date;
const H = 3600_000;
const loginResponse = { token: 'tok', expiresAt: '2026-03-01T00:00:00Z', user: { id: 'u1', username: 'op1', displayName: 'Trực ban 1', role: 'operator' as const } };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-session-'));
  db = openCacheDb(join(dir, 'cache.db'));
  now = new Date('2026-02-01T08:00:00+07:00');
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SessionStore', () => {
  it('saves and loads the one session; survives reopening; clear() logs out', () => {
    new SessionStore(db, { now: () => now }).save('http://ioc.local', loginResponse);
    db.close();
    db = openCacheDb(join(dir, 'cache.db'));
    const store = new SessionStore(db, { now: () => now });
    expect(store.load()).toEqual({ serverUrl: 'http://ioc.local', token: 'tok', expiresAt: loginResponse.expiresAt, user: loginResponse.user, savedAt: now.toISOString() });
    expect(store.token()).toBe('tok');
    store.clear();
    expect(store.load()).toBeNull();
    expect(store.check()).toEqual({ kind: 'needs_login', reason: 'none' });
  });

  it(`lets the room start without the server for ${STANDBY_SESSION_MAX_HOURS} h after the last validation, not longer`, () => {
    const store = new SessionStore(db, { now: () => now });
    store.save('http://ioc.local', loginResponse);
    const t0 = now.getTime();
    now = new Date(t0 + 72 * H);
    expect(store.check()).toMatchObject({ kind: 'ok', standbyUntil: new Date(t0 + 72 * H).toISOString() });
    now = new Date(t0 + 72 * H + 1000);
    expect(store.check()).toEqual({ kind: 'needs_login', reason: 'too_old' });

    // Validated by the server at 48 h: the window runs from there.
    now = new Date(t0 + 48 * H);
    store.markValidated();
    now = new Date(t0 + 100 * H);
    expect(store.check().kind).toBe('ok');
    now = new Date(t0 + 120 * H + 1000);
    expect(store.check().kind).toBe('needs_login');
  });

  it('keeps the token through a cipher (safeStorage plugs in here) and reports an unreadable one', () => {
    const cipher = { encrypt: (s: string) => Buffer.from(s).toString('base64'), decrypt: (s: string) => Buffer.from(s, 'base64').toString() };
    new SessionStore(db, { now: () => now, cipher }).save('http://x', loginResponse);
    expect(db.sqlite.prepare('SELECT token FROM session').get()).toEqual({ token: Buffer.from('tok').toString('base64') });
    expect(new SessionStore(db, { now: () => now, cipher }).token()).toBe('tok');
    const broken = new SessionStore(db, { now: () => now, cipher: { ...cipher, decrypt: () => { throw new Error('keychain changed'); } } });
    expect(broken.check()).toEqual({ kind: 'needs_login', reason: 'unreadable' });
  });
});

describe('login()', () => {
  let server: FakeSyncServer;
  beforeEach(async () => {
    server = await FakeSyncServer.start();
  });
  afterEach(() => server.stop());

  const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: LoginError) => [e.name, e.code, e.retryAfterSec]);

  it('returns the session on good credentials', async () => {
    const res = await login(server.url, 'op1', 'secret');
    expect(res.user).toMatchObject({ username: 'op1', role: 'operator' });
    expect(server.tokens.has(res.token)).toBe(true);
  });

  it('tells bad credentials, rate limiting, bad input and an unreachable server apart', async () => {
    expect(await code(login(server.url, 'op1', 'wrong'))).toEqual(['LoginError', 'bad_credentials', undefined]);
    expect(await code(login(server.url, '', 'x'))).toEqual(['LoginError', 'invalid_input', undefined]);
    server.knobs.loginRateLimited = true;
    expect(await code(login(server.url, 'op1', 'secret'))).toEqual(['LoginError', 'rate_limited', 30]);
    const url = server.url;
    await server.stop();
    expect(await code(login(url, 'op1', 'secret'))).toEqual(['LoginError', 'unreachable', undefined]);
  });
});
