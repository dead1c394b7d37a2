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

type ColumnMeta = {
  keys: string[];
  timestampKeys: Set<string>;
  excludedSet: Record<string, ReturnType<typeof sql.raw>>;
  /** Per column (in table order): its type and nullability, for storedForm(). */
  cols: Array<{ key: string; type: string; notNull: boolean }>;
};
const META = new Map<Entity, ColumnMeta>();

function meta(entity: Entity): ColumnMeta {
  let m = META.get(entity);
  if (!m) {
    const cols = getTableColumns(ENTITY_TABLES[entity]) as Record<string, { name: string; columnType: string; notNull: boolean }>;
    const keys = Object.keys(cols);
    m = {
      keys,
      timestampKeys: new Set(keys.filter((k) => cols[k].columnType === 'PgTimestamp')),
      // "set every column from the proposed row" for INSERT … ON CONFLICT (id) DO UPDATE.
      excludedSet: Object.fromEntries(keys.filter((k) => k !== 'id').map((k) => [k, sql.raw(`excluded."${cols[k].name}"`)])),
      cols: keys.map((k) => ({ key: k, type: cols[k].columnType, notNull: cols[k].notNull })),
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

/**
 * The synced row PostgreSQL would store (and give back through RETURNING) for these insert values
 * (toRow's output) under the upsert's full replace, computed without asking it — or null when that
 * is not certain, and the caller must write the row and read it back. Certain only for a value of
 * EVERY column (a missing one would take the SQL default), each of a plain type whose round trip is
 * exact: text (no NUL), int4 integers, booleans, finite float8, timestamptz (a valid Date within
 * years 1–9999: ms precision both ways, given back as ISO), jsonb (what JSON.stringify writes, parsed
 * again: jsonb only reorders object keys, which no reader of it can see), and null where allowed.
 */
export function storedForm(entity: Entity, values: Record<string, unknown>): EntityRow | null {
  const out: Record<string, unknown> = {};
  for (const c of meta(entity).cols) {
    const v = values[c.key];
    if (v === undefined) return null;
    if (v === null) {
      if (c.notNull) return null;
      out[c.key] = null;
      continue;
    }
    switch (c.type) {
      case 'PgText':
        if (typeof v !== 'string' || v.includes('\u0000')) return null; // PostgreSQL refuses NUL in text
        out[c.key] = v;
        break;
      case 'PgInteger':
        if (!Number.isInteger(v) || (v as number) < -2_147_483_648 || (v as number) > 2_147_483_647) return null;
        out[c.key] = Object.is(v, -0) ? 0 : v;
        break;
      case 'PgBoolean':
        if (typeof v !== 'boolean') return null;
        out[c.key] = v;
        break;
      case 'PgDoublePrecision':
        if (typeof v !== 'number' || !Number.isFinite(v)) return null;
        out[c.key] = v;
        break;
      case 'PgTimestamp': {
        if (!(v instanceof Date)) return null;
        const y = v.getUTCFullYear();
        if (Number.isNaN(v.getTime()) || y < 1 || y > 9999) return null;
        out[c.key] = v.toISOString();
        break;
      }
      case 'PgJsonb': {
        const text = JSON.stringify(v);
        if (text === undefined || text.includes('\\u0000')) return null;
        out[c.key] = JSON.parse(text);
        break;
      }
      default:
        return null;
    }
  }
  return out as EntityRow;
}
