/**
 * Builds the offline basemap GeoJSON (resources/map/data) from the district reference data
 * (resources/data, see its PROVENANCE.md) and the admin units the server seeds. The files are
 * committed; `scripts/build-basemap.test.ts` fails when they drift and rewrites them with
 * UPDATE_BASEMAP=1 (it runs under vitest, which resolves the server's `?raw` data imports).
 *
 * Geometry is copied unchanged (already rounded to 5 decimals and small: ~6 k vertices in all),
 * only the properties are normalised to what the map layers and the entities use (`unitId`).
 */
import type { AdminUnit } from '../shared/domain/entities';

type Position = [number, number];
interface Feature {
  type: 'Feature';
  id?: number;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  name: string;
  attribution: string;
  features: Feature[];
}

export interface BasemapInputs {
  /** resources/data/bac_tra_my_area_communes_post2025.geojson (parsed) */
  communes: { features: Array<{ properties: Record<string, unknown>; geometry: Feature['geometry'] }> };
  /** resources/data/bac_tra_my_with_neighbour_districts_pre2025.geojson (parsed) */
  districts: { features: Array<{ properties: Record<string, unknown>; geometry: Feature['geometry'] }> };
  /** the seeded admin units (server/seed/admin-units.ts), for the pre-2025 unit centres */
  units: AdminUnit[];
}

const ATTR_DVHCVN = 'Ranh giới 2019: gis.chinhphu.vn qua daohoangson/dvhcvn (GPL-3.0)';
const ATTR_2025 = 'Ranh giới xã 2025: gis.vn, sapnhap.bando.com.vn qua lamngockhuong/vietnam-3d-map (MIT; tạm thời)';

export const BASEMAP_FILES = [
  'district_pre2025.geojson',
  'neighbours_pre2025.geojson',
  'neighbours_pre2025_labels.geojson',
  'communes_2025.geojson',
  'communes_2025_labels.geojson',
  'commune_offices_2025.geojson',
  'units_pre2025.geojson',
] as const;
export type BasemapFile = (typeof BASEMAP_FILES)[number];

type Ring = Position[];
function inRing([x, y]: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function distToRing([x, y]: Position, ring: Ring): number {
  let best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[j];
    const [bx, by] = ring[i];
    const dx = bx - ax;
    const dy = by - ay;
    const t = dx || dy ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy))) : 0;
    best = Math.min(best, Math.hypot(x - (ax + t * dx), y - (ay + t * dy)));
  }
  return best;
}
const ringArea = (r: Ring) => Math.abs(r.reduce((s, [x, y], i) => s + x * r[(i + 1) % r.length][1] - r[(i + 1) % r.length][0] * y, 0)) / 2;

/**
 * One label point per district (a MultiPolygon would get a label per part): the point of its
 * largest part farthest from the edges, on a 60×60 grid — a coarse pole of inaccessibility.
 */
export function labelPoint(g: { type: string; coordinates: unknown }): Position {
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Ring[][];
  const [outer, ...holes] = polys.reduce((a, b) => (ringArea(b[0]) > ringArea(a[0]) ? b : a));
  const xs = outer.map((p) => p[0]);
  const ys = outer.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best: Position = outer[0];
  let bestD = -1;
  for (let i = 1; i < 60; i++) {
    for (let j = 1; j < 60; j++) {
      const p: Position = [x0 + ((x1 - x0) * i) / 60, y0 + ((y1 - y0) * j) / 60];
      if (!inRing(p, outer) || holes.some((h) => inRing(p, h))) continue;
      const d = Math.min(distToRing(p, outer), ...holes.map((h) => distToRing(p, h)));
      if (d > bestD) [best, bestD] = [p, d];
    }
  }
  return [Math.round(best[0] * 1e5) / 1e5, Math.round(best[1] * 1e5) / 1e5];
}

const fc = (name: string, attribution: string, features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', name, attribution, features });
const point = (coordinates: Position): Feature['geometry'] => ({ type: 'Point', coordinates });

export function buildBasemap({ communes, districts, units }: BasemapInputs): Record<BasemapFile, FeatureCollection> {
  const district = districts.features.find((f) => f.properties.district_code === '515');
  if (!district) throw new Error('basemap: district 515 missing from the neighbour file');
  const byId = new Map(units.map((u) => [u.id, u]));
  const oldUnits = units.filter((u) => u.codeList === 'vn-2019' && (u.level === 'commune' || u.level === 'town'));
  const communeProps = (p: Record<string, unknown>) => {
    const code = String(p.commune_code_2025);
    return {
      unitId: `vn-2025:${code}`,
      code,
      codeList: 'vn-2025',
      name: `Xã ${p.name}`,
      shortName: String(p.name),
      areaKm2: p.area_km2,
      population: p.population,
      densityPerKm2: p.density_per_km2,
      beforeMerger: p.before_merger,
      adminCenter: p.admin_center,
    };
  };
  return {
    'district_pre2025.geojson': fc('district_pre2025', ATTR_DVHCVN, [
      { type: 'Feature', id: 515, properties: { unitId: 'vn-2019:515', code: '515', codeList: 'vn-2019', name: 'Huyện Bắc Trà My', validTo: '2025-06-30' }, geometry: district.geometry },
    ]),
    'neighbours_pre2025.geojson': fc(
      'neighbours_pre2025',
      ATTR_DVHCVN,
      districts.features
        .filter((f) => f !== district)
        .map((f) => ({
          type: 'Feature',
          id: Number(f.properties.district_code),
          properties: { code: String(f.properties.district_code), codeList: 'vn-2019', name: String(f.properties.district_name), provinceName: String(f.properties.province_name) },
          geometry: f.geometry,
        })),
    ),
    'neighbours_pre2025_labels.geojson': fc(
      'neighbours_pre2025_labels',
      ATTR_DVHCVN,
      districts.features
        .filter((f) => f !== district)
        .map((f) => ({
          type: 'Feature',
          id: Number(f.properties.district_code),
          properties: { code: String(f.properties.district_code), codeList: 'vn-2019', name: String(f.properties.district_name) },
          geometry: point(labelPoint(f.geometry)),
        })),
    ),
    'communes_2025.geojson': fc(
      'communes_2025',
      ATTR_2025,
      communes.features.map((f) => ({ type: 'Feature', id: Number(f.properties.commune_code_2025), properties: communeProps(f.properties), geometry: f.geometry })),
    ),
    'communes_2025_labels.geojson': fc(
      'communes_2025_labels',
      ATTR_2025,
      communes.features.map((f) => ({ type: 'Feature', id: Number(f.properties.commune_code_2025), properties: communeProps(f.properties), geometry: point(f.properties.label_point as Position) })),
    ),
    'commune_offices_2025.geojson': fc(
      'commune_offices_2025',
      ATTR_2025,
      communes.features.map((f) => ({
        type: 'Feature',
        id: Number(f.properties.commune_code_2025),
        properties: { ...communeProps(f.properties), office: `UBND xã ${f.properties.name}`, address: f.properties.admin_center },
        geometry: point(f.properties.admin_center_lonlat as Position),
      })),
    ),
    'units_pre2025.geojson': fc(
      'units_pre2025',
      `${ATTR_DVHCVN}; vị trí trung tâm xã trước 2025 là gần đúng (không có ranh giới xã 2019)`,
      oldUnits.map((u) => {
        const successor = u.successorId ? byId.get(u.successorId) : undefined;
        if (!u.center) throw new Error(`basemap: ${u.id} has no centre`);
        return {
          type: 'Feature',
          id: Number(u.code),
          properties: {
            unitId: u.id,
            code: u.code,
            codeList: 'vn-2019',
            name: u.name,
            level: u.level,
            successorId: u.successorId ?? null,
            successorName: successor?.name ?? null,
            validTo: u.validTo,
            // No 2019 commune polygons exist in the shipped data: a point at the (approximate) centre.
            geometryKind: 'centre-point',
            approximate: true,
          },
          geometry: point(u.center),
        };
      }),
    ),
  };
}
