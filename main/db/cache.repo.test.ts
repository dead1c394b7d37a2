import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestLines } from '../../shared/sync/canonical';
import type { Change } from '../../shared/sync/protocol';
import { CacheRepo, type NewMutation } from './cache.repo';
import { type CacheDb, openCacheDb } from './open';

let dir: string;
let db: CacheDb;
let repo: CacheRepo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-repo-'));
  db = openCacheDb(join(dir, 'cache.db'));
  repo = new CacheRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const alert = (id: string, extra: Record<string, unknown> = {}) => ({ id, kind: 'water_level', severity: 'warning', title: `Mực nước ${id}`, unitId: null, raisedAt: '2026-01-01T00:00:00+07:00', acknowledgedAt: null, acknowledgedBy: null, note: null, ...extra });
const up = (seq: number, entity: Change['entity'], id: string, data: Record<string, unknown>): Change => ({ seq, entity, id, op: 'upsert', data });
const del = (seq: number, entity: Change['entity'], id: string): Change => ({ seq, entity, id, op: 'delete', data: null });
const mutation = (over: Partial<NewMutation> = {}): NewMutation => ({ mutationId: randomUUID(), name: 'alert.acknowledge', args: { alertId: 'a1' }, createdAt: '2026-01-01T00:00:00Z', actor: 'op1', patches: [], ...over });

describe('applyPage', () => {
  it('upserts and deletes in order, advances the cursor and asOf, and is idempotent', () => {
    const page = [up(1, 'alert', 'a1', alert('a1')), up(2, 'alert', 'a2', alert('a2')), up(3, 'alert', 'a1', alert('a1', { severity: 'critical' })), del(4, 'alert', 'a2')];
    const first = repo.applyPage(page, 4, '2026-01-01T10:00:00+07:00', '2026-01-01T03:00:01Z');
    expect(first).toEqual({ applied: 4, entities: new Set(['alert']) });
    const snapshot = repo.digest();
    expect(repo.get('alert', 'a1')?.data.severity).toBe('critical');
    expect(repo.get('alert', 'a2')).toBeNull();
    expect(repo.meta()).toEqual({ cursor: 4, asOf: '2026-01-01T10:00:00+07:00', lastPullAt: '2026-01-01T03:00:01Z' });

    expect(repo.applyPage(page, 4, '2026-01-01T10:00:05+07:00').applied).toBe(0);
    expect(repo.digest()).toEqual(snapshot);
    expect(repo.cursor()).toBe(4);
  });

  it('applies nothing of a page that fails half-way: rows and cursor stay as before', () => {
    repo.applyPage([up(1, 'alert', 'a1', alert('a1'))], 1, 't1');
    // A real SQLite failure in the middle of the page (as a full disk or I/O error would be).
    db.sqlite.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON cache_rows WHEN NEW.id = 'a3' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    const page = [up(2, 'alert', 'a1', alert('a1', { title: 'changed' })), up(3, 'alert', 'a2', alert('a2')), up(4, 'alert', 'a3', alert('a3'))];
    expect(() => repo.applyPage(page, 4, 't2')).toThrow('disk I/O error');
    expect(repo.get('alert', 'a1')?.data.title).toBe('Mực nước a1');
    expect(repo.get('alert', 'a2')).toBeNull();
    expect(repo.meta()).toMatchObject({ cursor: 1, asOf: 't1' });

    db.sqlite.exec('DROP TRIGGER boom');
    repo.applyPage(page, 4, 't3');
    expect(repo.counts().alert).toBe(3);
    expect(repo.cursor()).toBe(4);
  });

  it('digest() is sha256 over shared digestLines of server truth, never the overlay', () => {
    repo.applyPage([up(1, 'alert', 'b', alert('b')), up(2, 'alert', 'a', alert('a')), up(3, 'agency', 'g1', { id: 'g1', name: 'UBND', kind: 'commune', unitId: null })], 3, 't');
    const expected = createHash('sha256').update(digestLines([{ id: 'a', data: alert('a') }, { id: 'b', data: alert('b') }])).digest('hex');
    const before = repo.digest();
    expect(before.alert).toEqual({ count: 2, sha256: expected });
    expect(before.agency.count).toBe(1);
    expect(before.camera).toEqual({ count: 0, sha256: createHash('sha256').update('').digest('hex') });
    repo.addMutation(mutation({ patches: [{ entity: 'alert', id: 'a', patch: { note: 'x' } }] }));
    expect(repo.digest()).toEqual(before);
    expect(repo.counts()).toMatchObject({ alert: 2, agency: 1, camera: 0 });
  });

  it('applies 5,000 rows in one page quickly (measured)', () => {
    const page = Array.from({ length: 5000 }, (_, i) => up(i + 1, 'water_reading', `w${i}`, { id: `w${i}`, stationId: 's1', at: '2026-01-01T00:00:00+07:00', levelM: i / 100 }));
    const t0 = performance.now();
    repo.applyPage(page, 5000, 't');
    const ms = performance.now() - t0;
    console.log(`[measure] applyPage 5,000 rows: ${ms.toFixed(1)} ms`);
    expect(repo.counts().water_reading).toBe(5000);
    expect(ms).toBeLessThan(2000);
  });
});

describe('overlay and outbox', () => {
  beforeEach(() => {
    repo.applyPage([up(1, 'alert', 'a1', alert('a1')), up(2, 'alert', 'a2', alert('a2'))], 2, 't');
  });

  it('merges pending patches in the order the operator acted and flags the row pending', () => {
    const m1 = repo.addMutation(mutation({ patches: [{ entity: 'alert', id: 'a1', patch: { note: 'first', acknowledgedBy: 'op1' } }] }));
    const m2 = repo.addMutation(mutation({ patches: [{ entity: 'alert', id: 'a1', patch: { note: 'second' } }] }));
    expect(m2.clientSeq).toBe(m1.clientSeq + 1);
    const row = repo.get('alert', 'a1')!;
    expect(row).toMatchObject({ pending: true, pendingMutationIds: [m1.mutationId, m2.mutationId] });
    expect(row.data).toMatchObject({ note: 'second', acknowledgedBy: 'op1', title: 'Mực nước a1' });
    expect(repo.list('alert').map((r) => [r.id, r.pending])).toEqual([['a1', true], ['a2', false]]);
    expect(repo.list('alert', { limit: 1, offset: 1 }).map((r) => r.id)).toEqual(['a2']);

    repo.markApplied(m1.mutationId);
    expect(repo.get('alert', 'a1')).toMatchObject({ pending: true, pendingMutationIds: [m2.mutationId] });
    repo.markApplied(m2.mutationId);
    expect(repo.get('alert', 'a1')).toMatchObject({ pending: false, data: alert('a1') });
    expect(repo.outboxCount()).toBe(0);
  });

  it('keeps client_seq increasing after answered rows are deleted (the server relies on it)', () => {
    const a = repo.addMutation(mutation());
    repo.markApplied(a.mutationId);
    const b = repo.addMutation(mutation());
    expect(b.clientSeq).toBe(a.clientSeq + 1);
  });

  it('hands out batches in client_seq order; inflight rows are resent after a restart', () => {
    const ids = [repo.addMutation(mutation()), repo.addMutation(mutation()), repo.addMutation(mutation())].map((m) => m.mutationId);
    repo.markInflight(ids.slice(0, 2));
    db.close();
    db = openCacheDb(join(dir, 'cache.db'));
    repo = new CacheRepo(db);
    const batch = repo.outboxBatch(2);
    expect(batch.map((b) => [b.mutationId, b.status, b.attempts])).toEqual([[ids[0], 'inflight', 1], [ids[1], 'inflight', 1]]);
    repo.markRetry([ids[0]], 'HTTP 503', 12345);
    expect(repo.outboxBatch(1)[0]).toMatchObject({ status: 'pending', lastError: 'HTTP 503', nextAttemptAt: 12345 });
  });

  it('moves a rejected command to the rejected list with its overlay dropped; requeue and discard', () => {
    const m = repo.addMutation(mutation({ patches: [{ entity: 'alert', id: 'a2', patch: { note: 'x' } }] }));
    expect(repo.overlayEntities(m.mutationId)).toEqual(['alert']);
    repo.markRejected(m.mutationId, 'conflict', 'already acknowledged', 'tR');
    expect(repo.get('alert', 'a2')?.pending).toBe(false);
    expect(repo.outboxCount()).toBe(0);
    expect(repo.listRejected()).toEqual([{ mutationId: m.mutationId, clientSeq: m.clientSeq, name: 'alert.acknowledge', args: { alertId: 'a1' }, createdAt: m.createdAt, actor: 'op1', code: 'conflict', reason: 'already acknowledged', rejectedAt: 'tR' }]);

    const again = repo.requeueRejected(m.mutationId, mutation({ mutationId: randomUUID() }))!;
    expect(again.clientSeq).toBeGreaterThan(m.clientSeq);
    expect(repo.rejectedCount()).toBe(0);
    expect(repo.requeueRejected(m.mutationId, mutation())).toBeNull();

    repo.markRejected(again.mutationId, 'x', 'y', 't');
    expect(repo.discardRejected(again.mutationId)).toBe(true);
    expect(repo.discardRejected(again.mutationId)).toBe(false);
  });

  it('generates the client id once and keeps it', () => {
    const id = repo.clientId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(repo.clientId(() => 'other')).toBe(id);
  });

  it('commits an outbox row durably per call (measured ops/s with synchronous=FULL)', () => {
    const n = 300;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) repo.addMutation(mutation({ patches: [{ entity: 'alert', id: 'a1', patch: { note: String(i) } }] }));
    const s = (performance.now() - t0) / 1000;
    console.log(`[measure] enqueue (outbox + overlay, one fsync'd transaction each): ${Math.round(n / s)} ops/s`);
    expect(repo.outboxCount()).toBe(n);
  });
});
