import type Database from 'better-sqlite3';

/**
 * Brings the feedback side table (`feedback_queue` + `feedback_fts`, migrations 3–4) up to date with
 * the cached feedback_case rows whose ids the cache_rows triggers marked in `feedback_dirty`.
 * Set-based: a few statements per chunk instead of one trigger run per row.
 *
 * Two ways to fold:
 *  - a small backlog (live updates) in chunks of FLUSH_CHUNK, one transaction each, so the main
 *    process is never blocked for more than one chunk;
 *  - a big backlog (an initial pull, a mass update) in ONE transaction with the queue's secondary
 *    indexes dropped and rebuilt. Chunked upserts into a large queue were O(queue) each: the nine
 *    indexes are keyed by status/level/received/unit/agency/SLA, so 5,000 rows in random key order
 *    touch nearly every leaf page of every index, and each chunk's commit rewrote them all (a first
 *    pull of 100k cases spent ~9 s of ~14 s in the fold, growing with every page; bench:queue).
 *    CREATE INDEX sorts once instead. Being one transaction it is atomic: a crash leaves the old
 *    queue with its indexes and the backlog still marked dirty.
 *
 * The queue must be flushed before it is read (FeedbackService does so on every call); between
 * flushes it can only lag behind the cache, never disagree with it.
 */

const BASE_COLS = `json_extract(c.data, '$.status'), json_extract(c.data, '$.level'),
  CAST(round(unixepoch(json_extract(c.data, '$.receivedAt'), 'subsec') * 1000) AS INTEGER),
  json_extract(c.data, '$.unitId'), json_extract(c.data, '$.agencyId'), c.seq,
  json_extract(c.data, '$.category'), json_extract(c.data, '$.location[0]'), json_extract(c.data, '$.location[1]')`;
// The SLA columns (migration 6): 'srv' when the server stored the case's SLA state (sla_due = its
// dueAt, null when paused or done), else the phase from the status (HANDLE_STATUSES in sla-index.ts).
const SLA_COLS = `CASE WHEN json_type(c.data, '$.slaPhase') = 'text' THEN 'srv'
       WHEN json_extract(c.data, '$.status') = 'received' THEN 'accept'
       WHEN json_extract(c.data, '$.status') IN ('triage', 'assigned', 'in_progress', 'scheduled', 'internal_referral') THEN 'handle' ELSE 'done' END,
  CASE WHEN json_type(c.data, '$.slaPhase') = 'text' THEN CAST(round(unixepoch(json_extract(c.data, '$.dueAt'), 'subsec') * 1000) AS INTEGER) END,
  CASE WHEN json_extract(c.data, '$.paused') = 1 THEN 1 ELSE 0 END`;
// FTS5's unicode61 (remove_diacritics 2) folds the marks; đ/Đ is not a decomposable letter.
const TEXT = `replace(replace(
  coalesce(json_extract(c.data, '$.title'), '') || ' ' || coalesce(json_extract(c.data, '$.description'), '') || ' ' ||
  coalesce(json_extract(c.data, '$.address'), '') || ' ' || c.id, 'đ', 'd'), 'Đ', 'D')`;

// `CROSS JOIN` pins json_each as the outer loop: the planner has no statistics for it and would
// otherwise scan cache_rows once per id.
function sql(sla: boolean) {
  return {
    take: `SELECT id FROM feedback_dirty LIMIT ?`,
    dropText: `DELETE FROM feedback_fts WHERE rowid IN (SELECT q.rid FROM json_each(?) d CROSS JOIN feedback_queue q ON q.id = d.value)`,
    upsert: `INSERT INTO feedback_queue (id, status, level, received, unit_id, agency_id, seq, category, lon, lat${sla ? ', sla_src, sla_due, sla_paused' : ''})
    SELECT c.id, ${BASE_COLS}${sla ? `, ${SLA_COLS}` : ''} FROM json_each(?) d CROSS JOIN cache_rows c ON c.entity = 'feedback_case' AND c.id = d.value WHERE 1
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, level = excluded.level, received = excluded.received, unit_id = excluded.unit_id,
      agency_id = excluded.agency_id, seq = excluded.seq, category = excluded.category, lon = excluded.lon, lat = excluded.lat${
        sla ? ', sla_src = excluded.sla_src, sla_due = excluded.sla_due, sla_paused = excluded.sla_paused' : ''
      }`,
    addText: `INSERT INTO feedback_fts (rowid, text) SELECT q.rid, ${TEXT} FROM json_each(?) d CROSS JOIN feedback_queue q ON q.id = d.value
    CROSS JOIN cache_rows c ON c.entity = 'feedback_case' AND c.id = d.value`,
    done: `DELETE FROM feedback_dirty WHERE id IN (SELECT value FROM json_each(?))`,
    any: `SELECT EXISTS (SELECT 1 FROM feedback_dirty)`,
    dirtyCount: `SELECT count(*) FROM feedback_dirty`,
    queueCount: `SELECT count(*) FROM feedback_queue`,
    indexes: `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'feedback_queue' AND sql IS NOT NULL ORDER BY name`,
  } as const;
}

type Stmts = { [K in keyof ReturnType<typeof sql>]: Database.Statement };
const prepared = new WeakMap<Database.Database, Stmts>();

function stmts(db: Database.Database): Stmts {
  let s = prepared.get(db);
  if (!s) {
    // A cache opened below migration 6 (only in migration tests: the app always opens at the latest).
    const hasSla = (db.prepare(`SELECT count(*) FROM pragma_table_info('feedback_queue') WHERE name = 'sla_src'`).pluck().get() as number) > 0;
    s = Object.fromEntries(Object.entries(sql(hasSla)).map(([k, v]) => [k, db.prepare(v)])) as Stmts;
    prepared.set(db, s);
  }
  return s;
}

export const FLUSH_CHUNK = 5000;
/** A backlog at least this big is always folded in bulk (see above). */
export const BULK_MIN = 20_000;

export interface FoldOptions {
  /** Chunk size of the incremental fold. */
  chunk?: number;
  /** Fold in bulk from this backlog on (also when the backlog exceeds a chunk and the queue's size). */
  bulkMin?: number;
}

/** Fold the dirty cases `ids` (one call per transaction). */
function fold(s: Stmts, ids: string[]): void {
  const j = JSON.stringify(ids);
  s.dropText.run(j);
  s.upsert.run(j);
  s.addText.run(j);
  s.done.run(j);
}

/** Fold at most `limit` dirty cases into the queue (one transaction); returns how many. */
export function flushChunk(db: Database.Database, limit = FLUSH_CHUNK): number {
  const s = stmts(db);
  return db.transaction(() => {
    const ids = s.take.pluck().all(limit) as string[];
    if (ids.length) fold(s, ids);
    return ids.length;
  }).immediate();
}

/**
 * Fold every dirty case in one transaction, the queue's secondary indexes dropped first and built
 * again after (the UNIQUE id index stays: the upsert needs it). Returns how many.
 */
export function flushBulk(db: Database.Database): number {
  const s = stmts(db);
  return db.transaction(() => {
    const ids = s.take.pluck().all(-1) as string[];
    if (!ids.length) return 0;
    const indexes = s.indexes.all() as Array<{ name: string; sql: string }>;
    for (const i of indexes) db.exec(`DROP INDEX "${i.name.replace(/"/g, '""')}"`);
    fold(s, ids);
    for (const i of indexes) db.exec(i.sql);
    return ids.length;
  }).immediate();
}

/** Whether the backlog is worth a bulk fold: big, or more than a chunk and at least the queue's size. */
export function wantsBulk(db: Database.Database, opts: FoldOptions = {}): boolean {
  const s = stmts(db);
  const chunk = opts.chunk ?? FLUSH_CHUNK;
  const dirty = s.dirtyCount.pluck().get() as number;
  if (dirty <= chunk) return false;
  return dirty >= (opts.bulkMin ?? BULK_MIN) || dirty >= (s.queueCount.pluck().get() as number);
}

/** One step of a background fold: the whole backlog in bulk when it is big, else one chunk. Returns how many. */
export function flushStep(db: Database.Database, opts: FoldOptions = {}): number {
  return wantsBulk(db, opts) ? flushBulk(db) : flushChunk(db, opts.chunk);
}

/** Fold every dirty case in (before a read). Returns how many. */
export function flushAll(db: Database.Database, opts: FoldOptions = {}): number {
  let n = 0;
  for (let k; (k = flushStep(db, opts)) > 0; ) n += k;
  return n;
}

export function hasDirty(db: Database.Database): boolean {
  return (stmts(db).any.pluck().get() as number) === 1;
}
