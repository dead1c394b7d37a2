/**
 * The district reference data the app ships (resources/data, see its PROVENANCE.md), bundled into
 * the server build as text.
 */
import unitsCsv from '../../resources/data/bac_tra_my_admin_units.csv?raw';
import communesGeojson from '../../resources/data/bac_tra_my_area_communes_post2025.geojson?raw';
import outlineGeojson from '../../resources/data/bac_tra_my_district_outline_pre2025.geojson?raw';
import type { LonLat, MultiPolygon } from './geo';

/** Minimal RFC 4180 reader (quoted fields with commas; no embedded newlines in this data). */
export function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.trim().split(/\r?\n/);
  const split = (line: string) => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        out.push(cur);
        cur = '';
      }
      else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i], v])));
}

export interface CrosswalkRow {
  oldProvinceCode: string;
  oldProvinceName: string;
  oldDistrictCode: string;
  oldDistrictName: string;
  oldCode: string;
  oldName: string;
  oldType: string;
  newProvinceCode: string;
  newProvinceName: string;
  newCode: string;
  newName: string;
  legalBasis: string;
}

export interface NewCommune {
  code: string;
  name: string;
  areaKm2: number;
  population: number;
  adminCenter: string;
  center: LonLat;
  area: MultiPolygon;
}

interface Feature<P> {
  properties: P;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}
const asMulti = (g: Feature<unknown>['geometry']): MultiPolygon =>
  (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MultiPolygon;

export function loadDistrictData() {
  const crosswalk: CrosswalkRow[] = parseCsv(unitsCsv).map((r) => ({
    oldProvinceCode: r.old_province_code,
    oldProvinceName: r.old_province_name,
    oldDistrictCode: r.old_district_code,
    oldDistrictName: r.old_district_name,
    oldCode: r.old_commune_code,
    oldName: r.old_commune_name,
    oldType: r.old_commune_type,
    newProvinceCode: r.new_province_code,
    newProvinceName: r.new_province_name,
    newCode: r.new_commune_code,
    newName: r.new_commune_name,
    legalBasis: r.legal_basis,
  }));
  type CommuneProps = { commune_code_2025: string; name: string; area_km2: number; population: number; admin_center: string; admin_center_lonlat: LonLat };
  const communes: NewCommune[] = (JSON.parse(communesGeojson).features as Feature<CommuneProps>[]).map((f) => ({
    code: f.properties.commune_code_2025,
    name: f.properties.name,
    areaKm2: f.properties.area_km2,
    population: f.properties.population,
    adminCenter: f.properties.admin_center,
    center: f.properties.admin_center_lonlat,
    area: asMulti(f.geometry),
  }));
  const outline = asMulti((JSON.parse(outlineGeojson).features as Feature<unknown>[])[0].geometry);
  return { crosswalk, communes, outline };
}
export type DistrictData = ReturnType<typeof loadDistrictData>;
