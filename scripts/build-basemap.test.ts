// The committed basemap (resources/map/data) is what buildBasemap makes from resources/data and
// the seeded admin units. UPDATE_BASEMAP=1 npx vitest run scripts/build-basemap.test.ts rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAdminUnits } from '../server/seed/admin-units';
import { loadDistrictData } from '../server/seed/district-data';
import { inMultiPolygon, type LonLat, type MultiPolygon } from '../server/seed/geo';
import { BASEMAP_FILES, buildBasemap, type FeatureCollection } from './build-basemap';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = (f: string) => JSON.parse(readFileSync(join(root, 'resources/data', f), 'utf8'));
const outDir = join(root, 'resources/map/data');
const built = buildBasemap({
  communes: src('bac_tra_my_area_communes_post2025.geojson'),
  districts: src('bac_tra_my_with_neighbour_districts_pre2025.geojson'),
  units: buildAdminUnits(loadDistrictData()),
});
const text = (c: FeatureCollection) => `${JSON.stringify(c)}\n`;
if (process.env.UPDATE_BASEMAP === '1') for (const f of BASEMAP_FILES) writeFileSync(join(outDir, f), text(built[f]));
const shipped = (f: string): FeatureCollection => JSON.parse(readFileSync(join(outDir, f), 'utf8'));
const multi = (g: { type: string; coordinates: unknown }) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MultiPolygon;

describe('basemap data (resources/map/data)', () => {
  it.each(BASEMAP_FILES)('%s is up to date', (f) => {
    expect(readFileSync(join(outDir, f), 'utf8'), `run UPDATE_BASEMAP=1 npx vitest run scripts/build-basemap.test.ts`).toBe(text(built[f]));
  });

  it('has both code lists: 5 commune polygons (2025) and 13 pre-2025 units as centre points', () => {
    const communes = shipped('communes_2025.geojson').features;
    expect(communes.map((f) => f.properties.name).sort()).toEqual(['Xã Trà Giáp', 'Xã Trà Liên', 'Xã Trà My', 'Xã Trà Tân', 'Xã Trà Đốc']);
    expect(communes.every((f) => f.geometry.type === 'MultiPolygon')).toBe(true);
    const old = shipped('units_pre2025.geojson').features;
    expect(old).toHaveLength(13);
    expect(old.map((f) => f.properties.code)).toContain('20899');
    expect(old.every((f) => f.geometry.type === 'Point' && f.properties.approximate === true)).toBe(true);
    expect(shipped('neighbours_pre2025.geojson').features.map((f) => f.properties.name)).toContain('Huyện Nam Trà My');
  });

  it('puts every office, label and pre-2025 centre inside its commune, and every commune inside the old district', () => {
    const communes = new Map(shipped('communes_2025.geojson').features.map((f) => [f.properties.unitId, multi(f.geometry)]));
    const district = multi(shipped('district_pre2025.geojson').features[0].geometry);
    for (const file of ['commune_offices_2025.geojson', 'communes_2025_labels.geojson'] as const) {
      for (const f of shipped(file).features) expect(inMultiPolygon(f.geometry.coordinates as LonLat, communes.get(f.properties.unitId)!), `${file} ${f.properties.name}`).toBe(true);
    }
    for (const f of shipped('units_pre2025.geojson').features) {
      const p = f.geometry.coordinates as LonLat;
      expect(inMultiPolygon(p, communes.get(f.properties.successorId)!), String(f.properties.name)).toBe(true);
      expect(inMultiPolygon(p, district), String(f.properties.name)).toBe(true);
    }
  });
});
