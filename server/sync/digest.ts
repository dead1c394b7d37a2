import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { ENTITIES, type Entity } from '../../shared/domain/entities';
import { digestLines } from '../../shared/sync/canonical';
import { type Executor, rowsOf } from '../db/client';
import type { Database } from '../db/client';
import { ENTITY_TABLES, toEntity } from '../db/entity-tables';

export interface TableDigest {
  count: number;
  sha256: string;
}
export interface Digest {
  tables: Record<Entity, TableDigest>;
  seq: number;
}

export function digestOf(rows: Array<{ id: string; data: unknown }>): TableDigest {
  return { count: rows.length, sha256: createHash('sha256').update(digestLines(rows)).digest('hex') };
}

/**
 * Per-table digests of the current rows (read from the tables, not the log, so it also proves the
 * log and the tables agree) plus the seq they correspond to, from one snapshot.
 */
export async function computeDigest(db: Database): Promise<Digest> {
  return db.orm.transaction(
    async (tx) => {
      const [{ seq }] = await rowsOf<{ seq: string }>(tx as Executor, sql`SELECT coalesce(max(seq), 0)::text AS seq FROM change_log`);
      const tables = {} as Record<Entity, TableDigest>;
      for (const entity of ENTITIES) {
        const rows = (await tx.select().from(ENTITY_TABLES[entity])) as Record<string, unknown>[];
        tables[entity] = digestOf(rows.map((r) => ({ id: String(r.id), data: toEntity(r) })));
      }
      return { tables, seq: Number(seq) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
