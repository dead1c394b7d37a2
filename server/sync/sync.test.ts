import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullResponse } from '../../shared/sync/protocol';
import { backend, type Harness, request, startHarness } from '../test/harness';
import { Outbox } from '../test/mutations';
import { Replica } from '../test/replica';
import { SseClient } from '../test/sse';
import { ChangeFeed } from './change-feed';
import { withWriteTx } from './writer';
import { startServer } from '../app';

describe('pull, digest, live', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ heartbeatMs: 300 });
    token = await h.login('operator');
  });
  afterAll(() => h?.close());

  const pushNotes = async (caseId: string, n: number, as = token) => {
    const o = new Outbox();
    for (let i = 0; i < n; i++) {
      const r = await h.api('POST', '/api/v1/sync/push', { token: as, body: o.request(o.mutation('case.addNote', { caseId, text: `ghi chú ${i}` })) });
      expect(r.body.results[0].status).toBe('applied');
    }
  };

  it('pages through the log in seq order with a cursor', async () => {
    const first = PullResponse.parse((await h.api('GET', '/api/v1/sync/pull?since=0&limit=7', { token })).body);
    expect(first.changes.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(first).toMatchObject({ cursor: 7, hasMore: true, protocol: 1 });
    const next = PullResponse.parse((await h.api('GET', `/api/v1/sync/pull?since=${first.cursor}&limit=3`, { token })).body);
    expect(next.changes.map((c) => c.seq)).toEqual([8, 9, 10]);
    const health = await h.api('GET', '/api/v1/health');
    const end = PullResponse.parse((await h.api('GET', `/api/v1/sync/pull?since=${health.body.seq}`, { token })).body);
    expect(end).toMatchObject({ changes: [], cursor: health.body.seq, hasMore: false });
    const big = PullResponse.parse((await h.api('GET', '/api/v1/sync/pull?limit=999999', { token })).body);
    expect(big.changes).toHaveLength(Math.min(5000, health.body.seq)); // clamped to MAX_PULL_LIMIT
    for (const q of ['since=-1', 'since=abc', 'limit=0', 'limit=1.5', 'since=1e400', 'since=1&since=2']) {
      const r = await h.api('GET', `/api/v1/sync/pull?${q}`, { token });
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe('invalid_request');
    }
  });

  it('a client that applies the whole log gets exactly the server digest', async () => {
    await pushNotes('fc-000100', 3);
    const replica = new Replica();
    await replica.pullAll(h.server.url, token, 500);
    const digest = (await h.api('GET', '/api/v1/sync/digest', { token })).body;
    expect(digest.seq).toBe(replica.cursor);
    expect(replica.digest()).toEqual(digest.tables);
  });

  it('never skips a change when pulling while several writers commit', async () => {
    const replica = new Replica();
    await replica.pullAll(h.server.url, token, 5000);
    const tokens = await Promise.all(['operator', 'admin', 'operator'].map((u) => h.login(u)));
    let writing = true;
    const writers = Promise.all(tokens.map((t, i) => pushNotes(`fc-00020${i}`, 15, t))).finally(() => (writing = false));
    let pulls = 0;
    while (writing) {
      await replica.pullAll(h.server.url, token, 50);
      pulls++;
    }
    await writers;
    await replica.pullAll(h.server.url, token, 50);
    expect(pulls).toBeGreaterThan(1);
    // Strictly increasing, nothing twice, nothing missing compared with a fresh full pull.
    expect(replica.seen.every((s, i) => i === 0 || s > replica.seen[i - 1])).toBe(true);
    const fresh = new Replica();
    await fresh.pullAll(h.server.url, token, 5000);
    expect(replica.seen).toEqual(fresh.seen);
    expect(replica.digest()).toEqual((await h.api('GET', '/api/v1/sync/digest', { token })).body.tables);
  });

  it('a slow transaction holds back later ones, so a cursor can never pass an uncommitted seq', async () => {
    const ctx = { db: h.server.db, feed: new ChangeFeed() };
    const alert = (id: string) => ({ id, kind: 'other', severity: 'info', title: id, unitId: null, raisedAt: new Date().toISOString(), acknowledgedAt: null, acknowledgedBy: null, note: null });
    const replica = new Replica();
    await replica.pullAll(h.server.url, token, 5000);
    let releaseSlow!: () => void;
    const slowHolding = new Promise<void>((r) => (releaseSlow = r));
    let slowWrote!: () => void;
    const wrote = new Promise<void>((r) => (slowWrote = r));
    const slow = withWriteTx(ctx, async (w) => {
      await w.upsert('alert', [alert('al-slow')]);
      slowWrote();
      await slowHolding;
    });
    await wrote;
    const fast = withWriteTx(ctx, (w) => w.upsert('alert', [alert('al-fast')]));
    await new Promise((r) => setTimeout(r, 100));
    // PGlite runs one transaction at a time (a read waits for it), so only a real server can be read mid-way.
    if (backend === 'postgresql') {
      await replica.pullAll(h.server.url, token); // sees neither: fast waits for slow's lock
      expect([...replica.tables.get('alert')!.keys()]).not.toContain('al-fast');
    }
    releaseSlow();
    await Promise.all([slow, fast]);
    await replica.pullAll(h.server.url, token);
    const ids = replica.seen.slice(-2);
    expect(ids[0]).toBeLessThan(ids[1]);
    expect(replica.tables.get('alert')!.has('al-slow') && replica.tables.get('alert')!.has('al-fast')).toBe(true);
  });

  it('live: tells connected clients about a commit within 1 s, and pings', async () => {
    const sse = await SseClient.open(h.server.url, token);
    expect(sse.status).toBe(200);
    await sse.until(() => sse.seqs.length > 0);
    const start = sse.seqs[0].seq;
    const t0 = Date.now();
    await pushNotes('fc-000300', 1);
    await sse.until(() => sse.seqs.some((s) => s.seq > start), 1000);
    const latency = sse.seqs.find((s) => s.seq > start)!.at - t0;
    expect(latency).toBeLessThan(1000);
    await sse.until(() => sse.pings > 0, 2000);
    sse.close();
  });

  it('live: coalesces a burst into few events and stops when the session ends', async () => {
    const own = await h.login('leader');
    const sse = await SseClient.open(h.server.url, own);
    await sse.until(() => sse.seqs.length > 0);
    const o = new Outbox();
    const burst = Array.from({ length: 20 }, (_, i) => o.mutation('case.addNote', { caseId: 'fc-000150', text: `${i}` }));
    const pushed = await h.api('POST', '/api/v1/sync/push', { token, body: o.request(...burst) });
    expect(pushed.body.results.every((r: { status: string }) => r.status === 'applied')).toBe(true);
    const health = await h.api('GET', '/api/v1/health');
    await sse.until(() => sse.seqs.at(-1)!.seq === health.body.seq);
    expect(sse.seqs.length).toBeLessThan(20);
    await h.api('POST', '/api/v1/auth/logout', { token: own });
    await sse.until(() => sse.closed, 2000);
  });

  it.runIf(backend === 'postgresql')('live: a second server instance on the same PostgreSQL hears commits via NOTIFY', async () => {
    const other = await startServer({ databaseUrl: h.db.databaseUrl, port: 0, seedDemo: false });
    try {
      const sse = await SseClient.open(other.url, token);
      await sse.until(() => sse.seqs.length > 0);
      const start = sse.seqs.at(-1)!.seq;
      await pushNotes('fc-000151', 1); // committed through the first instance
      await sse.until(() => sse.seqs.some((x) => x.seq > start), 1000);
      sse.close();
    } finally {
      await other.close();
    }
  });

  it('requires the protocol header on sync endpoints', async () => {
    for (const [method, path] of [['GET', '/api/v1/sync/pull'], ['GET', '/api/v1/sync/digest'], ['GET', '/api/v1/sync/live'], ['POST', '/api/v1/sync/push']]) {
      for (const headers of [{}, { 'x-ioc-protocol': '2' }, { 'x-ioc-protocol': '1.0' }] as Array<Record<string, string>>) {
        const r = await request(h.server.url, method, path, { token, protocol: false, headers, body: method === 'POST' ? {} : undefined });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(400);
        expect(r.body.error.code).toBe('protocol_mismatch');
        expect(r.body.error.message).toContain('1');
      }
    }
  });
});
