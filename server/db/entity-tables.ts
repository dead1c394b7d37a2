import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Entity } from '../../shared/domain/entities';
import * as t from './schema';

/** Where each synced entity lives. TS column keys equal the entity's JSON field names. */
export const ENTITY_TABLES = {
  admin_unit: t.adminUnits,
  agency: t.agencies,
  camera: t.cameras,
  feedback_case: t.feedbackCases,
  case_event: t.caseEvents,
  dossier_event: t.dossierEvents,
  alert: t.alerts,
  water_station: t.waterStations,
  water_reading: t.waterReadings,
  indicator_value: t.indicatorValues,
  facility: t.facilities,
  immunization_due: t.immunizationDues,
  cyber_mention: t.cyberMentions,
} as const satisfies Record<Entity, PgTable>;

export type EntityRow = Record<string, unknown> & { id: string };

type ColumnMeta = { keys: string[]; timestampKeys: Set<string>; excludedSet: Record<string, ReturnType<typeof sql.raw>> };
const META = new Map<Entity, ColumnMeta>();

function meta(entity: Entity): ColumnMeta {
  let m = META.get(entity);
  if (!m) {
    const cols = getTableColumns(ENTITY_TABLES[entity]) as Record<string, { name: string; columnType: string }>;
    const keys = Object.keys(cols);
    m = {
      keys,
      timestampKeys: new Set(keys.filter((k) => cols[k].columnType === 'PgTimestamp')),
      // "set every column from the proposed row" for INSERT … ON CONFLICT (id) DO UPDATE.
      excludedSet: Object.fromEntries(keys.filter((k) => k !== 'id').map((k) => [k, sql.raw(`excluded."${cols[k].name}"`)])),
    };
    META.set(entity, m);
  }
  return m;
}

/** A selected table row → the synced JSON (timestamps as ISO strings, nothing else changes). */
export function toEntity(row: Record<string, unknown>): EntityRow {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out as EntityRow;
}

/** Synced JSON → insert values: only the table's columns, ISO strings → Date for timestamp columns. */
export function toRow(entity: Entity, data: Record<string, unknown>): Record<string, unknown> {
  const m = meta(entity);
  const out: Record<string, unknown> = {};
  for (const k of m.keys) {
    const v = data[k];
    if (v === undefined) continue;
    out[k] = m.timestampKeys.has(k) && typeof v === 'string' ? new Date(v) : v;
  }
  return out;
}

export function upsertSet(entity: Entity) {
  return meta(entity).excludedSet;
}
