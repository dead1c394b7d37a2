import type { MapFeature } from '../../../shared/contracts/map.contract';
import { alarmBand } from '../../../shared/map/palette';
import type { StreamHealth } from '../../../shared/video/streams';
import { LEVELS, phaseOf, type Thresholds } from '../feedback/sla-index';

/** Pure builders: one cached row (+ context) → one map feature, or null when it has no place on the map. */

type Row = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** `[lon, lat]` (the entities' `location`), or `lon`/`lat` fields; null when absent or out of range. */
export function lonLatOf(row: Row, key = 'location'): [number, number] | null {
  const v = row[key];
  let lon: number | null = null;
  let lat: number | null = null;
  if (Array.isArray(v) && v.length >= 2) [lon, lat] = [num(v[0]), num(v[1])];
  else if (v && typeof v === 'object') [lon, lat] = [num((v as Row).lon ?? (v as Row).lng), num((v as Row).lat)];
  else [lon, lat] = [num(row.lon), num(row.lat)];
  if (lon === null || lat === null || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return [lon, lat];
}

export type CameraMapState = 'live' | 'starting' | 'reconnecting' | 'failed' | 'idle' | 'disabled';

/** One colour per camera: the best of its two stream pulls (live beats trouble; idle = nobody watching). */
export function cameraState(enabled: boolean, health: StreamHealth[]): CameraMapState {
  if (!enabled) return 'disabled';
  const states = health.map((h) => h.state);
  if (states.includes('live')) return 'live';
  if (states.includes('reconnecting')) return 'reconnecting';
  if (states.includes('failed')) return 'failed';
  if (states.includes('starting')) return 'starting';
  return 'idle';
}

export function cameraFeature(id: string, row: Row, health: StreamHealth[]): MapFeature | null {
  const at = lonLatOf(row);
  if (!at) return null;
  return {
    id,
    lon: at[0],
    lat: at[1],
    props: { name: str(row.name) ?? id, group: str(row.group), unitId: str(row.unitId), state: cameraState(row.enabled !== false, health) },
  };
}

export type CaseSlaState = 'overdue' | 'dueSoon' | 'ok' | 'done';

/** The SLA colour of a case from the queue's thresholds (same rules as the feedback queue's filters). */
export function caseSlaState(row: Row, th: Thresholds): CaseSlaState {
  const status = str(row.status) ?? '';
  const level = str(row.level);
  const phase = phaseOf(status);
  if (phase === 'done' || !level || !(LEVELS as readonly string[]).includes(level)) return 'done';
  const received = Date.parse(str(row.receivedAt) ?? '');
  if (!Number.isFinite(received)) return 'ok';
  const g = th.groups.find((x) => x.level === level && x.phase === phase);
  if (!g) return 'ok';
  if (received <= g.overdueMax) return 'overdue';
  if (received <= g.dueSoonMax) return 'dueSoon';
  return 'ok';
}

export function caseFeature(id: string, row: Row, th: Thresholds): MapFeature | null {
  const at = lonLatOf(row);
  if (!at) return null;
  const sla = caseSlaState(row, th);
  return {
    id,
    lon: at[0],
    lat: at[1],
    props: {
      title: str(row.title) ?? id,
      status: str(row.status),
      level: str(row.level),
      category: str(row.category),
      unitId: str(row.unitId),
      // The heatmap weighs a case by this too (the style: what still needs doing weighs more).
      sla,
    },
  };
}

export function waterFeature(id: string, row: Row, latest: { at: string; levelM: number } | undefined): MapFeature | null {
  const at = lonLatOf(row);
  if (!at) return null;
  const a = row.alarm as Row | undefined;
  const alarm = a && num(a.bd1) !== null && num(a.bd2) !== null && num(a.bd3) !== null ? { bd1: a.bd1 as number, bd2: a.bd2 as number, bd3: a.bd3 as number } : null;
  const level = latest?.levelM ?? null;
  const band = alarmBand(level, alarm);
  return {
    id,
    lon: at[0],
    lat: at[1],
    props: {
      name: str(row.name) ?? id,
      river: str(row.river),
      cameraId: str(row.cameraId),
      levelM: level,
      readingAt: latest?.at ?? null,
      bd1: alarm?.bd1 ?? null,
      bd2: alarm?.bd2 ?? null,
      bd3: alarm?.bd3 ?? null,
      band: band ?? -1,
    },
  };
}

/** Schools and health stations (`facility` rows): kind `school` / `health_station` (others folded), level kept for the popup. */
export function facilityFeature(id: string, row: Row): MapFeature | null {
  const at = lonLatOf(row);
  if (!at) return null;
  const raw = (str(row.kind) ?? '').toLowerCase();
  const kind = raw === 'school' || raw === 'health_station' ? raw : /school|education/.test(raw) ? 'school' : /health|clinic|hospital|medical/.test(raw) ? 'health_station' : 'other';
  return { id, lon: at[0], lat: at[1], props: { name: str(row.name) ?? id, kind, level: str(row.level), unitId: str(row.unitId), address: str(row.address) } };
}

/** Commune-level units of both code lists at their centres (pre-2025 communes have no shipped polygons). */
export function unitFeature(id: string, row: Row): MapFeature | null {
  const level = str(row.level);
  if (level !== 'commune' && level !== 'town') return null;
  const at = lonLatOf(row, 'center');
  if (!at) return null;
  return { id, lon: at[0], lat: at[1], props: { name: str(row.name) ?? id, code: str(row.code), codeList: str(row.codeList), level, successorId: str(row.successorId) } };
}
