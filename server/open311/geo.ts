/** Which post-2025 commune of Bắc Trà My a point lies in (shipped polygons, resources/data). */
import { loadDistrictData } from '../seed/district-data';
import { inMultiPolygon, type LonLat } from '../seed/geo';

let data: ReturnType<typeof loadDistrictData> | null = null;

/** Unit id (`vn-2025:<code>`) of the commune containing [lon, lat], or null outside the district. */
export function communeAt(p: LonLat): string | null {
  data ??= loadDistrictData();
  const hit = data.communes.find((c) => inMultiPolygon(p, c.area));
  if (hit) return `vn-2025:${hit.code}`;
  // Inside the old district outline but in a sliver between commune polygons: nearest commune centre.
  if (!inMultiPolygon(p, data.outline)) return null;
  let best = data.communes[0];
  let bestD = Infinity;
  for (const c of data.communes) {
    const d = (c.center[0] - p[0]) ** 2 + (c.center[1] - p[1]) ** 2;
    if (d < bestD) [best, bestD] = [c, d];
  }
  return `vn-2025:${best.code}`;
}

/** A point inside the given commune (its administrative centre), for examples and tests. */
export function communeCenter(code: string): LonLat {
  data ??= loadDistrictData();
  const c = data.communes.find((x) => x.code === code);
  if (!c) throw new Error(`unknown commune ${code}`);
  return c.center;
}
