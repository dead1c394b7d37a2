/**
 * Cyberspace spike alarm (DOMAIN.md): when the last 24 hours' negative mentions about a unit exceed
 * the 7-day baseline (seven previous 24-hour windows) by k standard deviations, raise a synced
 * `cyber_spike` alert for that unit — once per unit and day.
 */
import { gte } from 'drizzle-orm';
import { periodOf } from '../../shared/kpi/periods';
import { rollupTargets, unitName } from '../../shared/kpi/units';
import { cyberMentions } from '../db/schema';
import type { Writer } from '../sync/writer';

const DAY = 86_400_000;
export const SPIKE_K = 2;
/** Fewer negative mentions than this in 24 h is never a spike (a quiet commune going 0 → 2 is not news). */
export const SPIKE_MIN = 4;

export interface Spike {
  unitId: string;
  last24h: number;
  mean: number;
  sd: number;
}

export function findSpikes(mentions: Array<{ unitId: string | null; at: number; negative: boolean }>, now: number, k = SPIKE_K): Spike[] {
  const windows = new Map<string, number[]>(); // unit → negatives per 24 h window, [0] = last 24 h
  for (const m of mentions) {
    if (!m.negative || m.at > now) continue;
    const w = Math.floor((now - m.at) / DAY);
    if (w > 7) continue;
    for (const u of rollupTargets(m.unitId)) {
      let arr = windows.get(u);
      if (!arr) windows.set(u, (arr = new Array(8).fill(0)));
      arr[w]++;
    }
  }
  const out: Spike[] = [];
  for (const [unitId, arr] of windows) {
    const base = arr.slice(1);
    const mean = base.reduce((s, v) => s + v, 0) / base.length;
    const sd = Math.sqrt(base.reduce((s, v) => s + (v - mean) ** 2, 0) / base.length);
    if (arr[0] >= SPIKE_MIN && arr[0] > mean + k * Math.max(sd, 1)) out.push({ unitId, last24h: arr[0], mean: Math.round(mean * 10) / 10, sd: Math.round(sd * 10) / 10 });
  }
  return out;
}

export async function raiseSpikeAlerts(w: Writer, now: Date): Promise<Spike[]> {
  const t = now.getTime();
  const rows = await w.tx.select({ unitId: cyberMentions.unitId, publishedAt: cyberMentions.publishedAt, sentiment: cyberMentions.sentiment }).from(cyberMentions).where(gte(cyberMentions.publishedAt, new Date(t - 8 * DAY)));
  const spikes = findSpikes(rows.map((r) => ({ unitId: r.unitId, at: r.publishedAt.getTime(), negative: r.sentiment === 'negative' })), t);
  const day = periodOf('day', t);
  const alerts = [];
  for (const s of spikes) {
    const id = `cyber-spike:${s.unitId}:${day}`;
    if (await w.read('alert', id)) continue;
    alerts.push({ id, kind: 'cyber_spike', severity: 'critical', title: `Tăng đột biến thông tin tiêu cực về ${unitName(s.unitId)}: ${s.last24h} tin trong 24 giờ (trung bình 7 ngày ${s.mean})`, unitId: s.unitId, raisedAt: now.toISOString(), acknowledgedAt: null, acknowledgedBy: null, note: null });
  }
  if (alerts.length) await w.upsert('alert', alerts);
  return spikes;
}
