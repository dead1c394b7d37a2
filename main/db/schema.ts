import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The local cache, as drizzle sees it. The SQL that creates it lives in migrations.ts (hand-written,
 * numbered, tested N-1 → N); `schema.test.ts` checks that both describe the same columns.
 */

/** Server truth: one row per (entity, id) exactly as the last pull delivered it. */
export const cacheRows = sqliteTable(
  'cache_rows',
  {
    entity: text('entity').notNull(),
    id: text('id').notNull(),
    /** The whole row as JSON. */
    data: text('data').notNull(),
    /** Change-log position of the change that wrote this row. */
    seq: integer('seq').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.entity, t.id] }),
    // Migration 3: case history is looked up per case.
    index('ce_case').on(sql.raw(`json_extract(data, '$.caseId')`), sql.raw(`json_extract(data, '$.at')`)).where(sql`${t.entity} = 'case_event'`),
    // Migration 5: a dossier's events are folded into kpi_dossiers by its id.
    index('de_dossier').on(sql.raw(`json_extract(data, '$.dossierId')`)).where(sql`${t.entity} = 'dossier_event'`),
  ],
);

/** The numbers of every cached indicator_value row, kept by triggers on cache_rows (migration 5). */
export const kpiValues = sqliteTable(
  'kpi_values',
  {
    id: text('id').primaryKey(),
    indicator: text('indicator').notNull(),
    /** '' when the row has no unit. */
    unitId: text('unit_id').notNull(),
    /** day | week | month | year (from the period's shape), or 'other'. */
    kind: text('kind').notNull(),
    period: text('period').notNull(),
    value: real('value'),
    numerator: real('numerator'),
    denominator: real('denominator'),
    computedAt: text('computed_at'),
    asOf: text('as_of'),
  },
  (t) => [index('kv_lookup').on(t.indicator, t.unitId, t.kind, t.period), index('kv_period').on(t.indicator, t.kind, t.period, t.unitId)],
);

/** One row per dossier folded from its dossier_event rows by triggers (migration 5); instants in epoch ms. */
export const kpiDossiers = sqliteTable(
  'kpi_dossiers',
  {
    dossierId: text('dossier_id').primaryKey(),
    procedure: text('procedure'),
    unitId: text('unit_id'),
    agencyId: text('agency_id'),
    online: integer('online'),
    receivedAt: integer('received_at'),
    dueAt: integer('due_at'),
    /** First completion or return; null while the dossier is open. */
    doneAt: integer('done_at'),
    doneKind: text('done_kind'),
    synced: integer('synced'),
  },
  (t) => [index('kd_open_due').on(t.dueAt).where(sql`${t.doneAt} IS NULL`), index('kd_agency').on(t.agencyId, t.dueAt), index('kd_unit').on(t.unitId, t.dueAt)],
);

/**
 * The feedback queue's columns of every cached feedback_case row (migration 3), plus the FTS5 table
 * `feedback_fts` (rowid = rid; not expressible in drizzle). Since migration 4 a cache_rows write only
 * marks the id in `feedback_dirty`; main/services/feedback/queue-index.ts folds it in.
 */
export const feedbackQueue = sqliteTable(
  'feedback_queue',
  {
    rid: integer('rid').primaryKey(),
    id: text('id').notNull().unique(),
    status: text('status'),
    level: text('level'),
    /** receivedAt, epoch ms. */
    received: integer('received'),
    unitId: text('unit_id'),
    agencyId: text('agency_id'),
    seq: integer('seq').notNull(),
    /** Migration 4: for the 50 m duplicate lookup (location = [lon, lat]). */
    category: text('category'),
    lon: real('lon'),
    lat: real('lat'),
    /** Migration 6: 'srv' when the row carries the server's SLA state, else the status phase. */
    slaSrc: text('sla_src'),
    /** Migration 6: the server's dueAt (epoch ms; null when paused, done or not server state). */
    slaDue: integer('sla_due'),
    slaPaused: integer('sla_paused'),
  },
  (t) => [
    index('fq_sla').on(t.slaSrc, t.level, t.received, t.status, t.id),
    index('fq_sla_due').on(t.slaSrc, t.slaDue, t.received, t.id, t.status, t.level),
    /** Only the (few) paused rows: the paused count never walks the closed ones. */
    index('fq_paused').on(t.status, t.level, t.id).where(sql`sla_paused = 1`),
    index('fq_geo').on(t.category, t.lat, t.lon, t.status),
    index('fq_status').on(t.status, t.level, t.received, t.id),
    index('fq_received').on(t.received, t.id, t.status, t.level),
    index('fq_unit').on(t.unitId, t.received, t.id, t.status, t.level),
    index('fq_agency').on(t.agencyId, t.received, t.id, t.status, t.level),
  ],
);

/** Migration 4: feedback_case ids written since the queue was last brought up to date. */
export const feedbackDirty = sqliteTable('feedback_dirty', { id: text('id').primaryKey() });

/** Small key/value store: cursor, asOf, lastPullAt, clientId, clientSeq. */
export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Operator commands not yet answered by the server. Written before the UI confirms the action. */
export const outbox = sqliteTable('outbox', {
  mutationId: text('mutation_id').primaryKey(),
  clientSeq: integer('client_seq').notNull().unique(),
  name: text('name').notNull(),
  args: text('args').notNull(),
  createdAt: text('created_at').notNull(),
  actor: text('actor').notNull(),
  /** 'inflight' = sent, answer unknown; it is sent again (same id) after a restart. */
  status: text('status', { enum: ['pending', 'inflight'] }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  /** Epoch ms before which the engine will not resend (informational; the engine backs off per queue). */
  nextAttemptAt: integer('next_attempt_at'),
});

/** What the UI shows (marked pending) on top of server truth until the command is answered. */
export const optimistic = sqliteTable(
  'optimistic',
  {
    mutationId: text('mutation_id')
      .notNull()
      .references(() => outbox.mutationId, { onDelete: 'cascade' }),
    entity: text('entity').notNull(),
    id: text('id').notNull(),
    patch: text('patch').notNull(),
  },
  (t) => [index('optimistic_row').on(t.entity, t.id), index('optimistic_mutation').on(t.mutationId)],
);

/** Commands the server refused for good: a visible list the operator retries or discards. */
export const rejected = sqliteTable('rejected', {
  mutationId: text('mutation_id').primaryKey(),
  clientSeq: integer('client_seq').notNull(),
  name: text('name').notNull(),
  args: text('args').notNull(),
  createdAt: text('created_at').notNull(),
  /** Added by migration 2 so a retry is sent as the same operator. */
  actor: text('actor').notNull().default(''),
  code: text('code').notNull(),
  reason: text('reason').notNull(),
  rejectedAt: text('rejected_at').notNull(),
});

/** The one saved login (id is always 1). */
export const session = sqliteTable(
  'session',
  {
    id: integer('id').primaryKey(),
    serverUrl: text('server_url').notNull(),
    token: text('token').notNull(),
    expiresAt: text('expires_at').notNull(),
    user: text('user').notNull(),
    /** When it was saved or last validated against the server (drives the 72 h standby rule). */
    savedAt: text('saved_at').notNull(),
  },
  (t) => [check('session_single_row', sql`${t.id} = 1`)],
);
