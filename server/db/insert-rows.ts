import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client';

type RawClient = { query(text: string, params: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }> };
type Column = { name: string; mapToDriverValue(v: unknown): unknown };

const PARAMS_PER_INSERT = 30_000; // PostgreSQL allows 65,535 bind parameters per statement

/** The driver client under drizzle (PGlite or its transaction, node-postgres pool or client). */
function rawClient(exec: Executor): RawClient | null {
  const client = (exec as unknown as { session?: { client?: { query?: unknown } } }).session?.client;
  return client && typeof client.query === 'function' ? (client as RawClient) : null;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Multi-row INSERT with the SQL text built here and the values bound exactly as drizzle binds
 * them (each column's mapToDriverValue; a missing value → DEFAULT): drizzle's builder costs tens
 * of µs per bound value, and a push batch binds ~30k. `upsert`: ON CONFLICT (id) DO UPDATE every
 * given column from the proposed row (the writer's full replace). `returning`: one column's values
 * (e.g. the change log's seq), in the order PostgreSQL returns them. Without a raw driver client it
 * falls back to drizzle.
 */
export async function insertRows(
  exec: Executor,
  table: PgTable,
  rows: ReadonlyArray<Record<string, unknown>>,
  opts: { upsert?: boolean; returning?: string } = {},
): Promise<unknown[]> {
  if (!rows.length) return [];
  const columns = getTableColumns(table) as unknown as Record<string, Column>;
  const keys = Object.keys(columns).filter((k) => rows.some((r) => r[k] !== undefined));
  const client = rawClient(exec);
  const out: unknown[] = [];
  if (!client) {
    const cols = columns as unknown as Record<string, PgColumn>;
    const set = Object.fromEntries(keys.filter((k) => k !== 'id').map((k) => [k, sql.raw(`excluded.${quote(columns[k].name)}`)]));
    const chunkRows = Math.max(1, Math.floor(PARAMS_PER_INSERT / Math.max(1, keys.length)));
    for (let i = 0; i < rows.length; i += chunkRows) {
      const insert = exec.insert(table).values(rows.slice(i, i + chunkRows) as never);
      const q = opts.upsert ? insert.onConflictDoUpdate({ target: cols.id, set }) : insert;
      if (opts.returning) out.push(...((await q.returning({ v: cols[opts.returning] })) as Array<{ v: unknown }>).map((r) => r.v));
      else await q;
    }
    return out;
  }
  const head = `insert into ${quote(getTableName(table))} (${keys.map((k) => quote(columns[k].name)).join(', ')}) values `;
  const tail =
    (opts.upsert
      ? ` on conflict (${quote(columns.id.name)}) do update set ${keys
          .filter((k) => k !== 'id')
          .map((k) => `${quote(columns[k].name)} = excluded.${quote(columns[k].name)}`)
          .join(', ')}`
      : '') + (opts.returning ? ` returning ${quote(columns[opts.returning].name)} as v` : '');
  const chunkRows = Math.max(1, Math.floor(PARAMS_PER_INSERT / keys.length));
  for (let i = 0; i < rows.length; i += chunkRows) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const r of rows.slice(i, i + chunkRows)) {
      const cells: string[] = [];
      for (const k of keys) {
        const v = r[k];
        if (v === undefined) cells.push('default');
        else if (v === null) cells.push('null');
        else {
          params.push(columns[k].mapToDriverValue(v));
          cells.push(`$${params.length}`);
        }
      }
      tuples.push(`(${cells.join(', ')})`);
    }
    const res = await client.query(head + tuples.join(', ') + tail, params);
    if (opts.returning) for (const row of res.rows) out.push(row.v);
  }
  return out;
}
