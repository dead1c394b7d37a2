import type { MapFeature, MapSelectionKind } from '../../../../shared/contracts/map.contract';
import { foldVietnamese } from '../mosaic/search';

export type SearchKind = 'unit' | 'oldUnit' | 'camera' | 'case' | 'water';

export interface SearchHit {
  kind: SearchKind;
  id: string;
  label: string;
  lon: number;
  lat: number;
  /** Zoom to fly to. */
  zoom: number;
  /** What selecting it means for the wall-wide selection (units are selected as 'unit'). */
  select: MapSelectionKind;
}

export interface Place {
  id: string;
  name: string;
  code: string;
  lon: number;
  lat: number;
}

const words = (q: string) => foldVietnamese(q).split(/\s+/).filter(Boolean);
const matches = (hay: string, ws: string[]) => {
  const h = foldVietnamese(hay);
  return ws.every((w) => h.includes(w));
};
/** "123", "fc-123", "FC-000123" all find fc-000123 (numbered, zero-padded ids); a UUID id by its first ≥ 4 characters. */
const caseIdMatch = (id: string, q: string) => {
  const want = q.trim().toLowerCase();
  if (!want) return false;
  if (id.toLowerCase() === want) return true;
  if (want.length >= 4 && id.toLowerCase().startsWith(want)) return true; // the start of a UUID id
  const digits = want.replace(/^[a-z]+-?/, '');
  if (!/^\d+$/.test(digits)) return false;
  const m = /(\d+)$/.exec(id);
  return !!m && Number(m[1]) === Number(digits);
};

/**
 * Communes (both code lists, by name or code), cameras (name or id), water stations (name) and
 * feedback cases (by id), diacritics-free; exact case ids first, then places, then the rest.
 */
export function searchMap(
  query: string,
  src: { units: Place[]; oldUnits: Place[]; cameras: Iterable<MapFeature>; cases: Iterable<MapFeature>; water: Iterable<MapFeature> },
  limit = 8,
): SearchHit[] {
  const ws = words(query);
  if (!ws.length) return [];
  const out: SearchHit[] = [];
  for (const f of src.cases)
    if (caseIdMatch(f.id, query)) {
      out.push({ kind: 'case', id: f.id, label: `${f.id} · ${String(f.props.title ?? '')}`, lon: f.lon, lat: f.lat, zoom: 15, select: 'case' });
      if (out.length >= 3) break;
    }
  for (const u of src.units) if (matches(`${u.name} ${u.code}`, ws)) out.push({ kind: 'unit', id: u.id, label: u.name, lon: u.lon, lat: u.lat, zoom: 11.5, select: 'unit' });
  for (const u of src.oldUnits) if (matches(`${u.name} ${u.code}`, ws)) out.push({ kind: 'oldUnit', id: u.id, label: `${u.name} (${u.code})`, lon: u.lon, lat: u.lat, zoom: 12.5, select: 'unit' });
  for (const f of src.cameras) if (matches(`${String(f.props.name ?? '')} ${f.id}`, ws)) out.push({ kind: 'camera', id: f.id, label: String(f.props.name ?? f.id), lon: f.lon, lat: f.lat, zoom: 15, select: 'camera' });
  for (const f of src.water) if (matches(`${String(f.props.name ?? '')} ${String(f.props.river ?? '')} ${f.id}`, ws)) out.push({ kind: 'water', id: f.id, label: String(f.props.name ?? f.id), lon: f.lon, lat: f.lat, zoom: 14, select: 'water' });
  return out.slice(0, limit);
}
