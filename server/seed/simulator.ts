import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DossierEvent } from '../../shared/domain/entities';
import { findCategory } from '../../shared/feedback/categories';
import type { FeedbackAction } from '../../shared/feedback/workflow';
import { feedbackCases, waterReadings } from '../db/schema';
import { type Actor, applyCaseAction, DEFAULT_FEEDBACK_CONFIG, type FeedbackConfig } from '../feedback/case-model';
import { CommandRejected } from '../sync/commands/rejected';
import { demoPhotoRefs } from './demo-photos';
import { intakeCase } from '../feedback/story';
import type { Logger } from '../log';
import { withWriteTx, type WriteContext, type Writer } from '../sync/writer';
import { COMMUNES, PROCEDURES, WATER_STATIONS } from './catalog';
import { newCase, seedContext, type SeedContext } from './demo-seed';
import { raiseWaterAlerts } from '../kpi/water-alerts';

const HOUR = 3_600_000;
const SIM_OFFICERS = ['Lê Văn Tùng', 'Hồ Thị Mai', 'Phạm Ngọc Sơn', 'Đinh Văn Lực'];
const SIM_ANSWERS = [
  'Đơn vị đã kiểm tra hiện trường và khắc phục xong, mời người dân kiểm tra lại.',
  'Đã xử lý dứt điểm; tổ công tác sẽ tiếp tục theo dõi trong tuần tới.',
  'Đã phối hợp với thôn khắc phục, khu vực đi lại bình thường.',
];

/**
 * Keeps the demo district alive: every tick a few new cases, dossier events and water readings,
 * written through the same write path as operator commands (change log + live channel). Rain comes
 * in spells, so the rivers now and then climb over BĐ1 and raise a water_level alert.
 */
export class Simulator {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly s: SeedContext;
  private levels = new Map<string, number>();
  private rain = 0;
  private openDossiers: Array<Pick<DossierEvent, 'dossierId' | 'procedure' | 'agencyId' | 'unitId' | 'online' | 'dueAt'>> = [];

  constructor(
    private readonly ctx: WriteContext,
    private readonly now: () => Date,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly feedback: FeedbackConfig = DEFAULT_FEEDBACK_CONFIG,
  ) {
    this.s = seedContext(now(), now().getTime() & 0x7fffffff);
    this.photos = demoPhotoRefs(null);
  }
  private readonly photos: string[];

  start(): void {
    this.timer = setInterval(() => {
      // Ticks never overlap: a slow database just makes the district quieter.
      this.running = this.running.then(() => this.tick()).catch((err) => this.log('warn', 'simulator tick failed', { err }));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async tick(): Promise<void> {
    const { rng } = this.s;
    const now = this.now().getTime();
    this.s.now = now;
    if (!this.levels.size) await this.loadLevels();
    this.rain = Math.max(0, this.rain + (rng.chance(0.08) ? rng.next() * 0.6 : -0.05));
    await withWriteTx(this.ctx, async (w) => {
      if (rng.chance(0.5)) {
        const fc = newCase(this.s, randomUUID(), now);
        await intakeCase(w, fc, { name: 'Công dân (ứng dụng Smart Trà My)', role: 'citizen' }, null, this.feedback, new Date(now));
      }
      if (rng.chance(0.35)) await this.advanceCase(w, new Date(now));
      await w.upsert('dossier_event', this.dossierEvents(now, rng.int(1, 3)));
      for (const [id] of WATER_STATIONS) {
        // Through the writer: raiseWaterAlerts below reads the same station from its memory.
        if (!(await w.read('water_station', id))) continue;
        const level = Math.max(0.3, (this.levels.get(id) ?? 2) + this.rain * 0.5 + (rng.next() - 0.55) * 0.12);
        this.levels.set(id, Math.round(level * 100) / 100);
        const reading = { id: randomUUID(), stationId: id, at: new Date(now).toISOString(), levelM: this.levels.get(id)! };
        await w.upsert('water_reading', [reading]);
        // Over an alarm level: the same rule as readings imported from the province's feed.
        await raiseWaterAlerts(w, [reading]);
      }
    });
  }

  /**
   * Officers at work: one open case takes its next workflow step (accepted, assigned, started,
   * resolved with an answer and an "after" photo), through the same path as an operator command.
   */
  async advanceCase(w: Writer, at: Date): Promise<string | null> {
    const { rng } = this.s;
    const open = await w.tx
      .select({ id: feedbackCases.id, status: feedbackCases.status, category: feedbackCases.category, agencyId: feedbackCases.agencyId, unitId: feedbackCases.unitId })
      .from(feedbackCases)
      .where(and(inArray(feedbackCases.status, ['received', 'triage', 'assigned', 'in_progress']), eq(feedbackCases.paused, false)))
      .orderBy(asc(feedbackCases.receivedAt))
      .limit(40);
    if (!open.length) return null;
    const c = rng.pick(open);
    const officer: Actor = { name: rng.pick(SIM_OFFICERS), role: 'officer' };
    const operator: Actor = { name: 'Nguyễn Thị Hoa', role: 'operator' };
    const commune = c.unitId?.startsWith('vn-2025:') ? c.unitId.slice(8) : null;
    const agencyId = c.agencyId ?? (commune ? `ag-ubnd-${commune}` : 'ag-ubnd-huyen');
    let action: FeedbackAction;
    let actor = operator;
    if (c.status === 'received') action = { type: 'triage' };
    else if (c.status === 'triage') action = { type: 'assign', agencyId, officer: officer.name };
    else if (c.status === 'assigned') [action, actor] = [{ type: 'start' }, officer];
    else {
      const needsPhoto = findCategory(c.category)?.needsFixPhoto ?? false;
      action = { type: 'resolve', answer: rng.pick(SIM_ANSWERS), photos: needsPhoto ? [rng.pick(this.photos)] : [] };
      actor = officer;
    }
    try {
      await w.savepoint((sp) => applyCaseAction(sp, c.id, action, actor, at, this.feedback));
      return c.id;
    } catch (err) {
      if (err instanceof CommandRejected) return null; // e.g. an agency missing from an older database
      throw err;
    }
  }

  private async loadLevels() {
    for (const [id, , , , , , , usual] of WATER_STATIONS) {
      const [last] = await this.ctx.db.orm.select({ levelM: waterReadings.levelM }).from(waterReadings).where(eq(waterReadings.stationId, id)).orderBy(desc(waterReadings.at)).limit(1);
      this.levels.set(id, last?.levelM ?? usual);
    }
  }

  /** New dossiers arrive; earlier ones (from this run) get finished. */
  private dossierEvents(now: number, n: number): DossierEvent[] {
    const { rng } = this.s;
    const out: DossierEvent[] = [];
    for (let i = 0; i < n; i++) {
      const at = new Date(now).toISOString();
      if (this.openDossiers.length > 5 && rng.chance(0.5)) {
        const d = this.openDossiers.splice(rng.int(0, this.openDossiers.length - 1), 1)[0];
        const kind: DossierEvent['kind'] = d.dueAt && Date.parse(d.dueAt) < now ? 'completed_late' : rng.chance(0.4) ? 'completed_early' : 'completed_on_time';
        out.push({ ...d, id: randomUUID(), kind, at, digitized: rng.chance(0.9), rating: rng.chance(0.3) ? rng.int(3, 5) : null });
      } else {
        const commune = rng.pick(COMMUNES);
        const d = { dossierId: `HS-${randomUUID().slice(0, 8).toUpperCase()}`, procedure: rng.pick(PROCEDURES), agencyId: `ag-ubnd-${commune}`, unitId: `vn-2025:${commune}`, online: rng.chance(0.62), dueAt: new Date(now + rng.int(24, 240) * HOUR).toISOString() };
        this.openDossiers.push(d);
        const hasFee = rng.chance(0.35);
        out.push({ ...d, id: randomUUID(), kind: 'received', at, hasFee, paidOnline: hasFee && d.online && rng.chance(0.6) });
      }
    }
    return out;
  }
}
