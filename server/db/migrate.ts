import type { Logger } from '../log';
import type { Database } from './client';

/** Numbered SQL files, bundled as strings (see env.d.ts): `0001_init.sql` → id `0001_init`. */
const FILES = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });

export const MIGRATIONS = Object.entries(FILES)
  .map(([path, sql]) => ({ id: path.replace(/^.*\/|\.sql$/g, ''), sql }))
  .sort((a, b) => a.id.localeCompare(b.id));

/** Arbitrary constant: serializes concurrent server starts migrating the same PostgreSQL. */
const MIGRATION_LOCK = 7_431_000;

/**
 * Applies pending migrations in ONE transaction (all or nothing), recording each in
 * schema_migrations. Returns the ids applied now.
 */
export async function migrate(db: Database, log: Logger): Promise<string[]> {
  return db.scriptTx(async (s) => {
    await s.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await s.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await s.query<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id));
    const pending = MIGRATIONS.filter((m) => !done.has(m.id));
    for (const m of pending) {
      await s.exec(m.sql);
      await s.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      log('info', 'migration applied', { id: m.id });
    }
    return pending.map((m) => m.id);
  });
}
