import { inArray } from 'drizzle-orm';
import { REPORTING_UNITS } from '../../shared/kpi/units';
import { adminUnits } from '../db/schema';
import { buildAdminUnits } from '../seed/admin-units';
import { loadDistrictData } from '../seed/district-data';
import type { Writer } from '../sync/writer';

/**
 * KPI rows reference the 19 reporting units (both code lists). They come with the demo seed; a
 * server started without it gets the shipped district reference data (resources/data) on the
 * first import or recompute, through the normal write path (so desktops receive them too).
 */
export async function ensureReportingUnits(w: Writer): Promise<number> {
  const have = await w.tx.select({ id: adminUnits.id }).from(adminUnits).where(inArray(adminUnits.id, [...REPORTING_UNITS]));
  if (have.length === REPORTING_UNITS.length) return 0;
  const known = new Set((await w.tx.select({ id: adminUnits.id }).from(adminUnits)).map((r) => r.id));
  const missing = buildAdminUnits(loadDistrictData()).filter((u) => !known.has(u.id));
  if (missing.length) await w.upsert('admin_unit', missing);
  return missing.length;
}
