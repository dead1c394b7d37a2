import { createHash, randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { ENTITIES, type Entity } from '../../shared/domain/entities';
import { digestLines } from '../../shared/sync/canonical';
import type { CommandName, OptimisticPatch } from '../../shared/sync/commands';
import type { Change, MutationResult } from '../../shared/sync/protocol';
import type { CacheDb } from './open';
import { cacheRows, optimistic, outbox, rejected, syncState } from './schema';

export interface CachedRow {
  entity: Entity;
  id: string;
  /** Change-log seq of the server row. */
  seq: number;
  /** Server truth with pending optimistic patches applied on top (in the order the operator acted). */
  data: Record<string, unknown>;
  /** True while at least one unanswered command changes this row. */
  pending: boolean;
  pendingMutationIds: string[];
}

export interface NewMutation {
  mutationId: string;
  name: CommandName;
  args: unknown;
  createdAt: string;
  actor: string;
  patches: OptimisticPatch[];
}

export interface OutboxItem {
  mutationId: string;
  clientSeq: number;
  name: CommandName;
  args: unknown;
  createdAt: string;
  actor: string;
  status: 'pending' | 'inflight';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
}

export interface RejectedItem {
  mutationId: string;
  clientSeq: number;
  name: CommandName;
  args: unknown;
  createdAt: string;
  actor: string;
  code: string;
  reason: string;
  rejectedAt: string;
}

export interface SyncMeta {
  cursor: number;
  /** Server time of the last successful pull: what "as of" on the wall means. */
  asOf: string | null;
  /** Local time of the last successful pull. */
  lastPullAt: string | null;
}

export interface PushOutcome {
  applied: string[];
  rejected: string[];
  retry: string[];
  /** Entities whose overlay changed (views refresh them). */
  entities: Set<Entity>;
}

export type CacheDigest = Record<Entity, { count: number; sha256: string }>;

const KEY = { cursor: 'cursor', asOf: 'asOf', lastPullAt: 'lastPullAt', clientId: 'clientId', clientSeq: 'clientSeq' } as const;

/**
 * Every read and write of the local cache. All methods are synchronous (better-sqlite3): a method
 * that returns has committed, and with synchronous=FULL that commit is on disk.
 */
export class CacheRepo {
  private readonly orm: CacheDb['orm'];
  private readonly sqlite: CacheDb['sqlite'];

  // Prepared once: applyPage runs them thousands of times per page.
  private readonly upsertRow;
  private readonly deleteRow;
  private readonly overlayEntitiesOf;
  private readonly deleteOutboxRow;

  constructor(db: CacheDb) {
    this.orm = db.orm;
    this.sqlite = db.sqlite;
    this.upsertRow = this.orm
      .insert(cacheRows)
      .values({ entity: sql.placeholder('entity'), id: sql.placeholder('id'), data: sql.placeholder('data'), seq: sql.placeholder('seq') })
      // A replayed older change must never overwrite a newer row.
      .onConflictDoUpdate({ target: [cacheRows.entity, cacheRows.id], set: { data: sql`excluded.data`, seq: sql`excluded.seq` }, setWhere: sql`excluded.seq >= ${cacheRows.seq}` })
      .prepare();
    this.deleteRow = this.orm
      .delete(cacheRows)
      .where(and(eq(cacheRows.entity, sql.placeholder('entity')), eq(cacheRows.id, sql.placeholder('id'))))
      .prepare();
    // settle() runs these once per answered command (500 per push batch).
    this.overlayEntitiesOf = this.orm.selectDistinct({ entity: optimistic.entity }).from(optimistic).where(eq(optimistic.mutationId, sql.placeholder('id'))).prepare();
    this.deleteOutboxRow = this.orm.delete(outbox).where(eq(outbox.mutationId, sql.placeholder('id'))).prepare();
  }

  // ---- server truth -------------------------------------------------------------------------

  /**
   * Apply one pull page and advance the cursor, all or nothing. Changes at or below the stored
   * cursor were applied before and are skipped, so applying a page twice changes nothing.
   */
  applyPage(changes: readonly Change[], cursor: number, serverTime: string, pulledAt: string = new Date().toISOString()): { applied: number; entities: Set<Entity> } {
    return this.sqlite.transaction(() => {
      const since = this.cursor();
      const entities = new Set<Entity>();
      let applied = 0;
      for (const c of changes) {
        if (c.seq <= since) continue;
        if (c.op === 'delete' || c.data === null) this.deleteRow.run({ entity: c.entity, id: c.id });
        else this.upsertRow.run({ entity: c.entity, id: c.id, data: JSON.stringify(c.data), seq: c.seq });
        entities.add(c.entity);
        applied++;
      }
      this.setState(KEY.cursor, String(Math.max(since, cursor)));
      this.setState(KEY.asOf, serverTime);
      this.setState(KEY.lastPullAt, pulledAt);
      return { applied, entities };
    }).immediate();
  }

  get(entity: Entity, id: string): CachedRow | null {
    const row = this.orm.select().from(cacheRows).where(and(eq(cacheRows.entity, entity), eq(cacheRows.id, id))).get();
    return row ? this.withOverlay(entity, [row])[0] : null;
  }

  /** Rows of one entity in id order, with the overlay. */
  list(entity: Entity, page: { limit?: number; offset?: number } = {}): CachedRow[] {
    const rows = this.orm
      .select()
      .from(cacheRows)
      .where(eq(cacheRows.entity, entity))
      .orderBy(asc(cacheRows.id))
      .limit(page.limit ?? 1000)
      .offset(page.offset ?? 0)
      .all();
    return this.withOverlay(entity, rows);
  }

  counts(): Record<Entity, number> {
    const out = Object.fromEntries(ENTITIES.map((e) => [e, 0])) as Record<Entity, number>;
    for (const r of this.orm.select({ entity: cacheRows.entity, n: count() }).from(cacheRows).groupBy(cacheRows.entity).all()) {
      if (r.entity in out) out[r.entity as Entity] = r.n;
    }
    return out;
  }

  /** Per-entity sha256 over server truth (no overlay), comparable with the server's digest. */
  digest(): CacheDigest {
    const out = {} as CacheDigest;
    for (const entity of ENTITIES) {
      const rows = this.orm.select({ id: cacheRows.id, data: cacheRows.data }).from(cacheRows).where(eq(cacheRows.entity, entity)).all();
      const lines = digestLines(rows.map((r) => ({ id: r.id, data: JSON.parse(r.data) })));
      out[entity] = { count: rows.length, sha256: createHash('sha256').update(lines, 'utf8').digest('hex') };
    }
    return out;
  }

  // ---- sync state ---------------------------------------------------------------------------

  cursor(): number {
    return Number(this.getState(KEY.cursor) ?? 0);
  }

  meta(): SyncMeta {
    return { cursor: this.cursor(), asOf: this.getState(KEY.asOf), lastPullAt: this.getState(KEY.lastPullAt) };
  }

  /** This install's id towards the server, generated once and kept (the server dedups by it). */
  clientId(generate: () => string = randomUUID): string {
    return this.sqlite.transaction(() => {
      const existing = this.getState(KEY.clientId);
      if (existing) return existing;
      const id = generate();
      this.setState(KEY.clientId, id);
      return id;
    }).immediate();
  }

  // ---- outbox -------------------------------------------------------------------------------

  /** Queue a command and its overlay in one transaction; returns the committed row. */
  addMutation(m: NewMutation): OutboxItem {
    return this.sqlite.transaction(() => this.insertMutation(m)).immediate();
  }

  /** The oldest unanswered commands, pending and inflight alike (inflight = answer lost: resend, same id). */
  outboxBatch(limit: number): OutboxItem[] {
    return this.orm.select().from(outbox).orderBy(asc(outbox.clientSeq)).limit(limit).all().map(toOutboxItem);
  }

  outboxCount(): number {
    return this.orm.select({ n: count() }).from(outbox).get()?.n ?? 0;
  }

  markInflight(ids: readonly string[]): void {
    if (ids.length) this.orm.update(outbox).set({ status: 'inflight', attempts: sql`${outbox.attempts} + 1` }).where(inArray(outbox.mutationId, [...ids])).run();
  }

  /** Back to pending with the error kept for the operator ("why is this still queued?"). */
  markRetry(ids: readonly string[], error: string, nextAttemptAt: number): void {
    if (ids.length) this.orm.update(outbox).set({ status: 'pending', lastError: error, nextAttemptAt }).where(inArray(outbox.mutationId, [...ids])).run();
  }

  /** Entities whose overlay this command touches (to tell views what to refresh). */
  overlayEntities(mutationId: string): Entity[] {
    return this.overlayEntitiesOf.all({ id: mutationId }).map((r) => r.entity as Entity);
  }

  /** The server applied it: the command and its overlay go (the row itself arrives by pull). */
  markApplied(mutationId: string): void {
    // optimistic rows go with it (ON DELETE CASCADE).
    this.deleteOutboxRow.run({ id: mutationId });
  }

  markRejected(mutationId: string, code: string, reason: string, rejectedAt: string): void {
    this.sqlite.transaction(() => {
      const row = this.orm.select().from(outbox).where(eq(outbox.mutationId, mutationId)).get();
      if (!row) return;
      this.orm
        .insert(rejected)
        .values({ mutationId, clientSeq: row.clientSeq, name: row.name, args: row.args, createdAt: row.createdAt, actor: row.actor, code, reason, rejectedAt })
        .onConflictDoNothing()
        .run();
      this.orm.delete(outbox).where(eq(outbox.mutationId, mutationId)).run();
    }).immediate();
  }

  /**
   * Record the server's answers to one push in a single transaction (one fsync, not one per
   * mutation). A batch member with no answer is treated as retry.
   */
  settle(batchIds: readonly string[], results: readonly MutationResult[], at: string, nextAttemptAt: number): PushOutcome {
    return this.sqlite.transaction(() => {
      const byId = new Map(results.map((r) => [r.id, r]));
      const out: PushOutcome = { applied: [], rejected: [], retry: [], entities: new Set() };
      for (const id of batchIds) {
        const r = byId.get(id);
        if (r?.status === 'applied' || r?.status === 'rejected') for (const e of this.overlayEntities(id)) out.entities.add(e);
        if (r?.status === 'applied') {
          this.markApplied(id);
          out.applied.push(id);
        } else if (r?.status === 'rejected') {
          this.markRejected(id, r.code, r.reason, at);
          out.rejected.push(id);
        } else {
          out.retry.push(id);
        }
      }
      if (out.retry.length) {
        const reason = results.find((r) => r.status === 'retry')?.reason ?? 'no answer from the server';
        this.markRetry(out.retry, reason, nextAttemptAt);
      }
      return out;
    }).immediate();
  }

  // ---- rejected -----------------------------------------------------------------------------

  listRejected(): RejectedItem[] {
    return this.orm.select().from(rejected).orderBy(asc(rejected.clientSeq)).all().map((r) => ({ ...r, name: r.name as CommandName, args: JSON.parse(r.args) }));
  }

  getRejected(mutationId: string): RejectedItem | null {
    return this.listRejected().find((r) => r.mutationId === mutationId) ?? null;
  }

  rejectedCount(): number {
    return this.orm.select({ n: count() }).from(rejected).get()?.n ?? 0;
  }

  /** Replace a rejected command by a new one (new id, new client_seq), atomically. */
  requeueRejected(oldId: string, m: NewMutation): OutboxItem | null {
    return this.sqlite.transaction(() => {
      const gone = this.orm.delete(rejected).where(eq(rejected.mutationId, oldId)).run();
      return gone.changes ? this.insertMutation(m) : null;
    }).immediate();
  }

  discardRejected(mutationId: string): boolean {
    return this.orm.delete(rejected).where(eq(rejected.mutationId, mutationId)).run().changes > 0;
  }

  // ---- internals ----------------------------------------------------------------------------

  private insertMutation(m: NewMutation): OutboxItem {
    // client_seq comes from a counter, not max(outbox): answered rows are deleted, and the
    // server expects the sequence to keep increasing for this client forever.
    const clientSeq = Number(this.getState(KEY.clientSeq) ?? 0) + 1;
    this.setState(KEY.clientSeq, String(clientSeq));
    const row = { mutationId: m.mutationId, clientSeq, name: m.name, args: JSON.stringify(m.args ?? null), createdAt: m.createdAt, actor: m.actor };
    this.orm.insert(outbox).values(row).run();
    for (const p of m.patches) {
      this.orm.insert(optimistic).values({ mutationId: m.mutationId, entity: p.entity, id: p.id, patch: JSON.stringify(p.patch) }).run();
    }
    return toOutboxItem({ ...row, status: 'pending', attempts: 0, lastError: null, nextAttemptAt: null });
  }

  private withOverlay(entity: Entity, rows: Array<typeof cacheRows.$inferSelect>): CachedRow[] {
    if (!rows.length) return [];
    const patches = this.orm
      .select({ id: optimistic.id, mutationId: optimistic.mutationId, patch: optimistic.patch })
      .from(optimistic)
      .innerJoin(outbox, eq(outbox.mutationId, optimistic.mutationId))
      .where(and(eq(optimistic.entity, entity), inArray(optimistic.id, rows.map((r) => r.id))))
      .orderBy(asc(outbox.clientSeq))
      .all();
    return rows.map((r) => {
      const mine = patches.filter((p) => p.id === r.id);
      const data = Object.assign(JSON.parse(r.data) as Record<string, unknown>, ...mine.map((p) => JSON.parse(p.patch) as object));
      return { entity, id: r.id, seq: r.seq, data, pending: mine.length > 0, pendingMutationIds: mine.map((p) => p.mutationId) };
    });
  }

  private getState(key: string): string | null {
    return this.orm.select({ value: syncState.value }).from(syncState).where(eq(syncState.key, key)).get()?.value ?? null;
  }

  private setState(key: string, value: string): void {
    this.orm.insert(syncState).values({ key, value }).onConflictDoUpdate({ target: syncState.key, set: { value } }).run();
  }
}

function toOutboxItem(r: typeof outbox.$inferSelect): OutboxItem {
  return { ...r, name: r.name as CommandName, args: JSON.parse(r.args), status: r.status as OutboxItem['status'] };
}
