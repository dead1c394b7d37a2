import { eq, inArray, sql } from 'drizzle-orm';
import type { Entity } from '../../shared/domain/entities';
import type { Database, Executor, Tx } from '../db/client';
import { insertRows } from '../db/insert-rows';
import { ENTITY_TABLES, type EntityRow, storedForm, toEntity, toRow, upsertSet } from '../db/entity-tables';
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

export interface WriteOptions {
  /**
   * Defer entity writes (a push batch): upsert() writes nothing yet when it can tell exactly what
   * the database will store (storedForm: every column given, plain types); flush() writes the
   * batch's rows in multi-row INSERTs (the last version of each row), and a step opens its
   * savepoint only when it sends a statement. Code on such a writer reads and writes synced rows
   * through read()/prefetch()/upsert() only: `tx` refuses while deferred rows are unwritten.
   */
  deferWrites?: boolean;
}

export interface Writer {
  /** The transaction, for tables outside the synced entities (see WriteOptions.deferWrites). */
  readonly tx: Tx;
  /**
   * Insert or replace whole rows; appends one change per row; returns the rows as synced. The
   * change-log rows are buffered and written in multi-row INSERTs by flush() (withWriteTx flushes
   * before COMMIT), in the order they were appended: one round trip for many commands.
   */
  upsert(entity: Entity, rows: Array<Record<string, unknown>>): Promise<EntityRow[]>;
  /** Runs fn in a SAVEPOINT: if it throws, its writes (and their change-log rows) are undone. */
  savepoint<T>(fn: (w: Writer) => Promise<T>): Promise<T>;
  /**
   * One step of a loop of independent steps (one command of a push batch): like savepoint(), but the
   * steps of a transaction reuse one savepoint name, released when the next step starts in the same
   * round trip (RELEASE + SAVEPOINT), so a step costs one statement instead of two. Steps don't nest.
   */
  step<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Current synced row (or null), like readEntity(), but a row this transaction already read or wrote
   * comes from memory: every writer of synced rows holds the change-log lock until COMMIT, so no one
   * else can have changed it meanwhile. A rolled-back step or savepoint forgets everything.
   */
  read(entity: Entity, id: string): Promise<EntityRow | null>;
  /** Reads these rows into read()'s memory in one query (those not there yet). */
  prefetch(entity: Entity, ids: readonly string[]): Promise<void>;
  /** Number of change-log rows appended so far in this transaction (written or buffered). */
  readonly changes: number;
  /** Write the deferred entity rows and the buffered change-log rows. */
  flush(): Promise<void>;
  /** Seq of the n-th change (0-based) appended in this transaction; only after flush(). */
  seqOf(n: number): number;
  /** Highest seq written so far in this transaction (buffered rows count after flush()). */
  readonly lastSeq: number | null;
}

interface LogEntry {
  row: { entity: Entity; entityId: string; op: 'upsert' | 'delete'; data: EntityRow | null };
  seq: number | null;
}

interface WriterState {
  entries: LogEntry[];
  /** entries[0..flushed) have their seq. */
  flushed: number;
  /** The step savepoint exists (kept after the last step: COMMIT releases it). */
  stepSavepoint: boolean;
  inStep: boolean;
  /** Rows read or written in this transaction, by entity + id (see Writer.read). */
  rows: Map<string, EntityRow | null>;
  defer: boolean;
  /** Deferred entity rows (insert values), in write order; pending[0..written) are in the database. */
  pending: Array<{ entity: Entity; values: Record<string, unknown> }>;
  written: number;
  /** The current step (deferWrites): its savepoint is open, where it began, what it changed in `rows`. */
  step: { open: boolean; entries: number; pending: number; undo: Map<string, EntityRow | null | undefined> } | null;
}

const STEP = 'ioc_step';

/**
 * Control statements (savepoints) in one round trip where the driver allows several statements per
 * call (simple query protocol: PGlite exec, node-postgres query without parameters); otherwise one
 * by one through drizzle. Drizzle's query path costs several times a raw exec on PGlite.
 */
async function control(tx: Tx, statements: string[]): Promise<void> {
  const client = (tx as unknown as { session?: { client?: { exec?: unknown; query?: unknown } } }).session?.client;
  if (client && typeof client.exec === 'function') {
    await (client.exec as (q: string) => Promise<unknown>).call(client, statements.join('; '));
  } else if (client && typeof client.query === 'function' && !('exec' in client)) {
    await (client.query as (q: string) => Promise<unknown>).call(client, statements.join('; '));
  } else {
    for (const s of statements) await tx.execute(sql.raw(s));
  }
}

const LOG_CHUNK = 1000; // change-log rows per INSERT (4 parameters each)
const LOG_BUFFER = 5000; // flush on the way once this many rows are buffered

async function flushLog(tx: Tx, state: WriterState): Promise<void> {
  while (state.flushed < state.entries.length) {
    const chunk = state.entries.slice(state.flushed, state.flushed + LOG_CHUNK);
    const seqs = (await insertRows(tx, changeLog, chunk.map((e) => e.row), { returning: 'seq' })).map(Number);
    if (seqs.length !== chunk.length) throw new Error(`change_log insert returned ${seqs.length} seqs for ${chunk.length} rows`);
    // nextval() runs row by row in VALUES order: ascending seqs are the rows in order.
    seqs.sort((a, b) => a - b);
    chunk.forEach((e, i) => (e.seq = seqs[i]));
    state.flushed += chunk.length;
  }
}

/** Writes pending[written..upTo): per entity, the last version of each row, in multi-row upserts. */
async function writePending(tx: Tx, state: WriterState, upTo = state.pending.length): Promise<void> {
  if (state.written >= upTo) return;
  const byEntity = new Map<Entity, Map<string, Record<string, unknown>>>();
  for (const p of state.pending.slice(state.written, upTo)) {
    let rows = byEntity.get(p.entity);
    if (!rows) byEntity.set(p.entity, (rows = new Map()));
    rows.delete(p.values.id as string); // the last version wins (one statement cannot update a row twice)
    rows.set(p.values.id as string, p.values);
  }
  for (const [entity, rows] of byEntity) await insertRows(tx, ENTITY_TABLES[entity], [...rows.values()], { upsert: true });
  state.written = upTo;
}

function remember(state: WriterState, key: string, row: EntityRow | null): void {
  if (state.step && !state.step.undo.has(key)) state.step.undo.set(key, state.rows.get(key));
  state.rows.set(key, row);
}

/**
 * Before a statement of a deferred writer: inside a step, the deferred rows of the steps before it
 * are written and its savepoint opened (once); then the step's own deferred rows are written, so
 * the statement sees every row written so far.
 */
async function ready(tx: Tx, state: WriterState): Promise<void> {
  if (!state.defer) return;
  const step = state.step;
  if (step && !step.open) {
    await writePending(tx, state, step.pending);
    await openStep(tx, state);
    step.open = true;
  }
  await writePending(tx, state);
}

/** Open the step savepoint, releasing the previous step's in the same round trip. */
async function openStep(tx: Tx, state: WriterState): Promise<void> {
  await control(tx, state.stepSavepoint ? [`RELEASE SAVEPOINT ${STEP}`, `SAVEPOINT ${STEP}`] : [`SAVEPOINT ${STEP}`]);
  state.stepSavepoint = true;
}

/** After a rollback to a savepoint: forget the change-log entries and deferred rows made after `mark`. */
function truncateTo(state: WriterState, mark: { entries: number; pending: number }): void {
  state.entries.length = mark.entries;
  state.flushed = Math.min(state.flushed, mark.entries);
  state.pending.length = mark.pending;
  state.written = Math.min(state.written, mark.pending);
}

function makeWriter(tx: Tx, state: WriterState): Writer {
  /** Upsert with RETURNING: the rows as the database stored them. */
  const writeNow = async (entity: Entity, values: Array<Record<string, unknown>>): Promise<EntityRow[]> => {
    const table = ENTITY_TABLES[entity];
    const out: EntityRow[] = [];
    for (let i = 0; i < values.length; i += CHUNK) {
      const written = (await tx
        .insert(table)
        .values(values.slice(i, i + CHUNK) as never)
        .onConflictDoUpdate({ target: table.id, set: upsertSet(entity) })
        .returning()) as Record<string, unknown>[];
      out.push(...written.map(toEntity));
    }
    return out;
  };
  return {
    get tx() {
      if (state.defer && (state.written < state.pending.length || (state.step && !state.step.open))) {
        throw new Error('writer: tx used while entity writes are deferred (use read/prefetch/upsert)');
      }
      return tx;
    },
    get changes() {
      return state.entries.length;
    },
    get lastSeq() {
      return state.flushed ? state.entries[state.flushed - 1].seq : null;
    },
    seqOf(n) {
      const seq = n < state.flushed ? state.entries[n].seq : null;
      if (seq === null) throw new Error(`change ${n} has no seq yet (flush first)`);
      return seq;
    },
    async flush() {
      await ready(tx, state);
      await flushLog(tx, state);
    },
    async read(entity, id) {
      const key = `${entity}\u0000${id}`;
      let row = state.rows.get(key);
      if (row === undefined) {
        await ready(tx, state);
        row = await readEntity(tx, entity, id);
        remember(state, key, row);
      }
      return row && { ...row };
    },
    async prefetch(entity, ids) {
      const missing = [...new Set(ids)].filter((id) => !state.rows.has(`${entity}\u0000${id}`));
      if (!missing.length) return;
      await ready(tx, state);
      const table = ENTITY_TABLES[entity];
      for (let i = 0; i < missing.length; i += 1000) {
        const part = missing.slice(i, i + 1000);
        const found = new Map(((await tx.select().from(table).where(inArray(table.id, part))) as Record<string, unknown>[]).map((r) => [String(r.id), toEntity(r)]));
        for (const id of part) remember(state, `${entity}\u0000${id}`, found.get(id) ?? null);
      }
    },
    async upsert(entity, rows) {
      const values = rows.map((r) => toRow(entity, r));
      let synced: EntityRow[];
      const stored = state.defer ? values.map((v) => storedForm(entity, v)) : [];
      if (state.defer && stored.every((r) => r !== null)) {
        synced = stored as EntityRow[];
        // Written from the logged row itself: the change log and the table cannot differ.
        for (const d of synced) state.pending.push({ entity, values: toRow(entity, d) });
      } else {
        await ready(tx, state);
        synced = await writeNow(entity, values);
      }
      for (const d of synced) {
        state.entries.push({ row: { entity, entityId: d.id, op: 'upsert', data: d }, seq: null });
        remember(state, `${entity}\u0000${d.id}`, { ...d });
      }
      if (!state.defer && state.entries.length - state.flushed >= LOG_BUFFER) await flushLog(tx, state);
      return synced.map((d) => ({ ...d }));
    },
    async step(fn) {
      if (state.inStep) throw new Error('writer steps do not nest');
      // Deferred: the savepoint waits for the step's first statement (ready()); most steps send none.
      if (!state.defer) await openStep(tx, state);
      state.inStep = true;
      const step = { open: !state.defer, entries: state.entries.length, pending: state.pending.length, undo: new Map<string, EntityRow | null | undefined>() };
      state.step = step;
      try {
        return await fn();
      } catch (err) {
        // If even the rollback fails, the transaction is unusable: that error (e.g. connection lost) decides.
        if (step.open) await control(tx, [`ROLLBACK TO SAVEPOINT ${STEP}`]);
        truncateTo(state, step);
        // What the step read or wrote is forgotten: the rows are as they were before it.
        for (const [key, row] of step.undo) {
          if (row === undefined) state.rows.delete(key);
          else state.rows.set(key, row);
        }
        throw err;
      } finally {
        state.inStep = false;
        state.step = null;
      }
    },
    async savepoint(fn) {
      await ready(tx, state);
      const before = { entries: state.entries.length, pending: state.pending.length };
      try {
        return await tx.transaction((sp) => fn(makeWriter(sp as Tx, state)));
      } catch (err) {
        // Rolled back to the savepoint: its change-log rows are gone, written or not.
        truncateTo(state, before);
        state.rows.clear();
        throw err;
      }
    },
  };
}

/**
 * The one write path for synced entities (commands, seed, simulator): one transaction, change-log
 * lock first, change log flushed before COMMIT, feed notified after COMMIT (never before: a client
 * pulling early would miss rows).
 */
export async function withWriteTx<T>(ctx: WriteContext, fn: (w: Writer) => Promise<T>, opts: WriteOptions = {}): Promise<T> {
  const state: WriterState = { entries: [], flushed: 0, stepSavepoint: false, inStep: false, rows: new Map(), defer: opts.deferWrites ?? false, pending: [], written: 0, step: null };
  let lastSeq: number | null = null;
  const value = await ctx.db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${CHANGE_LOG_LOCK})`);
    const w = makeWriter(tx, state);
    const v = await fn(w);
    await w.flush();
    lastSeq = w.lastSeq;
    // Delivered at COMMIT to other server instances on the same PostgreSQL (see app.ts).
    if (lastSeq !== null && ctx.db.kind === 'pg') await tx.execute(sql`SELECT pg_notify(${NOTIFY_CHANNEL}, ${String(lastSeq)})`);
    return v;
  });
  if (lastSeq !== null) ctx.feed.publish(lastSeq);
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
