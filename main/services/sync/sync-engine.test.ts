import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entity } from '../../../shared/domain/entities';
import { CacheRepo } from '../../db/cache.repo';
import { type CacheDb, openCacheDb } from '../../db/open';
import { InvalidCommandError } from './errors';
import { login } from './session';
import { type SyncEngineOptions, SyncEngine, type SyncStatus, type Timers } from './sync-engine';
import { FakeSyncServer, seedAlert, seedCase } from './test-server';

const FAST: Partial<SyncEngineOptions> = {
  backoffBaseMs: 20,
  backoffMaxMs: 200,
  // Long, so a test that sees a pull within a second knows the live channel caused it.
  pullIntervalMs: 60_000,
  statusDebounceMs: 10,
  dataDebounceMs: 10,
};

/** Real timers, but counted, so a test can prove dispose() left none behind. */
function trackingTimers() {
  const pending = new Set<unknown>();
  const delays: number[] = [];
  const timers: Timers = {
    setTimeout(fn, ms) {
      delays.push(ms);
      const h = setTimeout(() => {
        pending.delete(h);
        fn();
      }, ms);
      pending.add(h);
      return h;
    },
    clearTimeout(h) {
      pending.delete(h);
      clearTimeout(h as NodeJS.Timeout);
    },
  };
  return { timers, pending, delays };
}

async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
let server: FakeSyncServer;
let token: string | null;
let engine: SyncEngine | undefined;
let clock: ReturnType<typeof trackingTimers>;

function makeEngine(options: Partial<SyncEngineOptions> = {}): SyncEngine {
  engine = new SyncEngine({ repo, serverUrl: server.url, getToken: () => token, timers: clock.timers, options: { ...FAST, ...options } });
  return engine;
}

const online = () => engine!.status().state === 'online';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-sync-'));
  db = openCacheDb(join(dir, 'cache.db'));
  repo = new CacheRepo(db);
  server = await FakeSyncServer.start();
  token = server.issueToken();
  clock = trackingTimers();
  server.upsert('alert', seedAlert('a1'));
  server.upsert('alert', seedAlert('a2'));
  server.upsert('feedback_case', seedCase('c1'));
});

afterEach(async () => {
  engine?.dispose();
  engine = undefined;
  await server.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pull', () => {
  it('fills the cache page by page at start; its digest equals the server digest; goes online', async () => {
    for (let i = 0; i < 22; i++) server.upsert('water_reading', { id: `r${i}`, stationId: 's1', at: '2026-01-01T07:00:00+07:00', levelM: i / 10 });
    server.remove('alert', 'a2');
    makeEngine({ pullLimit: 10 }).start();
    await waitFor(online, 5000, 'online');
    await waitFor(() => repo.cursor() === server.log.length, 5000, 'cursor');
    expect(repo.digest()).toEqual(server.digest());
    expect(server.hits.get('/api/v1/sync/pull')).toBeGreaterThanOrEqual(3);
    // Caught up, it stays quiet until told (live) or the fallback interval: no busy polling.
    const pulls = server.hits.get('/api/v1/sync/pull')!;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.hits.get('/api/v1/sync/pull')! - pulls).toBeLessThanOrEqual(3); // busy polling would be hundreds
    expect(engine!.status()).toMatchObject({ state: 'online', reasonCode: 'ok', queued: 0, rejected: 0, cursor: server.log.length });
    expect(engine!.status().asOf).not.toBeNull();
  });

  it('a page that fails to apply leaves cache and cursor as they were, and is applied whole on the retry', async () => {
    db.sqlite.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON cache_rows WHEN NEW.id = 'c1' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    makeEngine().start();
    await waitFor(() => server.hits.get('/api/v1/sync/pull')! >= 2, 3000, 'a retried pull');
    expect(repo.cursor()).toBe(0);
    expect(repo.counts().alert).toBe(0); // a1 and a2 came in the same page as c1
    db.sqlite.exec('DROP TRIGGER boom');
    await waitFor(() => repo.cursor() === server.log.length, 3000, 'applied on retry');
    expect(repo.digest()).toEqual(server.digest());
  });

  it('pulls within 1 s of a live notification (not the 60 s fallback) and tells views which entities changed', async () => {
    makeEngine().start();
    await waitFor(online);
    await waitFor(() => repo.cursor() === server.log.length);
    const seen: Array<Set<Entity>> = [];
    engine!.onData((e) => seen.push(e));
    const t0 = Date.now();
    server.upsert('camera', { id: 'cam1', name: 'Cầu Trà My', group: 'traffic', unitId: null, location: [108.2, 15.3], sources: {}, enabled: true });
    await waitFor(() => repo.get('camera', 'cam1'), 1000, 'the change, pulled within 1 s');
    const ms = Date.now() - t0;
    console.log(`[measure] live notification → row in cache: ${ms} ms`);
    await waitFor(() => seen.some((s) => s.has('camera')), 500, 'onData(camera)');
  });
});

describe('push', () => {
  it('refuses invalid commands with a typed error and queues nothing', () => {
    makeEngine();
    expect(() => engine!.enqueue('case.assign', { caseId: '' }, 'op1')).toThrow(InvalidCommandError);
    expect(() => engine!.enqueue('case.delete', { caseId: 'c1' }, 'op1')).toThrow(InvalidCommandError);
    expect(() => engine!.enqueue('case.assign', { caseId: 'c1', agencyId: 'g1' }, 'op1', { role: 'leader' })).toThrow(/may not/);
    expect(repo.outboxCount()).toBe(0);
  });

  it('shows a command as pending at once, applies it once on the server, then shows the server row', async () => {
    makeEngine().start();
    await waitFor(() => repo.get('alert', 'a1'));
    const { mutationId } = engine!.enqueue('alert.acknowledge', { alertId: 'a1', note: '  đã cử người  ' }, 'op1');
    const pending = repo.get('alert', 'a1')!;
    expect(pending.pending).toBe(true);
    expect(pending.data).toMatchObject({ acknowledgedBy: 'op1', note: 'đã cử người' });
    expect(engine!.status().queued).toBe(1);

    await waitFor(() => repo.outboxCount() === 0 && repo.get('alert', 'a1')?.data.acknowledgedAt !== null && repo.cursor() === server.log.length, 5000, 'applied and pulled');
    expect(server.effects.get(mutationId)).toBe(1);
    expect(repo.get('alert', 'a1')).toMatchObject({ pending: false, data: server.row('alert', 'a1') });
    expect(server.pushes[0]).toMatchObject({ protocol: 1, clientId: engine!.clientId, mutations: [{ id: mutationId, clientSeq: 1, name: 'alert.acknowledge' }] });
  });

  it('resends after a lost response with the SAME id; the server applies it once', async () => {
    makeEngine().start();
    await waitFor(online);
    server.knobs.dropNextPushResponse = true;
    const { mutationId } = engine!.enqueue('case.addNote', { caseId: 'c1', text: 'Đã liên hệ UBND xã' }, 'op1');
    await waitFor(() => repo.outboxCount() === 0, 5000, 'outbox drained');
    expect(server.pushes.length).toBeGreaterThanOrEqual(2);
    expect(server.pushes.map((p) => p.mutations.map((m) => m.id))).toEqual(server.pushes.map(() => [mutationId]));
    expect(server.effects.get(mutationId)).toBe(1);
    await waitFor(() => repo.get('feedback_case', 'c1')?.data.noteCount === 1, 2000, 'noteCount 1 pulled');
    expect(repo.counts().case_event).toBe(1);
  });

  it('puts rejected commands on a visible list without blocking later ones; retry sends a NEW mutation; discard removes', async () => {
    makeEngine().start();
    await waitFor(online);
    const bad = engine!.enqueue('alert.acknowledge', { alertId: 'ghost' }, 'op1');
    const good = engine!.enqueue('case.setStatus', { caseId: 'c1', status: 'in_progress' }, 'op1');
    await waitFor(() => repo.outboxCount() === 0);
    expect(server.effects.get(good.mutationId)).toBe(1);
    expect(engine!.status().rejected).toBe(1);
    expect(repo.listRejected()).toMatchObject([{ mutationId: bad.mutationId, code: 'not_found', actor: 'op1', args: { alertId: 'ghost' } }]);

    server.upsert('alert', seedAlert('ghost'));
    const again = engine!.retryRejected(bad.mutationId)!;
    expect(again.mutationId).not.toBe(bad.mutationId);
    expect(again.clientSeq).toBeGreaterThan(good.clientSeq);
    await waitFor(() => server.effects.get(again.mutationId) === 1, 5000, 'retried command applied');
    expect(repo.rejectedCount()).toBe(0);
    expect(engine!.retryRejected(bad.mutationId)).toBeNull();

    const bad2 = engine!.enqueue('case.setStatus', { caseId: 'nope', status: 'closed' }, 'op1');
    await waitFor(() => repo.rejectedCount() === 1);
    expect(engine!.discardRejected(bad2.mutationId)).toBe(true);
    expect(engine!.status().rejected).toBe(0);
  });

  it('keeps "retry" answers queued in order and sends them again later', async () => {
    makeEngine().start();
    await waitFor(online);
    server.knobs.retryNext = 1;
    const first = engine!.enqueue('case.setStatus', { caseId: 'c1', status: 'a' }, 'op1');
    const second = engine!.enqueue('case.setStatus', { caseId: 'c1', status: 'b' }, 'op1');
    await waitFor(() => repo.outboxCount() === 0);
    expect(server.effects.get(first.mutationId)).toBe(1);
    expect(server.effects.get(second.mutationId)).toBe(1);
    expect(server.row('feedback_case', 'c1')?.status).toBe('b'); // order kept
  });

  it('on server errors keeps everything queued, backs off (capped), reports degraded, then drains', async () => {
    makeEngine().start();
    await waitFor(online);
    server.knobs.failPush = 503;
    const before = server.hits.get('/api/v1/sync/push') ?? 0;
    const m = engine!.enqueue('case.assign', { caseId: 'c1', agencyId: 'g1' }, 'op1');
    await waitFor(() => engine!.status().reasonCode === 'server_error', 2000, 'server_error');
    expect(engine!.status()).toMatchObject({ state: 'degraded', queued: 1 });
    expect(engine!.status().reason).toContain('503');
    await new Promise((r) => setTimeout(r, 1200));
    const tries = (server.hits.get('/api/v1/sync/push') ?? 0) - before;
    // 20 ms doubling to the 200 ms cap: about 8 tries in 1.2 s; uncapped it would be ~6 and falling.
    expect(tries).toBeGreaterThanOrEqual(6);
    expect(Math.max(...clock.delays.filter((d) => d < 10_000))).toBeLessThanOrEqual(200);
    expect(repo.outboxBatch(1)[0]).toMatchObject({ mutationId: m.mutationId, lastError: expect.stringContaining('503') });
    server.knobs.failPush = null;
    await waitFor(() => repo.outboxCount() === 0, 2000, 'drained');
    expect(server.effects.get(m.mutationId)).toBe(1);
    await waitFor(online, 2000, 'online again');
  });

  it('when the link is back (a pull gets through), the queue goes at once, not after the push backoff', async () => {
    // Production-like backoff: after a failure the next push waits 2.5–5 s.
    makeEngine({ backoffBaseMs: 5000, backoffMaxMs: 30_000 }).start();
    await waitFor(online);
    server.knobs.failPush = 503;
    server.knobs.failPull = 503;
    const m = engine!.enqueue('alert.acknowledge', { alertId: 'a1' }, 'op1');
    await waitFor(() => repo.outboxBatch(1)[0]?.lastError?.includes('503'), 3000, 'push failed');
    const retryIn = repo.outboxBatch(1)[0].nextAttemptAt! - Date.now();
    expect(retryIn).toBeGreaterThan(2000);
    // The server is back; the next pull proves it.
    server.knobs.failPush = null;
    server.knobs.failPull = null;
    const t0 = Date.now();
    engine!.requestPull(0);
    await waitFor(() => repo.outboxCount() === 0, 1500, 'sent as soon as the link is back');
    expect(Date.now() - t0).toBeLessThan(retryIn);
    expect(server.effects.get(m.mutationId)).toBe(1);
  });
});

describe('states', () => {
  it('online → standby (server stopped) → online (server back), with reasons; queued actions replay once', async () => {
    makeEngine().start();
    const seen: SyncStatus[] = [];
    engine!.onStatus((s) => seen.push(s));
    await waitFor(() => seen.at(-1)?.state === 'online', 3000, 'online announced');
    expect(engine!.healthReport().state).toBe('ok');

    await server.stop();
    await waitFor(() => engine!.status().reasonCode === 'server_unreachable', 3000, 'standby');
    const standby = engine!.status();
    expect(standby.state).toBe('standby');
    expect(standby.reason).toMatch(/unreachable.*ECONNREFUSED/);
    expect(engine!.healthReport()).toMatchObject({ state: 'down' });
    const { mutationId } = engine!.enqueue('alert.acknowledge', { alertId: 'a2' }, 'op1');
    expect(engine!.status().queued).toBe(1);

    await server.restart();
    await waitFor(() => online() && repo.outboxCount() === 0, 5000, 'online again and drained');
    expect(server.effects.get(mutationId)).toBe(1);
    await waitFor(() => seen.at(-1)?.state === 'online', 1000);
    const states = seen.map((s) => s.state).filter((s, i, a) => s !== a[i - 1]);
    // Recovery may pass through degraded (pull answered before the live channel is back).
    const down = states.lastIndexOf('standby');
    expect(states.slice(0, down)).toContain('online');
    expect(states.at(-1)).toBe('online');
    expect(new Date(seen.at(-1)!.since).getTime()).toBeGreaterThanOrEqual(new Date(standby.since).getTime());
  });

  it('401 → standby "session expired" (queue kept); after a new login + reconnect() it goes online and sends', async () => {
    makeEngine().start();
    await waitFor(online);
    server.tokens.clear();
    const { mutationId } = engine!.enqueue('case.assign', { caseId: 'c1', agencyId: 'g1' }, 'op1');
    await waitFor(() => engine!.status().reasonCode === 'session_expired', 3000, 'session_expired');
    expect(engine!.status()).toMatchObject({ state: 'standby', queued: 1 });

    token = (await login(server.url, 'op1', 'secret')).token;
    engine!.reconnect();
    await waitFor(() => online() && repo.outboxCount() === 0, 5000, 'online with the new token');
    expect(server.effects.get(mutationId)).toBe(1);
  });

  it('starts in standby with no token and says so', () => {
    token = null;
    makeEngine().start();
    expect(engine!.status()).toMatchObject({ state: 'standby', reasonCode: 'no_session' });
  });

  it('reads "starting" while the live channel connects, never "interrupted"; a refused channel reads "interrupted" at once', async () => {
    const seen: string[] = [];
    server.knobs.liveDelayMs = 600;
    makeEngine().onStatus((s) => seen.push(s.reasonCode));
    engine!.start();
    // The first pull lands (the cache holds the server's rows) while the live channel is still connecting.
    await waitFor(() => repo.get('alert', 'a1'), 3000, 'first pull');
    expect(engine!.status().reasonCode).toBe('starting');
    await waitFor(online, 3000, 'online once the live channel opens');
    expect(seen).not.toContain('live_down');
    engine!.dispose();

    // A channel the server refuses: degraded as soon as the attempt ends, not after a grace period.
    server.knobs.liveDelayMs = 0;
    server.knobs.failLive = 503;
    makeEngine().start();
    await waitFor(() => engine!.status().reasonCode === 'live_down', 3000, 'live_down');
    expect(engine!.status().state).toBe('degraded');
  });

  it('marks a slow server degraded', async () => {
    makeEngine({ slowRequestMs: 50 }).start();
    await waitFor(online);
    server.knobs.delayMs = 120;
    void engine!.pullNow();
    await waitFor(() => engine!.status().reasonCode === 'slow', 3000, 'slow');
    expect(engine!.status().state).toBe('degraded');
    server.knobs.delayMs = 0;
    void engine!.pullNow();
    await waitFor(online, 3000, 'online again');
  });
});

describe('restart and dispose', () => {
  it('sends rows left inflight by a previous run again with the same id', async () => {
    const first = makeEngine();
    const { mutationId } = first.enqueue('case.setStatus', { caseId: 'c1', status: 'in_progress' }, 'op1');
    repo.markInflight([mutationId]); // as if the app died waiting for the answer
    first.dispose();
    db.close();
    db = openCacheDb(join(dir, 'cache.db'));
    repo = new CacheRepo(db);
    makeEngine().start();
    await waitFor(() => repo.outboxCount() === 0);
    expect(server.pushes[0].mutations[0].id).toBe(mutationId);
    expect(server.pushes[0].clientId).toBe(first.clientId);
    expect(server.effects.get(mutationId)).toBe(1);
  });

  it('dispose() closes the live channel, aborts requests and leaves no timers or sockets', async () => {
    makeEngine().start();
    await waitFor(online);
    server.knobs.failPush = 503; // leaves a backoff timer pending
    engine!.enqueue('case.assign', { caseId: 'c1', agencyId: 'g1' }, 'op1');
    await waitFor(() => server.hits.get('/api/v1/sync/push'));
    expect(server.openLiveConnections()).toBe(1);
    expect(clock.pending.size).toBeGreaterThan(0);

    engine!.dispose();
    expect(clock.pending.size).toBe(0);
    expect(engine!.healthReport().state).toBe('idle');
    await waitFor(() => server.openLiveConnections() === 0, 2000, 'live connection closed');
    await waitFor(() => server.activeRequests() === 0, 1000, 'no request in flight');
    // Idle sockets may stay in fetch's (undici's) pool for its keep-alive time; they are unref'd and
    // not ours. That the process can exit is proven in a child process (outbox-durability.test.ts).
    await new Promise((r) => setTimeout(r, 300));
    expect(clock.pending.size).toBe(0);
  });
});
