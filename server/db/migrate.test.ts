import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log';
import { createTestDatabase, type TestDatabase } from '../test/harness';
import { type Database, openDatabase, rowsOf } from './client';
import { migrate, MIGRATIONS } from './migrate';

describe('migrations', () => {
  let tdb: TestDatabase;
  let db: Database;
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('apply from an empty database, once, and record themselves', async () => {
    tdb = await createTestDatabase();
    db = await openDatabase({ databaseUrl: tdb.databaseUrl, dataDir: tdb.dataDir, log: silentLogger });
    const ids = MIGRATIONS.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['0001_init', '0002_open311', '0005_kpi']));
    expect(ids).toEqual([...ids].sort());
    expect(await migrate(db, silentLogger)).toEqual(ids);
    expect(await migrate(db, silentLogger)).toEqual([]);
    const tables = await rowsOf<{ table_name: string }>(
      db.orm,
      sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['admin_units', 'applied_mutations', 'audit_log', 'change_log', 'client_progress', 'facilities', 'routing_rules', 'sessions', 'users', 'water_readings']),
    );
    const applied = await rowsOf<{ id: string }>(db.orm, sql`SELECT id FROM schema_migrations`);
    expect(applied.map((a) => a.id).sort()).toEqual(ids);
  });

  it('a failing migration leaves nothing behind (one transaction)', async () => {
    await expect(
      db.scriptTx(async (s) => {
        await s.exec('CREATE TABLE half_done (x int); INSERT INTO half_done VALUES (1);');
        await s.exec('SELECT * FROM no_such_table');
      }),
    ).rejects.toThrow();
    const left = await rowsOf<{ n: string }>(db.orm, sql`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(left[0].n).toBe('0');
  });
});
