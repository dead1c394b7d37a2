import type { Prng } from './prng';

export type LonLat = [number, number];
export type MultiPolygon = LonLat[][][];

function inRing([x, y]: LonLat, ring: LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Ray casting; the first ring of each polygon is its outline, the rest are holes. */
export function inMultiPolygon(p: LonLat, mp: MultiPolygon): boolean {
  return mp.some(([outer, ...holes]) => inRing(p, outer) && !holes.some((h) => inRing(p, h)));
}

const round5 = (n: number) => Math.round(n * 1e5) / 1e5;

/**
 * A point near `near` (within `radiusDeg`) that lies inside the area, found by rejection
 * sampling; widens the radius if the area is narrow there.
 */
export function pointInside(mp: MultiPolygon, near: LonLat, radiusDeg: number, rng: Prng): LonLat {
  for (let attempt = 0, r = radiusDeg; attempt < 500; attempt++, r *= attempt % 50 === 0 ? 1.5 : 1) {
    const p: LonLat = [round5(near[0] + (rng.next() * 2 - 1) * r), round5(near[1] + (rng.next() * 2 - 1) * r)];
    if (inMultiPolygon(p, mp)) return p;
  }
  throw new Error('pointInside: no point found');
}
