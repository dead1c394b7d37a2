import { describe, expect, it } from 'vitest';
import { NEW_UNITS, OLD_UNITS } from '../../shared/kpi/units';
import { loadDistrictData } from '../seed/district-data';

describe('shared/kpi/units mirrors the shipped crosswalk (resources/data)', () => {
  const data = loadDistrictData();
  it('13 pre-2025 units with their names and successors', () => {
    expect(OLD_UNITS.map((u) => [u.id, u.name, u.successorId])).toEqual(data.crosswalk.map((r) => [`vn-2019:${r.oldCode}`, r.oldName, `vn-2025:${r.newCode}`]));
  });
  it('5 communes from 1 July 2025', () => {
    expect(NEW_UNITS.map((u) => u.id).sort()).toEqual(data.communes.map((c) => `vn-2025:${c.code}`).sort());
    for (const u of NEW_UNITS) expect(u.name).toBe(`Xã ${data.communes.find((c) => `vn-2025:${c.code}` === u.id)!.name}`);
  });
});
