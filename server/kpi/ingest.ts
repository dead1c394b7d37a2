/**
 * Dataset ingestion on the central server: CSV (bytes) or JSON rows → validated rows → one write
 * transaction (rows, audit, import record, recompute of the touched periods). A file with any error
 * — in a cell, across rows, or against the database (unknown agency, station) — changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { ANTIGEN_DUE_DAYS, ANTIGENS } from '../../shared/kpi/catalogue';
import { periodRange } from '../../shared/kpi/periods';
import { audit } from '../audit';
import { agencies, kpiChildren, kpiEducation, kpiHealthRecords, kpiImmunizations, kpiImportRuns, kpiPregnancies, waterStations } from '../db/schema';
import { withWriteTx, type WriteContext, type Writer } from '../sync/writer';
import { CsvError, decodeText, parseCsv } from './csv';
import { recompute, periodsTouched, type RecomputeResult } from './compute';
import { ensureReportingUnits } from './reference';
import { DATASETS, MAX_ERRORS, validateRows, type DatasetName, type EducationRow, type HealthRecordRow, type ImmunizationRow, type PregnancyRow, type RowError, type WaterReadingRow } from './datasets';
import type { DossierEvent } from '../../shared/domain/entities';
import { raiseWaterAlerts } from './water-alerts';

const DAY = 86_400_000;

export class ImportError extends Error {
  constructor(
    readonly errors: RowError[],
    message?: string,
  ) {
    super(message ?? `${errors.length}${errors.length >= MAX_ERRORS ? '+' : ''} error(s); nothing was imported`);
  }
}

export interface ImportInput {
  dataset: DatasetName;
  /** CSV bytes, or a parsed JSON body `{ rows: [...] }` (also `{ events }`, `{ readings }`). */
  body: Uint8Array | unknown;
  actor: { userId: string | null; username: string; ip?: string | null };
  now: Date;
  dryRun?: boolean;
}

export interface ImportResult {
  dataset: DatasetName;
  format: 'csv' | 'json';
  rows: number;
  applied: boolean;
  recompute: RecomputeResult | null;
}

type RawRow = { line?: number; cells: Record<string, string> };

function rawRows(body: Uint8Array | unknown): { format: 'csv' | 'json'; header: string[]; rows: RawRow[] } {
  if (body instanceof Uint8Array) {
    try {
      const t = parseCsv(decodeText(body));
      return { format: 'csv', header: t.header, rows: t.records.map((r) => ({ line: r.line, cells: Object.fromEntries(t.header.map((h, i) => [h, r.fields[i]])) })) };
    } catch (e) {
      if (e instanceof CsvError) throw new ImportError([{ row: 0, line: e.line ?? undefined, column: '', message: e.message }], e.message);
      throw e;
    }
  }
  const obj = body as Record<string, unknown> | null;
  const list = obj && typeof obj === 'object' ? (obj.rows ?? obj.events ?? obj.readings) : undefined;
  if (!Array.isArray(list)) throw new ImportError([{ row: 0, column: '', message: 'expected a JSON object { "rows": [ … ] } or a text/csv body' }]);
  const header = new Set<string>();
  const rows: RawRow[] = [];
  const errors: RowError[] = [];
  list.forEach((r, k) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      errors.push({ row: k + 1, column: '', message: 'each row must be an object' });
      return;
    }
    const cells: Record<string, string> = {};
    for (const [key, v] of Object.entries(r)) {
      header.add(key);
      if (v === null || v === undefined) cells[key] = '';
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') cells[key] = String(v);
      else errors.push({ row: k + 1, column: key, message: 'must be a string, number, boolean or null' });
    }
    rows.push({ cells });
  });
  if (errors.length) throw new ImportError(errors.slice(0, MAX_ERRORS));
  return { format: 'json', header: [...header], rows };
}

/** References to rows that must already exist (agencies, stations): checked before writing. */
async function checkReferences(w: Writer, dataset: DatasetName, rows: unknown[]): Promise<RowError[]> {
  const errors: RowError[] = [];
  const check = async (column: string, values: Array<string | null | undefined>, table: typeof agencies | typeof waterStations) => {
    const wanted = [...new Set(values.filter((v): v is string => !!v))];
    if (!wanted.length) return;
    const found = new Set((await w.tx.select({ id: table.id }).from(table).where(inArray(table.id, wanted))).map((r) => r.id));
    values.forEach((v, k) => {
      if (v && !found.has(v) && errors.length < MAX_ERRORS) errors.push({ row: k + 1, column, message: `unknown ${column === 'agency_id' ? 'agency' : 'station'} "${v}"` });
    });
  };
  if (dataset === 'dossier-events') await check('agency_id', (rows as DossierEvent[]).map((r) => r.agencyId), agencies);
  if (dataset === 'water-readings') await check('station_id', (rows as WaterReadingRow[]).map((r) => r.stationId), waterStations);
  return errors;
}

/** Apply validated rows; returns the instants whose periods must be recomputed. */
async function apply(w: Writer, dataset: DatasetName, rows: unknown[]): Promise<number[]> {
  const touched: number[] = [];
  switch (dataset) {
    case 'dossier-events': {
      const events = rows as DossierEvent[];
      await w.upsert('dossier_event', events as unknown as Array<Record<string, unknown>>);
      // A dossier's reception period changes too (its attributes moved): recompute from its first event.
      const ids = [...new Set(events.map((e) => e.dossierId))];
      for (let i = 0; i < ids.length; i += 1000) {
        const got = await w.tx.execute<{ t: string }>(sql`SELECT min(at)::text AS t FROM dossier_events WHERE dossier_id IN (${sql.join(ids.slice(i, i + 1000).map((d) => sql`${d}`), sql`, `)}) GROUP BY dossier_id`);
        for (const r of (got as unknown as { rows?: Array<{ t: string }> }).rows ?? (got as unknown as Array<{ t: string }>)) touched.push(Date.parse(r.t));
      }
      for (const e of events) touched.push(Date.parse(e.at));
      break;
    }
    case 'immunizations': {
      const list = rows as ImmunizationRow[];
      const children = new Map(list.map((r) => [r.childCode, { childCode: r.childCode, unitId: r.unitId, birthDate: r.birthDate }]));
      const kids = [...children.values()];
      for (let i = 0; i < kids.length; i += 1000)
        await w.tx
          .insert(kpiChildren)
          .values(kids.slice(i, i + 1000))
          .onConflictDoUpdate({ target: kpiChildren.childCode, set: { unitId: sql`excluded.unit_id`, birthDate: sql`excluded.birth_date` } });
      const doses = list.filter((r) => r.antigen && r.givenOn).map((r) => ({ childCode: r.childCode, antigen: r.antigen!, givenOn: r.givenOn! }));
      for (let i = 0; i < doses.length; i += 1000)
        await w.tx
          .insert(kpiImmunizations)
          .values(doses.slice(i, i + 1000))
          .onConflictDoUpdate({ target: [kpiImmunizations.childCode, kpiImmunizations.antigen], set: { givenOn: sql`excluded.given_on` } });
      for (const c of kids) {
        const birth = periodRange(c.birthDate).start;
        for (const a of ANTIGENS) touched.push(birth + ANTIGEN_DUE_DAYS[a] * DAY);
        touched.push(birth + 365 * DAY);
      }
      break;
    }
    case 'pregnancies': {
      const list = rows as PregnancyRow[];
      for (let i = 0; i < list.length; i += 1000)
        await w.tx
          .insert(kpiPregnancies)
          .values(list.slice(i, i + 1000))
          .onConflictDoUpdate({ target: kpiPregnancies.womanCode, set: { unitId: sql`excluded.unit_id`, registeredOn: sql`excluded.registered_on`, ttDoses: sql`excluded.tt_doses`, protected: sql`excluded.protected` } });
      for (const r of list) touched.push(periodRange(r.registeredOn).start);
      break;
    }
    case 'health-records': {
      const list = rows as HealthRecordRow[];
      await w.tx
        .insert(kpiHealthRecords)
        .values(list)
        .onConflictDoUpdate({ target: [kpiHealthRecords.unitId, kpiHealthRecords.month], set: { population: sql`excluded.population`, records: sql`excluded.records`, standardized: sql`excluded.standardized`, visits: sql`excluded.visits`, visitsSynced: sql`excluded.visits_synced` } });
      for (const r of list) touched.push(periodRange(r.month).start);
      break;
    }
    case 'education': {
      const list = rows as EducationRow[];
      await w.tx
        .insert(kpiEducation)
        .values(list)
        .onConflictDoUpdate({
          target: [kpiEducation.unitId, kpiEducation.schoolYear, kpiEducation.level],
          set: { agePopulation: sql`excluded.age_population`, enrolled: sql`excluded.enrolled`, dropouts: sql`excluded.dropouts`, schools: sql`excluded.schools`, schoolsStandard: sql`excluded.schools_standard`, classrooms: sql`excluded.classrooms`, solidClassrooms: sql`excluded.solid_classrooms` },
        });
      for (const y of new Set(list.map((r) => Number(r.schoolYear.slice(0, 4)))))
        for (let m = 8; m < 20; m++) touched.push(Date.UTC(y, m, 15));
      break;
    }
    case 'water-readings': {
      const written = await w.upsert('water_reading', rows as unknown as Array<Record<string, unknown>>);
      // A reading over BĐ1–BĐ3 raises a water_level alert (the room is told, not just the chart).
      await raiseWaterAlerts(
        w,
        written.map((d) => ({ id: String(d.id), stationId: String(d.stationId), at: new Date(d.at as string).toISOString(), levelM: Number(d.levelM) })),
      );
      break;
    }
  }
  return touched;
}

export async function importDataset(ctx: WriteContext, input: ImportInput): Promise<ImportResult> {
  const spec = DATASETS[input.dataset];
  const raw = rawRows(input.body);
  const v = validateRows<unknown>(spec as never, raw.header, raw.rows);
  if (!v.ok) throw new ImportError(v.errors);
  const now = input.now.getTime();
  return withWriteTx(ctx, async (w) => {
    const refErrors = await checkReferences(w, input.dataset, v.rows);
    if (raw.format === 'csv') refErrors.forEach((e) => (e.line = raw.rows[e.row - 1]?.line));
    if (refErrors.length) throw new ImportError(refErrors);
    if (input.dryRun) return { dataset: input.dataset, format: raw.format, rows: v.rows.length, applied: false, recompute: null };
    await ensureReportingUnits(w);
    const touched = await apply(w, input.dataset, v.rows);
    await w.tx.insert(kpiImportRuns).values({ id: randomUUID(), dataset: input.dataset, format: raw.format, rows: v.rows.length, actor: input.actor.username, at: input.now });
    await audit(w.tx, { userId: input.actor.userId, actor: input.actor.username, ip: input.actor.ip ?? null, action: `kpi.import.${input.dataset}`, target: input.dataset, args: { format: raw.format, rows: v.rows.length }, result: 'ok' });
    const periods = touched.length ? periodsTouched([...touched, now], now) : [];
    const rc = periods.length ? await recompute(w, { now: input.now, periods }) : null;
    return { dataset: input.dataset, format: raw.format, rows: v.rows.length, applied: true, recompute: rc };
  });
}
