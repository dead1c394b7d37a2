import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { DossierEvent, WaterStation } from '../../shared/domain/entities';
import { waterReadings } from '../db/schema';
import type { Logger } from '../log';
import { readEntity, withWriteTx, type WriteContext } from '../sync/writer';
import { COMMUNES, PROCEDURES, WATER_STATIONS } from './catalog';
import { newCase, seedContext, type SeedContext } from './demo-seed';

const HOUR = 3_600_000;

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
  /** Highest alarm level (0–3) already alerted per station during the current rise. */
  private alerted = new Map<string, number>();
  private rain = 0;
  private openDossiers: Array<Pick<DossierEvent, 'dossierId' | 'procedure' | 'agencyId' | 'unitId' | 'online' | 'dueAt'>> = [];

  constructor(
    private readonly ctx: WriteContext,
    private readonly now: () => Date,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {
    this.s = seedContext(now(), now().getTime() & 0x7fffffff);
  }

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
        await w.upsert('feedback_case', [fc]);
        await w.upsert('case_event', [{ id: randomUUID(), caseId: fc.id, at: fc.receivedAt, actor: 'Công dân (ứng dụng Smart Trà My)', action: 'received', text: null }]);
      }
      await w.upsert('dossier_event', this.dossierEvents(now, rng.int(1, 3)));
      for (const [id] of WATER_STATIONS) {
        const station = (await readEntity(w.tx, 'water_station', id)) as WaterStation | null;
        if (!station) continue;
        const level = Math.max(0.3, (this.levels.get(id) ?? 2) + this.rain * 0.5 + (rng.next() - 0.55) * 0.12);
        this.levels.set(id, Math.round(level * 100) / 100);
        await w.upsert('water_reading', [{ id: randomUUID(), stationId: id, at: new Date(now).toISOString(), levelM: this.levels.get(id) }]);
        const { bd1, bd2, bd3 } = station.alarm;
        const band = level >= bd3 ? 3 : level >= bd2 ? 2 : level >= bd1 ? 1 : 0;
        if (band === 0) this.alerted.delete(id);
        else if (band > (this.alerted.get(id) ?? 0)) {
          this.alerted.set(id, band);
          await w.upsert('alert', [{ id: randomUUID(), kind: 'water_level', severity: band === 1 ? 'warning' : 'critical', title: `Mực nước vượt BĐ${band} (${level.toFixed(2)} m) tại ${station.name}`, unitId: station.unitId, raisedAt: new Date(now).toISOString(), acknowledgedAt: null, acknowledgedBy: null, note: null }]);
        }
      }
    });
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
