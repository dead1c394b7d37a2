import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheTooNewError, LATEST_VERSION, MIGRATIONS, type Migration } from './migrations';
import { CacheCorruptError, moveCorruptAside, openCacheDb } from './open';
import * as schema from './schema';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openCacheDb', () => {
  it('creates a fresh cache at the latest version with durable pragmas', () => {
    const db = openCacheDb(join(dir, 'cache.db'));
    expect(db.version).toBe(LATEST_VERSION);
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.sqlite.pragma('temp_store', { simple: true })).toBe(2); // MEMORY: statement journals of trigger-firing upserts
    db.close();
  });

  it('a new cache keeps a ~1.3 KB feedback row in its leaf page (a 4 KiB cache, kept as it is, spills each into an overflow page)', () => {
    const row = JSON.stringify({ id: 'c', title: 'Sạt lở taluy dương lấp nửa mặt đường'.repeat(8), description: 'Người dân phản ánh tình trạng kéo dài, đề nghị cơ quan chức năng kiểm tra xử lý.'.repeat(8) });
    expect(Buffer.byteLength(row)).toBeGreaterThan(1200);
    const fill = (db: ReturnType<typeof openCacheDb>) => {
      const put = db.sqlite.prepare(`INSERT INTO cache_rows (entity, id, data, seq) VALUES ('feedback_case', ?, ?, ?)`);
      db.sqlite.transaction(() => {
        for (let i = 0; i < 200; i++) put.run(`c${i}`, row, i + 1);
      })();
      return db.sqlite.prepare(`SELECT count(*) FROM dbstat WHERE name = 'cache_rows' AND pagetype = 'overflow'`).pluck().get() as number;
    };
    const db = openCacheDb(join(dir, 'cache.db'));
    expect(db.sqlite.pragma('page_size', { simple: true })).toBe(8192);
    expect(fill(db)).toBe(0);
    db.close();

    // A cache created before (4 KiB pages) opens unchanged, and shows what the bigger page avoids.
    const oldFile = join(dir, 'old.db');
    const old = new Database(oldFile);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.close();
    const reopened = openCacheDb(oldFile);
    expect(reopened.sqlite.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.version).toBe(LATEST_VERSION);
    expect(fill(reopened)).toBe(200);
    reopened.close();
  });

  it('matches the drizzle schema column for column (migrations and schema.ts cannot drift)', () => {
    const db = openCacheDb(join(dir, 'cache.db'));
    for (const table of [schema.cacheRows, schema.syncState, schema.outbox, schema.optimistic, schema.rejected, schema.session, schema.feedbackQueue, schema.kpiValues, schema.kpiDossiers]) {
      const cfg = getTableConfig(table);
      const info = db.sqlite.prepare(`PRAGMA table_info(${cfg.name})`).all() as Array<{ name: string; notnull: number; pk: number }>;
      const pkCols = new Set(cfg.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)));
      expect(info.map((c) => c.name).sort(), cfg.name).toEqual(cfg.columns.map((c) => c.name).sort());
      for (const col of cfg.columns) {
        const real = info.find((c) => c.name === col.name)!;
        expect(real.notnull === 1 || real.pk > 0, `${cfg.name}.${col.name} not null`).toBe(col.notNull || col.primary || pkCols.has(col.name));
      }
      const indexes = (db.sqlite.prepare(`PRAGMA index_list(${cfg.name})`).all() as Array<{ name: string; origin: string }>).filter((i) => i.origin === 'c');
      expect(indexes.map((i) => i.name).sort(), `${cfg.name} indexes`).toEqual(cfg.indexes.map((i) => i.config.name).sort());
    }
    db.close();
  });

  it('refuses a cache written by a newer app, with a clear error, and leaves it untouched', () => {
    const file = join(dir, 'cache.db');
    openCacheDb(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openCacheDb(file)).toThrow(CacheTooNewError);
    expect(() => openCacheDb(file)).toThrow(new RegExp(`schema version 99, newer than this app knows \\(${LATEST_VERSION}\\)`));
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(99);
    again.close();
  });

  it('reports a file that is not SQLite as CacheCorruptError naming the file; it can be moved aside', () => {
    const file = join(dir, 'cache.db');
    writeFileSync(file, 'this is not a database, it is a note about a flood on the Trà Bồng river'.repeat(100));
    let err: unknown;
    try {
      openCacheDb(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CacheCorruptError);
    expect((err as CacheCorruptError).file).toBe(file);
    expect((err as Error).message).toContain(file);
    const aside = moveCorruptAside(file, new Date('2026-01-02T03:04:05Z'));
    expect(aside).toBe(`${file}.corrupt-2026-01-02T03-04-05-000Z`);
    const fresh = openCacheDb(file);
    expect(fresh.version).toBe(LATEST_VERSION);
    fresh.close();
  });

  it('rolls a failing migration back completely: version and schema stay at N-1', () => {
    const file = join(dir, 'cache.db');
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: LATEST_VERSION + 1,
        name: 'half-done',
        up: (db) => {
          db.exec('CREATE TABLE half (x)');
          throw new Error('power cut in the middle');
        },
      },
    ];
    expect(() => openCacheDb(file, { migrations: broken })).toThrow('power cut');
    const db = openCacheDb(file);
    expect(db.version).toBe(LATEST_VERSION);
    expect(db.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('migrations N-1 → N', () => {
  it('1: base schema on an empty file', () => {
    const db = openCacheDb(join(dir, 'cache.db'), { targetVersion: 1 });
    expect(db.version).toBe(1);
    const tables = (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(['cache_rows', 'optimistic', 'outbox', 'rejected', 'session', 'sync_state']);
    db.close();
  });

  it('2: keeps cache rows, outbox, overlay and rejected rows; rejected rows get actor ""; overlay is indexed by row', () => {
    const file = join(dir, 'cache.db');
    const v1 = openCacheDb(file, { targetVersion: 1 });
    v1.sqlite.exec(`
      INSERT INTO cache_rows VALUES ('alert', 'a1', '{"id":"a1","title":"Lũ"}', 7);
      INSERT INTO sync_state VALUES ('cursor', '7');
      INSERT INTO outbox (mutation_id, client_seq, name, args, created_at, actor) VALUES ('m1', 1, 'alert.acknowledge', '{"alertId":"a1"}', '2026-01-01T00:00:00Z', 'op1');
      INSERT INTO optimistic VALUES ('m1', 'alert', 'a1', '{"acknowledgedBy":"op1"}');
      INSERT INTO rejected VALUES ('m0', 0, 'case.assign', '{"caseId":"c1","agencyId":"x"}', '2026-01-01T00:00:00Z', 'not_found', 'no such case', '2026-01-01T00:00:01Z');
    `);
    v1.close();

    const v2 = openCacheDb(file, { targetVersion: 2 });
    expect(v2.version).toBe(2);
    expect(v2.sqlite.prepare('SELECT * FROM cache_rows').all()).toEqual([{ entity: 'alert', id: 'a1', data: '{"id":"a1","title":"Lũ"}', seq: 7 }]);
    expect(v2.sqlite.prepare('SELECT mutation_id, status, attempts FROM outbox').all()).toEqual([{ mutation_id: 'm1', status: 'pending', attempts: 0 }]);
    expect(v2.sqlite.prepare('SELECT mutation_id, actor, code FROM rejected').all()).toEqual([{ mutation_id: 'm0', actor: '', code: 'not_found' }]);
    const plan = v2.sqlite.prepare("EXPLAIN QUERY PLAN SELECT * FROM optimistic WHERE entity = 'alert' AND id = 'a1'").all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join()).toContain('optimistic_row');
    // the cascade from migration 1 still holds
    v2.sqlite.exec("DELETE FROM outbox WHERE mutation_id = 'm1'");
    expect(v2.sqlite.prepare('SELECT count(*) AS n FROM optimistic').get()).toEqual({ n: 0 });
    v2.close();
  });

  it('3: builds the feedback queue from cached cases, keeps it in step through triggers, searches without diacritics', () => {
    const file = join(dir, 'cache.db');
    const v2 = openCacheDb(file, { targetVersion: 2 });
    const fc = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ id, title: 'Mặt đường hư hỏng', description: 'Ổ gà lớn', address: 'Thôn 2, xã Trà Đốc', category: 'road_damage', status: 'received', level: 'urgent', unitId: 'vn-2025:20920', agencyId: null, location: null, receivedAt: '2026-03-02T08:00:00+07:00', updatedAt: '2026-03-02T08:00:00+07:00', ...extra });
    v2.sqlite.prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?)').run('feedback_case', 'fc-1', fc('fc-1'), 5);
    v2.sqlite.prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?)').run('feedback_case', 'fc-2', fc('fc-2', { title: 'Đèn đường không sáng', status: 'assigned', agencyId: 'ag-1', receivedAt: '2026-03-01T01:00:00Z' }), 6);
    v2.sqlite.prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?)').run('alert', 'a1', '{"id":"a1"}', 7);
    v2.sqlite.prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?)').run('case_event', 'e1', '{"id":"e1","caseId":"fc-1","at":"2026-03-02T08:00:00+07:00"}', 8);
    v2.close();

    const v3 = openCacheDb(file, { targetVersion: 3 });
    expect(v3.version).toBe(3);
    const queue = () => v3.sqlite.prepare('SELECT id, status, level, received, unit_id, agency_id, seq FROM feedback_queue ORDER BY id').all();
    // backfilled; receivedAt as epoch ms whatever its offset
    expect(queue()).toEqual([
      { id: 'fc-1', status: 'received', level: 'urgent', received: Date.parse('2026-03-02T01:00:00Z'), unit_id: 'vn-2025:20920', agency_id: null, seq: 5 },
      { id: 'fc-2', status: 'assigned', level: 'urgent', received: Date.parse('2026-03-01T01:00:00Z'), unit_id: 'vn-2025:20920', agency_id: 'ag-1', seq: 6 },
    ]);
    const search = (q: string) => v3.sqlite.prepare('SELECT q.id FROM feedback_fts f JOIN feedback_queue q ON q.rid = f.rowid WHERE feedback_fts MATCH ? ORDER BY q.id').pluck().all(q);
    expect(search('"duong"* "hu"*')).toEqual(['fc-1']);
    expect(search('"duong"*')).toEqual(['fc-1', 'fc-2']);
    expect(search('"tra"* "doc"*')).toEqual(['fc-1', 'fc-2']);
    expect(search('"den"*')).toEqual(['fc-2']);

    // later writes through the ordinary upsert/delete keep queue and search in step
    v3.sqlite
      .prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?) ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, seq = excluded.seq')
      .run('feedback_case', 'fc-1', fc('fc-1', { title: 'Sạt lở taluy', description: '', status: 'assigned' }), 9);
    v3.sqlite.prepare("DELETE FROM cache_rows WHERE entity = 'feedback_case' AND id = 'fc-2'").run();
    expect(queue()).toEqual([{ id: 'fc-1', status: 'assigned', level: 'urgent', received: Date.parse('2026-03-02T01:00:00Z'), unit_id: 'vn-2025:20920', agency_id: null, seq: 9 }]);
    expect(search('"duong"*')).toEqual([]);
    expect(search('"sat"* "lo"*')).toEqual(['fc-1']);
    expect(v3.sqlite.prepare('SELECT count(*) FROM feedback_fts').pluck().get()).toBe(1);
    // other entities untouched; case history indexed by case
    expect(v3.sqlite.prepare('SELECT count(*) FROM cache_rows').pluck().get()).toBe(3);
    const plan = v3.sqlite.prepare("EXPLAIN QUERY PLAN SELECT data FROM cache_rows INDEXED BY ce_case WHERE entity = 'case_event' AND json_extract(data, '$.caseId') = 'fc-1'").all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join()).toContain('ce_case');
    v3.close();
  });

  it('4: backfills category/location, marks writes dirty instead of indexing per row, flushes in step', async () => {
    const { flushAll, flushChunk } = await import('../services/feedback/queue-index');
    const file = join(dir, 'cache.db');
    const v3 = openCacheDb(file, { targetVersion: 3 });
    const fc = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ id, title: 'Mặt đường hư hỏng', description: 'Ổ gà lớn', address: 'Thôn 2', category: 'road_damage', status: 'received', level: 'urgent', unitId: 'u1', agencyId: null, location: [108.21, 15.33], receivedAt: '2026-03-02T08:00:00+07:00', updatedAt: '2026-03-02T08:00:00+07:00', ...extra });
    const put = (db: typeof v3, id: string, data: string, seq: number) =>
      db.sqlite.prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?) ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, seq = excluded.seq').run('feedback_case', id, data, seq);
    put(v3, 'fc-1', fc('fc-1'), 1);
    v3.close();

    const v4 = openCacheDb(file, { targetVersion: 4 });
    expect(v4.version).toBe(4);
    const row = (id: string) => v4.sqlite.prepare('SELECT status, category, lon, lat FROM feedback_queue WHERE id = ?').get(id);
    expect(row('fc-1')).toEqual({ status: 'received', category: 'road_damage', lon: 108.21, lat: 15.33 });
    const search = (q: string) => v4.sqlite.prepare('SELECT q.id FROM feedback_fts f JOIN feedback_queue q ON q.rid = f.rowid WHERE feedback_fts MATCH ? ORDER BY q.id').pluck().all(q);

    // a write only marks the id; the queue follows on flush (update: old words leave the index)
    put(v4, 'fc-2', fc('fc-2', { title: 'Đèn đường không sáng', category: 'street_lighting', location: null }), 2);
    put(v4, 'fc-1', fc('fc-1', { title: 'Sạt lở taluy', status: 'received' }), 3);
    // the same id written again before a flush (an UPSERT updating a dirty row) stays one mark
    put(v4, 'fc-1', fc('fc-1', { title: 'Sạt lở taluy', description: '', status: 'triage' }), 3);
    v4.sqlite.transaction(() => {
      const up = v4.sqlite.prepare(
        'INSERT INTO cache_rows (entity, id, data, seq) VALUES (?, ?, ?, ?) ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, seq = excluded.seq WHERE excluded.seq >= cache_rows.seq',
      );
      up.run('feedback_case', 'fc-1', fc('fc-1', { title: 'Sạt lở taluy', description: '', status: 'triage' }), 3);
      up.run('feedback_case', 'fc-1', fc('fc-1', { title: 'Sạt lở taluy', description: '', status: 'triage' }), 3);
    })();
    expect(v4.sqlite.prepare('SELECT id FROM feedback_dirty ORDER BY id').pluck().all()).toEqual(['fc-1', 'fc-2']);
    expect(row('fc-2')).toBeUndefined();
    expect(flushChunk(v4.sqlite, 1)).toBe(1); // chunks: one at a time
    expect(flushAll(v4.sqlite)).toBe(1);
    expect(row('fc-1')).toEqual({ status: 'triage', category: 'road_damage', lon: 108.21, lat: 15.33 });
    expect(row('fc-2')).toEqual({ status: 'received', category: 'street_lighting', lon: null, lat: null });
    expect(search('"duong"*')).toEqual(['fc-2']);
    expect(search('"sat"* "lo"*')).toEqual(['fc-1']);
    expect(v4.sqlite.prepare('SELECT count(*) FROM feedback_fts').pluck().get()).toBe(2);

    // a delete is immediate, also for a row still dirty
    put(v4, 'fc-2', fc('fc-2', { title: 'Rác' }), 4);
    v4.sqlite.prepare("DELETE FROM cache_rows WHERE entity = 'feedback_case' AND id = 'fc-2'").run();
    expect(v4.sqlite.prepare('SELECT count(*) FROM feedback_dirty').pluck().get()).toBe(0);
    expect(row('fc-2')).toBeUndefined();
    expect(v4.sqlite.prepare('SELECT count(*) FROM feedback_fts').pluck().get()).toBe(1);
    // other entities are not marked
    v4.sqlite.prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?)').run('alert', 'a1', '{"id":"a1"}', 5);
    expect(v4.sqlite.prepare('SELECT count(*) FROM feedback_dirty').pluck().get()).toBe(0);
    v4.close();
  });
  it('6: backfills the SLA clock columns (server state or status phase) and keeps them on flush', async () => {
    const { flushAll } = await import('../services/feedback/queue-index');
    const file = join(dir, 'cache.db');
    // At version 3 the triggers fill feedback_queue directly (the rows the backfill updates).
    const v5 = openCacheDb(file, { targetVersion: 3 });
    const fc = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ id, title: 'Đèn hỏng', description: '', address: null, category: 'street_lighting', status: 'assigned', level: 'normal', unitId: 'u1', agencyId: null, location: null, receivedAt: '2026-03-02T08:00:00+07:00', updatedAt: '2026-03-02T08:00:00+07:00', ...extra });
    const put = (db: typeof v5, id: string, data: string, seq: number) =>
      db.sqlite.prepare('INSERT INTO cache_rows VALUES (?, ?, ?, ?) ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, seq = excluded.seq').run('feedback_case', id, data, seq);
    put(v5, 'old', fc('old'), 1);
    put(v5, 'srv', fc('srv', { slaPhase: 'handle', dueAt: '2026-03-05T10:00:00+07:00', paused: false }), 2);
    put(v5, 'psd', fc('psd', { slaPhase: 'handle', dueAt: null, paused: true, pauseReason: 'chờ thời tiết' }), 3);
    v5.close();

    const v6 = openCacheDb(file, { targetVersion: 6 });
    expect(v6.version).toBe(6);
    const sla = () => v6.sqlite.prepare('SELECT id, sla_src, sla_due, sla_paused FROM feedback_queue ORDER BY id').all();
    expect(sla()).toEqual([
      { id: 'old', sla_src: 'handle', sla_due: null, sla_paused: 0 },
      { id: 'psd', sla_src: 'srv', sla_due: null, sla_paused: 1 },
      { id: 'srv', sla_src: 'srv', sla_due: Date.parse('2026-03-05T03:00:00Z'), sla_paused: 0 },
    ]);
    // the server resumes the paused case: the batched index picks the new due up
    put(v6, 'psd', fc('psd', { slaPhase: 'handle', dueAt: '2026-03-06T08:00:00+07:00', paused: false }), 4);
    put(v6, 'old', fc('old', { status: 'resolved' }), 5);
    flushAll(v6.sqlite);
    expect(sla()).toEqual([
      { id: 'old', sla_src: 'done', sla_due: null, sla_paused: 0 },
      { id: 'psd', sla_src: 'srv', sla_due: Date.parse('2026-03-06T01:00:00Z'), sla_paused: 0 },
      { id: 'srv', sla_src: 'srv', sla_due: Date.parse('2026-03-05T03:00:00Z'), sla_paused: 0 },
    ]);
    v6.close();
  });
});
