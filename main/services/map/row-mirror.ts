import type Database from 'better-sqlite3';

/**
 * The rows of one cached entity, kept in memory and refreshed incrementally: only rows whose
 * change-log position (`seq`) moved are read and parsed again; deletions are found by comparing
 * the row count and, only when it differs, the id list. The entity is a plain string so the mirror
 * also reads entities newer than this build's enum (e.g. `facility`).
 */
export class RowMirror {
  private rows = new Map<string, { seq: number; data: Record<string, unknown> }>();
  private maxSeq = 0;

  constructor(readonly entity: string) {}

  /** Bring the mirror up to date; returns the ids that changed (upserted or deleted) since last time. */
  refresh(db: Database.Database): { changed: Set<string>; removed: Set<string> } {
    const changed = new Set<string>();
    const removed = new Set<string>();
    const fresh = db.prepare('SELECT id, seq, data FROM cache_rows WHERE entity = ? AND seq > ?').all(this.entity, this.maxSeq) as Array<{ id: string; seq: number; data: string }>;
    for (const r of fresh) {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(r.data) as Record<string, unknown>;
      } catch {
        continue; // unreadable row: skipped, never a crash
      }
      this.rows.set(r.id, { seq: r.seq, data });
      if (r.seq > this.maxSeq) this.maxSeq = r.seq;
      changed.add(r.id);
    }
    const { n } = db.prepare('SELECT count(*) AS n FROM cache_rows WHERE entity = ?').get(this.entity) as { n: number };
    if (n !== this.rows.size) {
      const ids = new Set((db.prepare('SELECT id FROM cache_rows WHERE entity = ?').pluck().all(this.entity) as string[]));
      for (const id of [...this.rows.keys()])
        if (!ids.has(id)) {
          this.rows.delete(id);
          removed.add(id);
        }
    }
    return { changed, removed };
  }

  get size(): number {
    return this.rows.size;
  }

  values(): IterableIterator<[string, { seq: number; data: Record<string, unknown> }]> {
    return this.rows.entries();
  }

  get(id: string): Record<string, unknown> | undefined {
    return this.rows.get(id)?.data;
  }
}
