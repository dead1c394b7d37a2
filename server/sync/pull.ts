import { sql } from 'drizzle-orm';
import { MAX_PULL_LIMIT, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import { type Executor, rowsOf } from '../db/client';

export const DEFAULT_PULL_LIMIT = 1000;

/**
 * One page of the change log as a ready JSON body (a PullResponse). Row data is taken as the text
 * PostgreSQL stores and spliced in unparsed: the hot path of an initial sync never builds the
 * row objects in JS.
 */
export async function pullPage(exec: Executor, since: number, limit: number, now: Date): Promise<string> {
  const rows = await rowsOf<{ seq: string; entity: string; id: string; op: string; data: string | null }>(
    exec,
    // ORDER BY the table column: the text alias `seq` would sort "10" before "9".
    sql`SELECT c.seq::text AS seq, c.entity, c.entity_id AS id, c.op, c.data::text AS data
        FROM change_log c WHERE c.seq > ${since} ORDER BY c.seq LIMIT ${limit + 1}`,
  );
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const changes = page.map(
    (r) => `{"seq":${r.seq},"entity":${JSON.stringify(r.entity)},"id":${JSON.stringify(r.id)},"op":"${r.op}","data":${r.data ?? 'null'}}`,
  );
  const cursor = page.length ? page[page.length - 1].seq : String(since);
  return `{"protocol":${PROTOCOL_VERSION},"changes":[${changes.join(',')}],"cursor":${cursor},"hasMore":${hasMore},"serverTime":"${now.toISOString()}"}`;
}

export function clampLimit(limit: number | undefined): number {
  return Math.min(MAX_PULL_LIMIT, Math.max(1, limit ?? DEFAULT_PULL_LIMIT));
}
