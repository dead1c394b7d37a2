import { and, eq, isNull, like, max } from 'drizzle-orm';
import { alarmBand } from '../../shared/map/palette';
import { alerts, waterReadings } from '../db/schema';
import type { Writer } from '../sync/writer';

export interface WaterReadingIn {
  id: string;
  stationId: string;
  /** ISO instant. */
  at: string;
  levelM: number;
}

/** Alert ids carry the station and the band: `wl:<stationId>:<band>:<readingId>`. */
const alertId = (stationId: string, band: number, readingId: string) => `wl:${stationId}:${band}:${readingId}`;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A reading at or above an alarm level raises a `water_level` alert, whatever wrote it (the
 * province's hydrology feed imported over the KPI API, the demo simulator), in the writer's
 * transaction. One alert per station while it stays unacknowledged: an open alert at the same band
 * or higher is enough; a higher band raises a new one (BĐ1 warning, BĐ2/BĐ3 critical). Only a
 * station's newest reading counts: a backfilled older reading raises nothing. Call it after the
 * readings are written. Returns the alerts raised.
 */
export async function raiseWaterAlerts(w: Writer, readings: readonly WaterReadingIn[]): Promise<Array<{ id: string; stationId: string; band: number }>> {
  const newest = new Map<string, WaterReadingIn>();
  for (const r of readings) {
    const prev = newest.get(r.stationId);
    if (!prev || Date.parse(r.at) > Date.parse(prev.at)) newest.set(r.stationId, r);
  }
  const raised: Array<{ id: string; stationId: string; band: number }> = [];
  for (const [stationId, r] of newest) {
    const station = await w.read('water_station', stationId);
    const alarm = station?.alarm as { bd1: number; bd2: number; bd3: number } | undefined;
    if (!station || !alarm) continue;
    const band = alarmBand(r.levelM, alarm);
    if (!band) continue;
    const [latest] = await w.tx.select({ at: max(waterReadings.at) }).from(waterReadings).where(eq(waterReadings.stationId, stationId));
    if (latest?.at && latest.at.getTime() > Date.parse(r.at)) continue;
    const open = await w.tx
      .select({ id: alerts.id })
      .from(alerts)
      .where(and(eq(alerts.kind, 'water_level'), isNull(alerts.acknowledgedAt), like(alerts.id, `wl:${escapeLike(stationId)}:%`)));
    const openBand = Math.max(0, ...open.map((a) => Number(a.id.slice(`wl:${stationId}:`.length).split(':')[0]) || 0));
    if (openBand >= band) continue;
    const id = alertId(stationId, band, r.id);
    await w.upsert('alert', [
      {
        id,
        kind: 'water_level',
        severity: band === 1 ? 'warning' : 'critical',
        title: `Mực nước vượt BĐ${band} (${r.levelM.toFixed(2).replace('.', ',')} m) tại ${String(station.name)}`,
        unitId: (station.unitId as string | null) ?? null,
        raisedAt: new Date(r.at).toISOString(),
        acknowledgedAt: null,
        acknowledgedBy: null,
        note: null,
      },
    ]);
    raised.push({ id, stationId, band });
  }
  return raised;
}
