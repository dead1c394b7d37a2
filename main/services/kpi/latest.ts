import type Database from 'better-sqlite3';
import type { KpiPeriodKind } from '../../../shared/contracts/kpi.contract';

/** One cached indicator value: the newest period of a kind that has a value, for one unit. */
export interface LatestValue {
  indicator: string;
  unitId: string;
  period: string;
  value: number;
}

/**
 * The latest value per unit per indicator in the desktop cache (`kpi_values`, the indexed copy of
 * indicator_value rows): for each (indicator, unit), the newest period of `kind` whose value is not
 * null. One period kind at a time: kinds never mix ("2026-W47" sorts after "2026-11" as text).
 * `unitIds` limits the units (an empty list → nothing); omitted → every unit. Ordered by indicator, unit.
 */
export function latestValues(db: Database.Database, kind: KpiPeriodKind, unitIds?: readonly string[]): LatestValue[] {
  if (unitIds && unitIds.length === 0) return [];
  // SQLite's bare columns with max(): `value` comes from the row holding the newest period.
  const stmt = db.prepare(
    `SELECT indicator, unit_id AS unitId, max(period) AS period, value FROM kpi_values
      WHERE kind = ? AND value IS NOT NULL${unitIds ? ` AND unit_id IN (${unitIds.map(() => '?').join(', ')})` : ''}
      GROUP BY indicator, unit_id ORDER BY indicator, unit_id`,
  );
  const rows = stmt.all(kind, ...(unitIds ?? [])) as LatestValue[];
  return rows.filter((r) => Number.isFinite(r.value));
}
