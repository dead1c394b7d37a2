import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate, type Migration, MIGRATIONS } from './migrations';
import * as schema from './schema';

export type CacheOrm = BetterSQLite3Database<typeof schema>;

export interface CacheDb {
  readonly path: string;
  readonly sqlite: Database.Database;
  readonly orm: CacheOrm;
  /** Schema version after opening. */
  readonly version: number;
  close(): void;
}

export interface OpenCacheOptions {
  /** Stop at this schema version (tests migrate to N-1, insert, then reopen at N). */
  targetVersion?: number;
  busyTimeoutMs?: number;
  migrations?: readonly Migration[];
}

/** The file exists but is not a readable SQLite database. The caller may move it aside (moveCorruptAside). */
export class CacheCorruptError extends Error {
  readonly code = 'cache_corrupt';
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`Cache database ${file} is not a valid SQLite database (${(cause as Error)?.message ?? String(cause)})`);
    this.name = 'CacheCorruptError';
  }
}

/** Page size of a newly created cache (see openCacheDb). */
export const NEW_PAGE_SIZE = 8192;

const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Open (create) the local cache and bring its schema up to date.
 * WAL lets views read while a pull writes; synchronous=FULL makes every commit durable before it
 * returns, which is what lets the UI confirm an action as soon as its outbox row is committed.
 */
export function openCacheDb(path: string, opts: OpenCacheOptions = {}): CacheDb {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path);
    sqlite.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    // A new file gets 8 KiB pages (no effect on an existing one). cache_rows is WITHOUT ROWID, whose
    // cells keep at most ~1,000 bytes on a 4 KiB page: a feedback case (~1.1 KB of JSON) spilled the
    // rest into an overflow page of its own — 100k cases took 480 MB instead of ~150 MB and every
    // pull page wrote twice the pages. 8 KiB pages keep rows up to ~2,000 bytes in the leaf.
    sqlite.pragma(`page_size = ${NEW_PAGE_SIZE}`);
    // The first statement that reads the header is where a non-SQLite file fails (SQLITE_NOTADB).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // Statement journals in memory: every cache_rows upsert fires triggers, so SQLite keeps a
    // statement journal (a page image per touched page) for it; in a temp file that was ~3.6 GB of
    // write() calls for a first pull of 100k cases (36 KB per row), now ~0.2 GB. Temp tables and
    // CREATE INDEX sorts (the queue's bulk fold) stay in memory too: a few MB at 100k cases.
    sqlite.pragma('temp_store = MEMORY');
    const version = migrate(sqlite, path, opts.targetVersion, opts.migrations ?? MIGRATIONS);
    const db = sqlite;
    return { path, sqlite: db, orm: drizzle(db, { schema }), version, close: () => db.open && db.close() };
  } catch (err) {
    sqlite?.close();
    const code = (err as { code?: string }).code;
    if (code && CORRUPT_CODES.has(code)) throw new CacheCorruptError(path, err);
    throw err;
  }
}

/**
 * Rename a corrupt cache (and its WAL/SHM side files) to `<path>.corrupt-<time>` so a fresh one can
 * be created and filled by a full pull; the old file is kept for diagnosis. Returns the new name.
 */
export function moveCorruptAside(path: string, now: Date = new Date()): string {
  const target = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, target);
  for (const side of ['-wal', '-shm']) if (existsSync(path + side)) renameSync(path + side, target + side);
  return target;
}
