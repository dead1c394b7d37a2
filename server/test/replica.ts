/**
 * What a desktop client does with the protocol, minimally: pull pages from a cursor and apply each
 * change in order; then digest its tables the way the server does (shared canonical.ts + sha256).
 */
import { createHash } from 'node:crypto';
import { ENTITIES, type Entity } from '../../shared/domain/entities';
import { digestLines } from '../../shared/sync/canonical';
import { type Change, PullResponse } from '../../shared/sync/protocol';
import { request } from './harness';

export class Replica {
  cursor = 0;
  readonly tables = new Map<Entity, Map<string, unknown>>(ENTITIES.map((e) => [e, new Map()]));
  readonly seen: number[] = [];

  apply(changes: Change[]): void {
    for (const c of changes) {
      this.seen.push(c.seq);
      const t = this.tables.get(c.entity)!;
      if (c.op === 'delete') t.delete(c.id);
      else t.set(c.id, c.data);
    }
  }

  /** Pulls until hasMore is false; returns the number of pages. */
  async pullAll(url: string, token: string, limit = 1000): Promise<number> {
    let pages = 0;
    for (;;) {
      const r = await request(url, 'GET', `/api/v1/sync/pull?since=${this.cursor}&limit=${limit}`, { token });
      if (r.status !== 200) throw new Error(`pull: ${r.status} ${r.text}`);
      const page = PullResponse.parse(r.body);
      this.apply(page.changes);
      this.cursor = page.cursor;
      pages++;
      if (!page.hasMore) return pages;
    }
  }

  digest(): Record<Entity, { count: number; sha256: string }> {
    const out = {} as Record<Entity, { count: number; sha256: string }>;
    for (const [entity, rows] of this.tables) {
      const lines = digestLines([...rows].map(([id, data]) => ({ id, data })));
      out[entity] = { count: rows.size, sha256: createHash('sha256').update(lines).digest('hex') };
    }
    return out;
  }
}
