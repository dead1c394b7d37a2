import type Database from 'better-sqlite3';

/**
 * Numbered schema migrations for the local cache, tracked in `PRAGMA user_version`.
 * Append only: never edit a released migration (a machine may be at any version). Each one runs in
 * its own transaction together with the version bump, so a crash leaves the DB at N-1 or N, never
 * in between. Keep schema.ts in step (schema.test.ts compares them).
 */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'base',
    up: (db) =>
      db.exec(`
        CREATE TABLE cache_rows (
          entity TEXT NOT NULL,
          id TEXT NOT NULL,
          data TEXT NOT NULL,
          seq INTEGER NOT NULL,
          PRIMARY KEY (entity, id)
        ) WITHOUT ROWID;
        CREATE TABLE sync_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
        CREATE TABLE outbox (
          mutation_id TEXT PRIMARY KEY NOT NULL,
          client_seq INTEGER NOT NULL UNIQUE,
          name TEXT NOT NULL,
          args TEXT NOT NULL,
          created_at TEXT NOT NULL,
          actor TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'pending',
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          next_attempt_at INTEGER
        );
        CREATE TABLE optimistic (
          mutation_id TEXT NOT NULL REFERENCES outbox(mutation_id) ON DELETE CASCADE,
          entity TEXT NOT NULL,
          id TEXT NOT NULL,
          patch TEXT NOT NULL
        );
        CREATE INDEX optimistic_mutation ON optimistic (mutation_id);
        CREATE TABLE rejected (
          mutation_id TEXT PRIMARY KEY NOT NULL,
          client_seq INTEGER NOT NULL,
          name TEXT NOT NULL,
          args TEXT NOT NULL,
          created_at TEXT NOT NULL,
          code TEXT NOT NULL,
          reason TEXT NOT NULL,
          rejected_at TEXT NOT NULL
        );
        CREATE TABLE session (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          server_url TEXT NOT NULL,
          token TEXT NOT NULL,
          expires_at TEXT NOT NULL,
          user TEXT NOT NULL,
          saved_at TEXT NOT NULL
        );
      `),
  },
  {
    // Retrying a rejected command should send it as the operator who acted, so keep the actor.
    // Rows rejected before this version get '' ("unknown"): a retry then goes out as the current
    // operator. The overlay is read per row on every get/list, so index it by row too.
    version: 2,
    name: 'rejected-actor-and-overlay-index',
    up: (db) =>
      db.exec(`
        ALTER TABLE rejected ADD COLUMN actor TEXT NOT NULL DEFAULT '';
        CREATE INDEX optimistic_row ON optimistic (entity, id);
      `),
  },
  {
    // The feedback queue filters, sorts and counts 100k cases. Expression indexes on the row JSON
    // were measured too slow (SQLite re-evaluates json_extract even from a "covering" index), so
    // the queue columns live in a side table kept by triggers, in the same transaction as every
    // cache_rows write, using built-in functions only (any connection can write the cache).
    // receivedAt is stored as epoch ms so +07:00 and Z offsets compare as instants. Search goes
    // through FTS5: unicode61 with remove_diacritics folds the marks, the trigger folds đ/Đ (not a
    // decomposable letter). case_event rows are looked up per case.
    version: 3,
    name: 'feedback-queue',
    up: (db) => {
      const cols = (r: string) => `
        json_extract(${r}.data, '$.status'), json_extract(${r}.data, '$.level'),
        CAST(round(unixepoch(json_extract(${r}.data, '$.receivedAt'), 'subsec') * 1000) AS INTEGER),
        json_extract(${r}.data, '$.unitId'), json_extract(${r}.data, '$.agencyId'), ${r}.seq`;
      const text = (r: string) => `replace(replace(
        coalesce(json_extract(${r}.data, '$.title'), '') || ' ' || coalesce(json_extract(${r}.data, '$.description'), '') || ' ' ||
        coalesce(json_extract(${r}.data, '$.address'), '') || ' ' || ${r}.id, 'đ', 'd'), 'Đ', 'D')`;
      const upsert = `
        DELETE FROM feedback_fts WHERE rowid = (SELECT rid FROM feedback_queue WHERE id = new.id);
        INSERT INTO feedback_queue (id, status, level, received, unit_id, agency_id, seq) VALUES (new.id, ${cols('new')})
          ON CONFLICT (id) DO UPDATE SET status = excluded.status, level = excluded.level, received = excluded.received,
            unit_id = excluded.unit_id, agency_id = excluded.agency_id, seq = excluded.seq;
        INSERT INTO feedback_fts (rowid, text) SELECT rid, ${text('new')} FROM feedback_queue WHERE id = new.id;`;
      db.exec(`
        CREATE TABLE feedback_queue (
          rid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          status TEXT,
          level TEXT,
          received INTEGER,
          unit_id TEXT,
          agency_id TEXT,
          seq INTEGER NOT NULL
        );
        CREATE INDEX fq_status ON feedback_queue (status, level, received, id);
        CREATE INDEX fq_received ON feedback_queue (received, id, status, level);
        CREATE INDEX fq_unit ON feedback_queue (unit_id, received, id, status, level);
        CREATE INDEX fq_agency ON feedback_queue (agency_id, received, id, status, level);
        CREATE VIRTUAL TABLE feedback_fts USING fts5 (text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER feedback_queue_insert AFTER INSERT ON cache_rows WHEN new.entity = 'feedback_case' BEGIN ${upsert} END;
        CREATE TRIGGER feedback_queue_update AFTER UPDATE ON cache_rows WHEN new.entity = 'feedback_case' BEGIN ${upsert} END;
        CREATE TRIGGER feedback_queue_delete AFTER DELETE ON cache_rows WHEN old.entity = 'feedback_case' BEGIN
          DELETE FROM feedback_fts WHERE rowid = (SELECT rid FROM feedback_queue WHERE id = old.id);
          DELETE FROM feedback_queue WHERE id = old.id;
        END;
        INSERT INTO feedback_queue (id, status, level, received, unit_id, agency_id, seq)
          SELECT c.id, ${cols('c')} FROM cache_rows c WHERE c.entity = 'feedback_case';
        INSERT INTO feedback_fts (rowid, text) SELECT q.rid, ${text('c')} FROM feedback_queue q JOIN cache_rows c ON c.entity = 'feedback_case' AND c.id = q.id;
        CREATE INDEX ce_case ON cache_rows (json_extract(data, '$.caseId'), json_extract(data, '$.at')) WHERE entity = 'case_event';
      `);
    },
  },
  {
    // Per-row triggers made the first pull of 100k cases ~5–8 s slower (JSON extraction, five index
    // inserts and an FTS insert per row, inside the pull's transactions). Now a write only marks the
    // case id dirty (one small insert); the feedback service folds dirty rows into feedback_queue /
    // feedback_fts in set-based chunks (main/services/feedback/queue-index.ts) right after a pull and
    // before every read. Deletes stay immediate. The queue also gets category and location columns
    // so the 50 m duplicate lookup is an index range, not a JSON scan of every open case.
    // (No INSERT OR IGNORE in the triggers: the UPSERT that fires them imposes its own conflict
    // policy on them, and a second write of a still-dirty id would fail the pull.)
    version: 4,
    name: 'feedback-queue-batched',
    up: (db) =>
      db.exec(`
        ALTER TABLE feedback_queue ADD COLUMN category TEXT;
        ALTER TABLE feedback_queue ADD COLUMN lon REAL;
        ALTER TABLE feedback_queue ADD COLUMN lat REAL;
        UPDATE feedback_queue SET (category, lon, lat) = (
          SELECT json_extract(c.data, '$.category'), json_extract(c.data, '$.location[0]'), json_extract(c.data, '$.location[1]')
            FROM cache_rows c WHERE c.entity = 'feedback_case' AND c.id = feedback_queue.id);
        CREATE INDEX fq_geo ON feedback_queue (category, lat, lon, status);
        CREATE TABLE feedback_dirty (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
        DROP TRIGGER feedback_queue_insert;
        DROP TRIGGER feedback_queue_update;
        DROP TRIGGER feedback_queue_delete;
        CREATE TRIGGER feedback_dirty_insert AFTER INSERT ON cache_rows WHEN new.entity = 'feedback_case' BEGIN
          INSERT INTO feedback_dirty (id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM feedback_dirty WHERE id = new.id);
        END;
        CREATE TRIGGER feedback_dirty_update AFTER UPDATE ON cache_rows WHEN new.entity = 'feedback_case' BEGIN
          INSERT INTO feedback_dirty (id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM feedback_dirty WHERE id = new.id);
        END;
        CREATE TRIGGER feedback_queue_delete AFTER DELETE ON cache_rows WHEN old.entity = 'feedback_case' BEGIN
          DELETE FROM feedback_dirty WHERE id = old.id;
          DELETE FROM feedback_fts WHERE rowid = (SELECT rid FROM feedback_queue WHERE id = old.id);
          DELETE FROM feedback_queue WHERE id = old.id;
        END;
      `),
  },
  {
    // KPI boards (issue 7). A year of indicator values for every unit is ~400k rows: reading them
    // through json_extract on every board open is too slow, so triggers keep their numbers in
    // kpi_values (indexed by indicator, unit, period kind, period). Dossier events fold into one row
    // per dossier in kpi_dossiers (received, due, done) for the due-soon worklist, the agency
    // drill-down and the 766 what-if. Instants are stored as epoch ms (offsets in the ISO strings
    // differ, so the strings do not sort as instants).
    version: 5,
    name: 'kpi-values-and-dossiers',
    up: (db) => {
      const ms = (e: string) => `CAST(unixepoch(${e}, 'subsec') * 1000 AS INTEGER)`;
      const j = (r: string, f: string) => `json_extract(${r}.data, '$.${f}')`;
      const kind = (p: string) =>
        `CASE WHEN ${p} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN 'day' WHEN ${p} GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]' THEN 'week' ` +
        `WHEN ${p} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN 'month' WHEN ${p} GLOB '[0-9][0-9][0-9][0-9]' THEN 'year' ELSE 'other' END`;
      const kvCols = (r: string) =>
        `${r}.id, ${j(r, 'indicator')}, coalesce(${j(r, 'unitId')}, ''), ${kind(j(r, 'period'))}, ${j(r, 'period')}, ${j(r, 'value')}, ${j(r, 'numerator')}, ${j(r, 'denominator')}, ${j(r, 'computedAt')}, ${j(r, 'asOf')}`;
      const kvUpsert = `INSERT INTO kpi_values (id, indicator, unit_id, kind, period, value, numerator, denominator, computed_at, as_of) VALUES (${kvCols('new')})
        ON CONFLICT (id) DO UPDATE SET indicator = excluded.indicator, unit_id = excluded.unit_id, kind = excluded.kind, period = excluded.period, value = excluded.value,
          numerator = excluded.numerator, denominator = excluded.denominator, computed_at = excluded.computed_at, as_of = excluded.as_of;`;
      const DONE = `('completed_early', 'completed_on_time', 'completed_late', 'returned')`;
      // Rebuild one dossier from its events (a handful of rows through de_dossier).
      const rebuild = (dossier: string) => `
        DELETE FROM kpi_dossiers WHERE dossier_id = ${dossier};
        INSERT INTO kpi_dossiers (dossier_id, procedure, unit_id, agency_id, online, received_at, due_at, done_at, done_kind, synced)
          SELECT ${dossier}, max(${j('e', 'procedure')}), max(${j('e', 'unitId')}), max(${j('e', 'agencyId')}), max(${j('e', 'online')}),
            min(CASE WHEN ${j('e', 'kind')} = 'received' THEN ${ms(j('e', 'at'))} END),
            max(${ms(j('e', 'dueAt'))}),
            min(CASE WHEN ${j('e', 'kind')} IN ${DONE} THEN ${ms(j('e', 'at'))} END),
            max(CASE WHEN ${j('e', 'kind')} IN ${DONE} THEN ${j('e', 'kind')} END),
            max(${j('e', 'kind')} = 'synced_national')
          FROM cache_rows e INDEXED BY de_dossier WHERE e.entity = 'dossier_event' AND ${j('e', 'dossierId')} = ${dossier}
          HAVING count(*) > 0;`;
      db.exec(`
        CREATE TABLE kpi_values (
          id TEXT PRIMARY KEY NOT NULL,
          indicator TEXT NOT NULL,
          unit_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          period TEXT NOT NULL,
          value REAL,
          numerator REAL,
          denominator REAL,
          computed_at TEXT,
          as_of TEXT
        );
        CREATE INDEX kv_lookup ON kpi_values (indicator, unit_id, kind, period);
        CREATE INDEX kv_period ON kpi_values (indicator, kind, period, unit_id);
        CREATE TRIGGER kpi_values_insert AFTER INSERT ON cache_rows WHEN new.entity = 'indicator_value' BEGIN ${kvUpsert} END;
        CREATE TRIGGER kpi_values_update AFTER UPDATE ON cache_rows WHEN new.entity = 'indicator_value' BEGIN ${kvUpsert} END;
        CREATE TRIGGER kpi_values_delete AFTER DELETE ON cache_rows WHEN old.entity = 'indicator_value' BEGIN DELETE FROM kpi_values WHERE id = old.id; END;
        INSERT INTO kpi_values (id, indicator, unit_id, kind, period, value, numerator, denominator, computed_at, as_of)
          SELECT ${kvCols('c')} FROM cache_rows c WHERE c.entity = 'indicator_value';

        CREATE INDEX de_dossier ON cache_rows (json_extract(data, '$.dossierId')) WHERE entity = 'dossier_event';
        CREATE TABLE kpi_dossiers (
          dossier_id TEXT PRIMARY KEY NOT NULL,
          procedure TEXT,
          unit_id TEXT,
          agency_id TEXT,
          online INTEGER,
          received_at INTEGER,
          due_at INTEGER,
          done_at INTEGER,
          done_kind TEXT,
          synced INTEGER
        );
        CREATE INDEX kd_open_due ON kpi_dossiers (due_at) WHERE done_at IS NULL;
        CREATE INDEX kd_agency ON kpi_dossiers (agency_id, due_at);
        CREATE INDEX kd_unit ON kpi_dossiers (unit_id, due_at);
        CREATE TRIGGER kpi_dossiers_insert AFTER INSERT ON cache_rows WHEN new.entity = 'dossier_event' BEGIN ${rebuild(j('new', 'dossierId'))} END;
        CREATE TRIGGER kpi_dossiers_update AFTER UPDATE ON cache_rows WHEN new.entity = 'dossier_event' BEGIN
          ${rebuild(j('old', 'dossierId'))}
          ${rebuild(j('new', 'dossierId'))}
        END;
        CREATE TRIGGER kpi_dossiers_delete AFTER DELETE ON cache_rows WHEN old.entity = 'dossier_event' BEGIN ${rebuild(j('old', 'dossierId'))} END;
        INSERT INTO kpi_dossiers (dossier_id, procedure, unit_id, agency_id, online, received_at, due_at, done_at, done_kind, synced)
          SELECT ${j('e', 'dossierId')}, max(${j('e', 'procedure')}), max(${j('e', 'unitId')}), max(${j('e', 'agencyId')}), max(${j('e', 'online')}),
            min(CASE WHEN ${j('e', 'kind')} = 'received' THEN ${ms(j('e', 'at'))} END),
            max(${ms(j('e', 'dueAt'))}),
            min(CASE WHEN ${j('e', 'kind')} IN ${DONE} THEN ${ms(j('e', 'at'))} END),
            max(CASE WHEN ${j('e', 'kind')} IN ${DONE} THEN ${j('e', 'kind')} END),
            max(${j('e', 'kind')} = 'synced_national')
          FROM cache_rows e WHERE e.entity = 'dossier_event' AND ${j('e', 'dossierId')} IS NOT NULL GROUP BY ${j('e', 'dossierId')};
      `);
    },
  },
  {
    // Issue 5: the server stores each case's SLA state (slaPhase, dueAt — null when paused or done —,
    // paused, pauseReason, …; server/feedback/sla-fields.ts). The queue keeps the clock the desk
    // filters and sorts on: `sla_src` 'srv' for rows with server fields (`sla_due` = their dueAt in
    // epoch ms, `sla_paused`), else the phase computed from the status ('accept' / 'handle' / 'done')
    // for rows from an older server, which still go through the receivedAt thresholds.
    // Maintained by the batched queue index (main/services/feedback/queue-index.ts).
    version: 6,
    name: 'feedback-server-sla',
    up: (db) => {
      const handle = `('triage', 'assigned', 'in_progress', 'scheduled', 'internal_referral')`;
      db.exec(`
        ALTER TABLE feedback_queue ADD COLUMN sla_src TEXT;
        ALTER TABLE feedback_queue ADD COLUMN sla_due INTEGER;
        ALTER TABLE feedback_queue ADD COLUMN sla_paused INTEGER;
        UPDATE feedback_queue SET (sla_src, sla_due, sla_paused) = (
          SELECT CASE WHEN json_type(c.data, '$.slaPhase') = 'text' THEN 'srv'
                      WHEN feedback_queue.status = 'received' THEN 'accept'
                      WHEN feedback_queue.status IN ${handle} THEN 'handle' ELSE 'done' END,
                 CASE WHEN json_type(c.data, '$.slaPhase') = 'text' THEN CAST(round(unixepoch(json_extract(c.data, '$.dueAt'), 'subsec') * 1000) AS INTEGER) END,
                 CASE WHEN json_extract(c.data, '$.paused') = 1 THEN 1 ELSE 0 END
            FROM cache_rows c WHERE c.entity = 'feedback_case' AND c.id = feedback_queue.id);
        CREATE INDEX fq_sla ON feedback_queue (sla_src, level, received, status, id);
        CREATE INDEX fq_sla_due ON feedback_queue (sla_src, sla_due, received, id, status, level);
        CREATE INDEX fq_paused ON feedback_queue (status, level, id) WHERE sla_paused = 1;
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class CacheTooNewError extends Error {
  readonly code = 'cache_too_new';
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`Cache database ${file} has schema version ${found}, newer than this app knows (${known}); update the app or move the file aside`);
    this.name = 'CacheTooNewError';
  }
}

/**
 * Bring `db` to `target` (default: latest). Throws CacheTooNewError rather than touching a DB
 * written by a newer app: its tables may mean something we do not know.
 */
export function migrate(db: Database.Database, file: string, target?: number, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const known = migrations[migrations.length - 1]?.version ?? 0;
  target ??= known;
  if (current > known) throw new CacheTooNewError(file, current, known);
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      // user_version lives in the DB header and is written as part of this transaction.
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
