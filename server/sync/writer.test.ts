import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeLog } from '../db/schema';
import { type Harness, startHarness } from '../test/harness';
import { ChangeFeed } from './change-feed';
import { currentSeq, readEntity, withWriteTx } from './writer';

describe('writer with deferred writes (a push batch)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('keeps the versions of a row in order when one cannot be deferred, and a failed step leaves none of its rows', async () => {
    const ctx = { db: h.server.db, feed: new ChangeFeed() };
    const id = 'al-0030';
    const base = (await readEntity(h.server.db.orm, 'alert', id))!;
    expect(base).not.toBeNull();
    const { note: _omitted, ...withoutNote } = base;
    const start = await currentSeq(h.server.db.orm);

    await withWriteTx(
      ctx,
      async (w) => {
        await w.step(() => w.upsert('alert', [{ ...base, note: 'v1' }]));
        // Deferred rows are not in the table yet: raw access to the transaction is refused.
        expect(() => w.tx).toThrow(/deferred/);
        // A column left out takes the SQL default: not computable, so written (and read back) at once.
        const [v2] = await w.step(() => w.upsert('alert', [{ ...withoutNote, title: 'v2' }]));
        expect(v2).toMatchObject({ title: 'v2', note: null });
        await expect(
          w.step(async () => {
            await w.upsert('alert', [{ ...base, note: 'rolled back before any statement' }]);
            throw new Error('rejected');
          }),
        ).rejects.toThrow('rejected');
        await w.step(() => w.upsert('alert', [{ ...base, title: 'v3', note: 'v3' }]));
        await expect(
          w.step(async () => {
            await w.upsert('alert', [{ ...base, note: 'rolled back after a statement' }]);
            expect(await w.read('alert', 'al-nope')).toBeNull(); // a statement: the step's savepoint opens here
            throw new Error('rejected');
          }),
        ).rejects.toThrow('rejected');
        expect(await w.read('alert', id)).toMatchObject({ title: 'v3', note: 'v3' });
        // A deferred version, then one written at once (same step): the deferred one goes first, not over it.
        await w.step(async () => {
          await w.upsert('alert', [{ ...base, title: 'v4', note: 'v4' }]);
          await w.upsert('alert', [{ ...withoutNote, title: 'v5' }]);
        });
        expect(await w.read('alert', id)).toMatchObject({ title: 'v5', note: null });
      },
      { deferWrites: true },
    );

    const stored = await readEntity(h.server.db.orm, 'alert', id);
    expect(stored).toMatchObject({ title: 'v5', note: null });
    const log = await h.server.db.orm
      .select()
      .from(changeLog)
      .where(and(gt(changeLog.seq, start), eq(changeLog.entityId, id)))
      .orderBy(changeLog.seq);
    expect(log.map((c) => [(c.data as { title: string }).title, (c.data as { note: string | null }).note])).toEqual([
      [base.title, 'v1'],
      ['v2', null],
      ['v3', 'v3'],
      ['v4', 'v4'],
      ['v5', null],
    ]);
    expect(log.at(-1)!.data).toEqual(stored);
  });
});
