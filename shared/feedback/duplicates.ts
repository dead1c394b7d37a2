/** Possible duplicates of a new report: same category within ~50 m (FixMyStreet practice). */

/** [longitude, latitude] in WGS84 degrees, the order used by GeoJSON and `shared/domain`. */
export type LonLat = readonly [number, number];

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres between two [lon, lat] points. */
export function haversineMeters(a: LonLat, b: LonLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLon = rad(b[0] - a[0]);
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

export interface DuplicateCandidateInput {
  id: string;
  category: string;
  location: LonLat | null;
  receivedAt?: number;
}

export interface DuplicateOptions {
  radiusM?: number;
  sameCategory?: boolean;
  /** Ignore cases received before this instant (epoch ms). */
  sinceMs?: number;
}

/**
 * Open cases within `radiusM` (default 50 m) of the new one, nearest first (ties: older first, then
 * id). Cases without a location, and the new case itself, are never candidates.
 */
export function findDuplicateCandidates<T extends DuplicateCandidateInput>(
  newCase: DuplicateCandidateInput,
  openCases: readonly T[],
  opts: DuplicateOptions = {},
): Array<{ case: T; distanceM: number }> {
  const { radiusM = 50, sameCategory = true, sinceMs } = opts;
  const here = newCase.location;
  if (!here) return [];
  const out: Array<{ case: T; distanceM: number }> = [];
  for (const c of openCases) {
    if (c.id === newCase.id || !c.location) continue;
    if (sameCategory && c.category !== newCase.category) continue;
    if (sinceMs !== undefined && (c.receivedAt ?? Infinity) < sinceMs) continue;
    const distanceM = haversineMeters(here, c.location);
    if (distanceM <= radiusM) out.push({ case: c, distanceM });
  }
  return out.sort(
    (x, y) =>
      x.distanceM - y.distanceM ||
      (x.case.receivedAt ?? 0) - (y.case.receivedAt ?? 0) ||
      (x.case.id < y.case.id ? -1 : x.case.id > y.case.id ? 1 : 0),
  );
}
