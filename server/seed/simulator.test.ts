import { and, desc, eq, gt } from 'drizzle-orm';
import { FEEDBACK_STATES } from '../../shared/feedback/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alert } from '../../shared/domain/entities';
import { alerts, caseEvents, changeLog, feedbackCases } from '../db/schema';
import { silentLogger } from '../log';
import { ChangeFeed } from '../sync/change-feed';
import { currentSeq, withWriteTx } from '../sync/writer';
import { type Harness, startHarness } from '../test/harness';
import { Simulator } from './simulator';

describe('simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('adds activity through the change log and raises a water_level alert above BĐ1', async () => {
    const feed = new ChangeFeed(0);
    const ctx = { db: h.server.db, feed };
    const heard: number[] = [];
    feed.onDidChange((s) => heard.push(s));
    // Heavy rain: the newest ws-01 reading sits just over BĐ1 (3.5 m).
    const now = new Date();
    await withWriteTx(ctx, (w) => w.upsert('water_reading', [{ id: 'flood-test', stationId: 'ws-01', at: now.toISOString(), levelM: 3.9 }]));
    const before = await currentSeq(h.server.db.orm);
    const sim = new Simulator(ctx, () => new Date(), 1000, silentLogger);
    for (let i = 0; i < 3; i++) await sim.tick();
    const after = await currentSeq(h.server.db.orm);
    expect(after).toBeGreaterThan(before);
    const kinds = await h.server.db.orm.selectDistinct({ entity: changeLog.entity }).from(changeLog).where(gt(changeLog.seq, before));
    expect(kinds.map((k) => k.entity)).toEqual(expect.arrayContaining(['dossier_event', 'water_reading', 'alert']));
    const raised = await h.server.db.orm.select().from(alerts).where(and(eq(alerts.kind, 'water_level'), gt(alerts.raisedAt, new Date(now.getTime() - 1000))));
    expect(raised.length).toBe(1); // once per rise, not once per tick
    expect(Alert.parse({ ...raised[0], raisedAt: raised[0].raisedAt.toISOString(), acknowledgedAt: null }).title).toContain('BĐ1');
    await new Promise((r) => setTimeout(r, 10));
    expect(heard.at(-1)).toBe(after);
  });

  it('moves open cases along the workflow, with history, as officers would', async () => {
    const ctx = { db: h.server.db, feed: new ChangeFeed(0) };
    const sim = new Simulator(ctx, () => new Date(), 1000, silentLogger);
    const moved: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = await withWriteTx(ctx, (w) => sim.advanceCase(w, new Date()));
      if (id) moved.push(id);
    }
    expect(moved.length).toBeGreaterThan(0);
    for (const id of new Set(moved)) {
      const [c] = await h.server.db.orm.select().from(feedbackCases).where(eq(feedbackCases.id, id));
      expect(FEEDBACK_STATES).toContain(c.status);
      const events = await h.server.db.orm.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(desc(caseEvents.at));
      expect(['triage', 'assign', 'start', 'resolve']).toContain(events[0].action);
      expect(events[0].toStatus).toBe(c.status);
      if (c.status === 'resolved') expect(c.answer).toBeTruthy();
    }
  });
});
