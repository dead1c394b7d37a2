import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Logger } from '../log';
import * as schema from './schema';

export type Schema = typeof schema;
/** Either driver's database: the rest of the server is written once against pg-core. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

/** One connection, one transaction, multi-statement scripts allowed (migrations need that). */
export interface ScriptSession {
  exec(script: string): Promise<void>;
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface Database {
  kind: 'pglite' | 'pg';
  orm: Db;
  scriptTx<T>(fn: (s: ScriptSession) => Promise<T>): Promise<T>;
  /** Real PostgreSQL only: LISTEN on a channel (for change notifications from other server instances). */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data folder; 'memory://' for a throw-away database. */
  dataDir?: string;
  log: Logger;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.log) : openPglite(opts.dataDir ?? 'memory://');
}

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  return {
    kind: 'pglite',
    orm: drizzlePglite(client, { schema }) as unknown as Db,
    scriptTx: (fn) =>
      client.transaction((tx) =>
        fn({
          exec: async (script) => void (await tx.exec(script)),
          query: async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows,
        }),
      ),
    close: () => client.close(),
  };
}

async function openPostgres(connectionString: string, log: Logger): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10, application_name: 'ioc-wall-server' });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => log('warn', 'postgres pool error', { err }));
  const probe = await pool.connect();
  probe.release();
  const listeners = new Set<pg.Client>();
  return {
    kind: 'pg',
    orm: drizzleNodePg(pool, { schema }) as unknown as Db,
    async scriptTx(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn({
          exec: async (script) => void (await c.query(script)),
          query: async <R>(text: string, params?: unknown[]) => (await c.query(text, params)).rows as R[],
        });
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async listen(channel, onPayload) {
      const c = new pg.Client({ connectionString, application_name: 'ioc-wall-server-listen' });
      c.on('error', (err) => log('warn', 'postgres listen connection error', { err }));
      await c.connect();
      c.on('notification', (n) => {
        if (n.channel === channel) onPayload(n.payload ?? '');
      });
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.add(c);
      return async () => {
        listeners.delete(c);
        await c.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}

/** Rows of a raw query, whichever driver ran it (both answer `{ rows }`). */
export async function rowsOf<R>(exec: Executor, query: Parameters<Db['execute']>[0]): Promise<R[]> {
  const res = (await exec.execute(query)) as unknown as { rows: R[] };
  return res.rows;
}

/**
 * SQLSTATE classes that mean "try again later" (connection lost, serialization failure or deadlock,
 * out of resources, server shutting down). Drizzle wraps driver errors, so follow `cause`.
 */
export function isTransientDbError(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (/^(08|40|53|57P)/.test(code) || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
    if (e instanceof Error && /Connection terminated|connection timeout/i.test(e.message)) return true;
  }
  return false;
}
