/**
 * The reporting units of the IOC under both code lists, and the 2025 crosswalk (Nghị quyết
 * 1659/NQ-UBTVQH15, effective 1 July 2025). Mirrors resources/data/bac_tra_my_admin_units.csv
 * (server/kpi/units.test.ts checks they agree). Ids are `${codeList}:${code}`: codes were reused.
 */
export const MERGER_DATE = '2025-07-01';

/** The IOC's whole area: the former district Bắc Trà My. After 2025 it is the union of the 5 communes. */
export const DISTRICT_ID = 'vn-2019:515';

export const OLD_UNITS = [
  { id: 'vn-2019:20899', name: 'Thị trấn Trà My', successorId: 'vn-2025:20900' },
  { id: 'vn-2019:20900', name: 'Xã Trà Sơn', successorId: 'vn-2025:20900' },
  { id: 'vn-2019:20902', name: 'Xã Trà Kót', successorId: 'vn-2025:20908' },
  { id: 'vn-2019:20905', name: 'Xã Trà Nú', successorId: 'vn-2025:20908' },
  { id: 'vn-2019:20908', name: 'Xã Trà Đông', successorId: 'vn-2025:20908' },
  { id: 'vn-2019:20911', name: 'Xã Trà Dương', successorId: 'vn-2025:20900' },
  { id: 'vn-2019:20914', name: 'Xã Trà Giang', successorId: 'vn-2025:20900' },
  { id: 'vn-2019:20917', name: 'Xã Trà Bui', successorId: 'vn-2025:20920' },
  { id: 'vn-2019:20920', name: 'Xã Trà Đốc', successorId: 'vn-2025:20920' },
  { id: 'vn-2019:20923', name: 'Xã Trà Tân', successorId: 'vn-2025:20923' },
  { id: 'vn-2019:20926', name: 'Xã Trà Giác', successorId: 'vn-2025:20923' },
  { id: 'vn-2019:20929', name: 'Xã Trà Giáp', successorId: 'vn-2025:20929' },
  { id: 'vn-2019:20932', name: 'Xã Trà Ka', successorId: 'vn-2025:20929' },
] as const;

export const NEW_UNITS = [
  { id: 'vn-2025:20900', name: 'Xã Trà My' },
  { id: 'vn-2025:20908', name: 'Xã Trà Liên' },
  { id: 'vn-2025:20929', name: 'Xã Trà Giáp' },
  { id: 'vn-2025:20923', name: 'Xã Trà Tân' },
  { id: 'vn-2025:20920', name: 'Xã Trà Đốc' },
] as const;

export type ReportingList = 'vn-2019' | 'vn-2025';

const SUCCESSOR = new Map<string, string>(OLD_UNITS.map((u) => [u.id, u.successorId]));
const NEW_IDS = new Set<string>(NEW_UNITS.map((u) => u.id));

/** Every unit the computation reports: the district, the 13 pre-2025 units and the 5 communes. */
export const REPORTING_UNITS: readonly string[] = [DISTRICT_ID, ...OLD_UNITS.map((u) => u.id), ...NEW_UNITS.map((u) => u.id)];

/**
 * Where a record stored with `unitId` counts. A pre-2025 unit counts for itself, its successor
 * commune and the district (history stays reportable under both lists). A post-2025 commune counts
 * for itself and the district only: a merged commune cannot be split back into its old units.
 * Unknown or null units count for the district only.
 */
export function rollupTargets(unitId: string | null | undefined): string[] {
  if (!unitId || unitId === DISTRICT_ID) return [DISTRICT_ID];
  const successor = SUCCESSOR.get(unitId);
  if (successor) return [unitId, successor, DISTRICT_ID];
  if (NEW_IDS.has(unitId)) return [unitId, DISTRICT_ID];
  return [DISTRICT_ID];
}

/** The post-2025 commune a unit belongs to (itself for a post-2025 id), or null. */
export function toNewUnit(unitId: string): string | null {
  if (NEW_IDS.has(unitId)) return unitId;
  return SUCCESSOR.get(unitId) ?? null;
}

/** The pre-2025 units that became `newId`. */
export function predecessors(newId: string): string[] {
  return OLD_UNITS.filter((u) => u.successorId === newId).map((u) => u.id);
}

/** Which list a unit id belongs to ('district' for the IOC's whole area). */
export function listOf(unitId: string): ReportingList | 'district' | null {
  if (unitId === DISTRICT_ID) return 'district';
  if (SUCCESSOR.has(unitId)) return 'vn-2019';
  if (NEW_IDS.has(unitId)) return 'vn-2025';
  return null;
}

export function unitName(unitId: string): string {
  if (unitId === DISTRICT_ID) return 'Bắc Trà My';
  return OLD_UNITS.find((u) => u.id === unitId)?.name ?? NEW_UNITS.find((u) => u.id === unitId)?.name ?? unitId;
}
