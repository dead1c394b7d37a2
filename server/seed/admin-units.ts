import type { AdminUnit } from '../../shared/domain/entities';
import type { DistrictData } from './district-data';
import { pointInside } from './geo';
import { Prng } from './prng';

const OLD_UNTIL = '2025-06-30';
const NEW_FROM = '2025-07-01';

/**
 * Both code lists (vn-2019 before 1 July 2025, vn-2025 after) with the old→new crosswalk.
 * Pre-2025 communes have no shipped geometry, so their centres are points inside the commune they
 * became part of (the successor's seat where the names match), flagged approximate in README.
 */
export function buildAdminUnits(data: DistrictData): AdminUnit[] {
  const rng = new Prng(515);
  const first = data.crosswalk[0];
  const units: AdminUnit[] = [
    { id: `vn-2019:${first.oldProvinceCode}`, code: first.oldProvinceCode, codeList: 'vn-2019', name: first.oldProvinceName, level: 'province', parentId: null, validFrom: null, validTo: OLD_UNTIL, successorId: `vn-2025:${first.newProvinceCode}`, center: null, population: null, areaKm2: null },
    { id: `vn-2025:${first.newProvinceCode}`, code: first.newProvinceCode, codeList: 'vn-2025', name: first.newProvinceName, level: 'city', parentId: null, validFrom: NEW_FROM, validTo: null, successorId: null, center: null, population: null, areaKm2: null },
    {
      id: `vn-2019:${first.oldDistrictCode}`,
      code: first.oldDistrictCode,
      codeList: 'vn-2019',
      name: first.oldDistrictName,
      level: 'district',
      parentId: `vn-2019:${first.oldProvinceCode}`,
      validFrom: null,
      validTo: OLD_UNTIL,
      successorId: null, // split over five communes: no single successor
      center: data.communes.find((c) => c.code === '20900')?.center ?? null,
      population: data.communes.reduce((s, c) => s + c.population, 0),
      areaKm2: null,
    },
  ];
  for (const c of data.communes) {
    units.push({ id: `vn-2025:${c.code}`, code: c.code, codeList: 'vn-2025', name: `Xã ${c.name}`, level: 'commune', parentId: `vn-2025:${first.newProvinceCode}`, validFrom: NEW_FROM, validTo: null, successorId: null, center: c.center, population: c.population, areaKm2: c.areaKm2 });
  }
  for (const r of data.crosswalk) {
    const successor = data.communes.find((c) => c.code === r.newCode);
    if (!successor) throw new Error(`crosswalk: unknown successor ${r.newCode}`);
    const sameSeat = r.oldName.replace(/^(Thị trấn|Xã) /, '') === successor.name;
    units.push({
      id: `vn-2019:${r.oldCode}`,
      code: r.oldCode,
      codeList: 'vn-2019',
      name: r.oldName,
      level: r.oldType === 'Thị trấn' ? 'town' : 'commune',
      parentId: `vn-2019:${r.oldDistrictCode}`,
      validFrom: null,
      validTo: OLD_UNTIL,
      successorId: `vn-2025:${r.newCode}`,
      center: sameSeat ? successor.center : pointInside(successor.area, successor.center, 0.06, rng),
      population: null,
      areaKm2: null,
    });
  }
  return units;
}
