import { eq, sql } from 'drizzle-orm';
import type { Entity } from '../../shared/domain/entities';
import type { Database, Executor, Tx } from '../db/client';
import { ENTITY_TABLES, type EntityRow, toEntity, toRow, upsertSet } from '../db/entity-tables';
import { changeLog } from '../db/schema';
import type { ChangeFeed } from './change-feed';

/**
 * Held by every transaction that writes synced rows, taken FIRST (before any row lock, so two writers
 * cannot deadlock on lock order). It makes change_log seq order equal commit order: without it a
 * reader could see seq 11 committed while 10 is still in flight, move its cursor past 10 and never
 * see it.
 */
export const CHANGE_LOG_LOCK = 7_431_001;
export const NOTIFY_CHANNEL = 'ioc_change_log';
const CHUNK = 500; // rows per INSERT: stays far below PostgreSQL's 65,535 bind parameters

export interface WriteContext {
  db: Database;
  feed: ChangeFeed;
}

export interface Writer {
  readonly tx: Tx;
  /** Insert or replace whole rows; appends one change per row; returns the rows as synced. */
  upsert(entity: Entity, rows: Array<Record<string, unknown>>): Promise<EntityRow[]>;
  /** Runs fn in a SAVEPOINT: if it throws, its writes (and their change-log rows) are undone. */
  savepoint<T>(fn: (w: Writer) => Promise<T>): Promise<T>;
  /** Highest seq appended so far in this transaction. */
  readonly lastSeq: number | null;
}

function makeWriter(tx: Tx, state: { lastSeq: number | null }): Writer {
  return {
    tx,
    get lastSeq() {
      return state.lastSeq;
    },
    async upsert(entity, rows) {
      const table = ENTITY_TABLES[entity];
      const out: EntityRow[] = [];
      for (let i = 0; i < rows.length; i += CHUNK) {
        const values = rows.slice(i, i + CHUNK).map((r) => toRow(entity, r));
        const written = (await tx
          .insert(table)
          .values(values as never)
          .onConflictDoUpdate({ target: table.id, set: upsertSet(entity) })
          .returning()) as Record<string, unknown>[];
        const synced = written.map(toEntity);
        const seqs = await tx
          .insert(changeLog)
          .values(synced.map((d) => ({ entity, entityId: d.id, op: 'upsert', data: d })))
          .returning({ seq: changeLog.seq });
        state.lastSeq = Math.max(state.lastSeq ?? 0, ...seqs.map((s) => s.seq));
        out.push(...synced);
      }
      return out;
    },
    async savepoint(fn) {
      const before = state.lastSeq;
      try {
        return await tx.transaction((sp) => fn(makeWriter(sp as Tx, state)));
      } catch (err) {
        state.lastSeq = before;
        throw err;
      }
    },
  };
}

/**
 * The one write path for synced entities (commands, seed, simulator): one transaction, change-log
 * lock first, feed notified after COMMIT (never before: a client pulling early would miss rows).
 */
export async function withWriteTx<T>(ctx: WriteContext, fn: (w: Writer) => Promise<T>): Promise<T> {
  const state = { lastSeq: null as number | null };
  const value = await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${CHANGE_LOG_LOCK})`);
    const v = await fn(makeWriter(tx, state));
    // Delivered at COMMIT to other server instances on the same PostgreSQL (see app.ts).
    if (state.lastSeq !== null && ctx.db.kind === 'pg') await tx.execute(sql`SELECT pg_notify(${NOTIFY_CHANNEL}, ${String(state.lastSeq)})`);
    return v;
  });
  if (state.lastSeq !== null) ctx.feed.publish(state.lastSeq);
  return value;
}

/** Current synced row of one entity, or null. */
export async function readEntity(exec: Executor, entity: Entity, id: string): Promise<EntityRow | null> {
  const table = ENTITY_TABLES[entity];
  const [row] = (await exec.select().from(table).where(eq(table.id, id)).limit(1)) as Record<string, unknown>[];
  return row ? toEntity(row) : null;
}

export async function currentSeq(exec: Executor): Promise<number> {
  const [r] = await exec.select({ seq: sql<string>`coalesce(max(${changeLog.seq}), 0)::text` }).from(changeLog);
  return Number(r.seq);
}
