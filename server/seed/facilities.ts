import type { AdminUnit, Facility, FacilityLevel } from '../../shared/domain/entities';
import type { DistrictData } from './district-data';
import { inMultiPolygon, type LonLat, pointInside } from './geo';
import { Prng } from './prng';

/**
 * Demo schools and health stations of Bắc Trà My (synthetic, see README "Data provenance"): one
 * preschool, one primary (or primary + lower secondary) school and one health station per pre-2025
 * unit, a lower secondary school per post-2025 commune, the district's upper secondary schools and
 * health centre. Names follow the real naming (PTDTBT = ethnic-minority semi-boarding, PTDTNT =
 * boarding); attributes are plausible, not real. Each lies inside its post-2025 commune, near the
 * centre of the pre-2025 unit it serves. Own PRNG: adding facilities does not change the rest.
 */
export function buildFacilities(data: DistrictData, units: AdminUnit[]): Facility[] {
  const rng = new Prng(2025_07_01);
  const out: Facility[] = [];
  const commune = (unitId: string) => {
    const c = data.communes.find((x) => `vn-2025:${x.code}` === unitId);
    if (!c) throw new Error(`facilities: unknown commune ${unitId}`);
    return c;
  };
  const old = units.filter((u) => u.codeList === 'vn-2019' && (u.level === 'commune' || u.level === 'town'));
  // Inside the 2025 commune AND the 2019 district outline: the two come from different sources and
  // their edges differ by a few hundred metres, so a point near an edge could fall outside either.
  const place = (unitId: string, near: LonLat, radius: number) => {
    for (let i = 0; i < 200; i++) {
      const p = pointInside(commune(unitId).area, near, radius, rng);
      if (inMultiPolygon(p, data.outline)) return p;
    }
    throw new Error(`facilities: no point in both ${unitId} and the district near ${near}`);
  };
  const school = (id: string, name: string, level: FacilityLevel, unitId: string, at: LonLat, address: string, pupilsRange: [number, number], boarding: Facility['boarding'] = null): Facility => {
    const pupils = rng.int(...pupilsRange);
    const classes = Math.max(3, Math.round(pupils / rng.int(22, 32)));
    return {
      id,
      kind: 'school',
      name,
      level,
      unitId,
      location: at,
      address,
      pupils,
      classes,
      teachers: Math.round(classes * (level === 'preschool' ? 2 : level === 'upper_secondary' || level === 'lower_upper_secondary' ? 2.2 : 1.6)),
      standardNational: rng.chance(0.55),
      boarding,
    };
  };
  const short = (u: AdminUnit) => u.name.replace(/^(Thị trấn|Xã) /, '');

  for (const u of old) {
    const successor = u.successorId!;
    const n = short(u);
    const town = u.level === 'town';
    const addr = town ? `Thị trấn Trà My (cũ), xã ${commune(successor).name}` : `Xã ${n} (cũ), xã ${commune(successor).name}`;
    const near = u.center!;
    const code = u.code;
    out.push(school(`sch-mn-${code}`, town ? 'Trường Mầm non Hoa Hồng' : `Trường Mầm non ${n}`, 'preschool', successor, place(successor, near, 0.012), addr, town ? [220, 320] : [70, 180]));
    // The smallest mountain communes run one inter-level school (TH&THCS) instead of two.
    const combined = ['20917', '20932', '20926'].includes(code);
    out.push(
      town
        ? school(`sch-th-${code}`, 'Trường Tiểu học Kim Đồng', 'primary', successor, place(successor, near, 0.01), addr, [450, 620])
        : combined
          ? school(`sch-th-${code}`, `Trường PTDTBT TH&THCS ${n}`, 'primary_lower_secondary', successor, place(successor, near, 0.015), addr, [260, 420], 'semi')
          : school(`sch-th-${code}`, `Trường PTDTBT Tiểu học ${n}`, 'primary', successor, place(successor, near, 0.015), addr, [150, 380], 'semi'),
    );
    const beds = rng.int(5, 10);
    out.push({
      id: `hs-${code}`,
      kind: 'health_station',
      name: town ? 'Trạm Y tế xã Trà My (thị trấn cũ)' : `Trạm Y tế xã ${n}${short(u) === commune(successor).name ? '' : ' (cũ)'}`,
      level: 'commune_health_station',
      unitId: successor,
      location: place(successor, near, 0.006),
      address: addr,
      beds,
      staff: rng.int(5, 9),
      doctors: rng.chance(0.6) ? 1 : rng.chance(0.3) ? 2 : 0,
      nationalCriteria: rng.chance(0.7),
      ehrConnected: rng.chance(0.85),
    });
  }
  // Lower secondary: one per post-2025 commune (the former commune seat's school).
  const thcs: Array<[string, string]> = [
    ['20900', 'Trường THCS Nguyễn Bỉnh Khiêm'],
    ['20908', 'Trường PTDTBT THCS Trà Đông'],
    ['20929', 'Trường PTDTBT THCS Trà Giáp'],
    ['20923', 'Trường PTDTBT THCS Trà Tân'],
    ['20920', 'Trường PTDTBT THCS Trà Đốc'],
  ];
  for (const [code, name] of thcs) {
    const c = commune(`vn-2025:${code}`);
    out.push(school(`sch-thcs-${code}`, name, 'lower_secondary', `vn-2025:${code}`, place(`vn-2025:${code}`, c.center, 0.01), c.adminCenter, [220, 480], name.includes('PTDTBT') ? 'semi' : null));
  }
  const tm = commune('vn-2025:20900');
  out.push(school('sch-thpt-bactramy', 'Trường THPT Bắc Trà My', 'upper_secondary', 'vn-2025:20900', place('vn-2025:20900', tm.center, 0.008), tm.adminCenter, [750, 950]));
  out.push(school('sch-ptdtnt-bactramy', 'Trường PTDTNT THCS&THPT Bắc Trà My', 'lower_upper_secondary', 'vn-2025:20900', place('vn-2025:20900', tm.center, 0.008), tm.adminCenter, [380, 520], 'full'));
  out.push({
    id: 'hc-bactramy',
    kind: 'health_station',
    name: 'Trung tâm Y tế khu vực Bắc Trà My',
    level: 'district_health_centre',
    unitId: 'vn-2025:20900',
    location: place('vn-2025:20900', tm.center, 0.004),
    address: tm.adminCenter,
    beds: 150,
    staff: 186,
    doctors: 38,
    nationalCriteria: null,
    ehrConnected: true,
  });
  return out;
}
