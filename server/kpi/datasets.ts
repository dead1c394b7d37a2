/**
 * The importable datasets: one column spec each, shared by CSV and JSON (`{ "rows": [ {…} ] }` with
 * the same snake_case keys). Every row is validated and every error names its row (and CSV line)
 * and column; a file with any error is refused whole (see ingest.ts).
 */
import { ANTIGENS, EDUCATION_LEVELS } from '../../shared/kpi/catalogue';
import { MERGER_DATE, NEW_UNITS, OLD_UNITS } from '../../shared/kpi/units';
import type { DossierEvent } from '../../shared/domain/entities';

export interface RowError {
  row: number;
  line?: number;
  column: string;
  message: string;
}

export const MAX_ERRORS = 200;

type Cell = string; // trimmed; '' = empty
class CellError extends Error {}
const fail = (msg: string): never => {
  throw new CellError(msg);
};

// ── cell parsers ──────────────────────────────────────────────────────────────
const req = (v: Cell) => (v === '' ? fail('is required') : v);

export function parseDate(v: Cell): string {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return fail(`"${v}" is not a date (YYYY-MM-DD or DD/MM/YYYY)`);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) fail(`"${v}" is not a calendar date`);
  if (y < 1900 || y > 2100) fail(`"${v}" is out of range`);
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** ISO instant with offset, or local Vietnam time `YYYY-MM-DD HH:mm[:ss]`. */
export function parseInstant(v: Cell): string {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  const s = local ? `${local[1]}T${local[2]}:${local[3]}:${local[4] ?? '00'}+07:00` : v;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return fail(`"${v}" is not a date-time with a time zone (e.g. 2026-11-20T08:30:00+07:00)`);
  const t = Date.parse(s);
  if (!Number.isFinite(t)) fail(`"${v}" is not a valid date-time`);
  return new Date(t).toISOString();
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'x', 'có', 'co']);
const FALSE = new Set(['false', '0', 'no', 'n', 'không', 'khong']);
export function parseBool(v: Cell): boolean {
  const l = v.toLowerCase();
  if (TRUE.has(l)) return true;
  if (FALSE.has(l)) return false;
  return fail(`"${v}" is not yes/no (true/false, 1/0, có/không)`);
}

export function parseCount(v: Cell, max = 10_000_000): number {
  if (!/^\d+$/.test(v)) return fail(`"${v}" is not a whole number ≥ 0`);
  const n = Number(v);
  if (n > max) fail(`${n} is larger than ${max}`);
  return n;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const parseCode = (v: Cell) => (CODE.test(v) ? v : fail(`"${v}" is not a code (letters, digits, . _ : / -; ≤ 64)`));
const oneOf = <T extends string>(values: readonly T[]) => (v: Cell): T => ((values as readonly string[]).includes(v) ? (v as T) : fail(`"${v}" is not one of ${values.join(', ')}`));

const OLD = new Set<string>(OLD_UNITS.map((u) => u.id));
const NEW = new Set<string>(NEW_UNITS.map((u) => u.id));

/** code_list + unit_code → unit id, checked against the date the row is about (codes were reused in 2025). */
function unitFor(codeList: Cell, unitCode: Cell, onDate: string | null): string {
  if (codeList !== 'vn-2019' && codeList !== 'vn-2025') fail(`code_list "${codeList}" must be vn-2019 (before 1 July 2025) or vn-2025`);
  const id = `${codeList}:${unitCode}`;
  if (!(codeList === 'vn-2019' ? OLD : NEW).has(id)) fail(`unit ${unitCode} is not a commune of Bắc Trà My in ${codeList}`);
  if (onDate) {
    if (codeList === 'vn-2019' && onDate >= MERGER_DATE) fail(`unit ${id} no longer exists on ${onDate} (the vn-2019 list ended 30 June 2025; use vn-2025)`);
    if (codeList === 'vn-2025' && onDate < MERGER_DATE) fail(`unit ${id} did not exist yet on ${onDate} (vn-2025 starts 1 July 2025; use vn-2019)`);
  }
  return id;
}

const VN_DAY = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);

// ── specs ─────────────────────────────────────────────────────────────────────
export interface DatasetSpec<T> {
  name: string;
  columns: readonly string[];
  optional: readonly string[];
  /** Parse one row; `col(name, parser)` records which column failed. */
  parse(col: <V>(name: string, p: (v: Cell) => V) => V, get: (name: string) => Cell): T;
  /** Cross-row checks (duplicates, consistency); returns errors. */
  check?(rows: Array<{ row: number; line?: number; value: T }>): RowError[];
}

const dupCheck = <T>(key: (v: T) => string, column: string) => (rows: Array<{ row: number; line?: number; value: T }>): RowError[] => {
  const seen = new Map<string, number>();
  const errs: RowError[] = [];
  for (const r of rows) {
    const k = key(r.value);
    const first = seen.get(k);
    if (first !== undefined) errs.push({ row: r.row, line: r.line, column, message: `duplicate of row ${first}` });
    else seen.set(k, r.row);
  }
  return errs;
};

const DOSSIER_KINDS = ['received', 'in_progress', 'completed_early', 'completed_on_time', 'completed_late', 'returned', 'synced_national'] as const;

export const dossierEvents: DatasetSpec<DossierEvent> = {
  name: 'dossier-events',
  columns: ['id', 'dossier_id', 'procedure', 'agency_id', 'code_list', 'unit_code', 'kind', 'online', 'at', 'due_at', 'digitized', 'has_fee', 'paid_online', 'rating'],
  optional: ['agency_id', 'due_at', 'digitized', 'has_fee', 'paid_online', 'rating'],
  parse(col, get) {
    const at = col('at', (v) => parseInstant(req(v)));
    const opt = <V>(name: string, p: (v: Cell) => V) => col(name, (v) => (v === '' ? null : p(v)));
    const paidOnline = opt('paid_online', parseBool);
    const hasFee = opt('has_fee', parseBool);
    if (paidOnline && hasFee === false) col('paid_online', () => fail('paid online but has_fee is false'));
    const dueAt = opt('due_at', parseInstant);
    return {
      id: col('id', (v) => parseCode(req(v))),
      dossierId: col('dossier_id', (v) => parseCode(req(v))),
      procedure: col('procedure', (v) => (req(v).length > 300 ? fail('longer than 300 characters') : v)),
      agencyId: opt('agency_id', parseCode),
      unitId: col('unit_code', (v) => unitFor(get('code_list'), req(v), at ? VN_DAY(at) : null)),
      kind: col('kind', (v) => oneOf(DOSSIER_KINDS)(req(v))),
      online: col('online', (v) => parseBool(req(v))),
      at,
      dueAt,
      digitized: opt('digitized', parseBool),
      hasFee,
      paidOnline,
      rating: opt('rating', (v) => (/^[1-5]$/.test(v) ? Number(v) : fail(`"${v}" is not a rating 1–5`))),
    };
  },
  check: dupCheck((v) => v.id, 'id'),
};

export interface ImmunizationRow {
  childCode: string;
  unitId: string;
  birthDate: string;
  antigen: string | null;
  givenOn: string | null;
}
export const immunizations: DatasetSpec<ImmunizationRow> = {
  name: 'immunizations',
  columns: ['child_code', 'code_list', 'unit_code', 'birth_date', 'antigen', 'given_on'],
  optional: ['antigen', 'given_on'],
  parse(col, get) {
    const birthDate = col('birth_date', (v) => parseDate(req(v)));
    const antigen = col('antigen', (v) => (v === '' ? null : oneOf(ANTIGENS)(v === 'MR' ? 'MR9' : v)));
    const givenOn = col('given_on', (v) => {
      if (v === '') return antigen ? fail(`is required when antigen is given`) : null;
      if (!antigen) return fail('given_on without an antigen');
      const d = parseDate(v);
      if (birthDate && d < birthDate) fail(`${d} is before the birth date ${birthDate}`);
      return d;
    });
    return { childCode: col('child_code', (v) => parseCode(req(v))), unitId: col('unit_code', (v) => unitFor(get('code_list'), req(v), birthDate)), birthDate, antigen, givenOn };
  },
  check(rows) {
    const errs: RowError[] = [];
    const child = new Map<string, { row: number; unitId: string; birthDate: string }>();
    const dose = new Map<string, number>();
    for (const r of rows) {
      const c = child.get(r.value.childCode);
      if (!c) child.set(r.value.childCode, { row: r.row, unitId: r.value.unitId, birthDate: r.value.birthDate });
      else if (c.birthDate !== r.value.birthDate) errs.push({ row: r.row, line: r.line, column: 'birth_date', message: `child ${r.value.childCode} has birth date ${c.birthDate} in row ${c.row}` });
      if (r.value.antigen) {
        const k = `${r.value.childCode}:${r.value.antigen}`;
        const first = dose.get(k);
        if (first !== undefined) errs.push({ row: r.row, line: r.line, column: 'antigen', message: `dose ${r.value.antigen} of child ${r.value.childCode} already in row ${first}` });
        else dose.set(k, r.row);
      }
    }
    return errs;
  },
};

export interface PregnancyRow {
  womanCode: string;
  unitId: string;
  registeredOn: string;
  ttDoses: number;
  protected: boolean;
}
export const pregnancies: DatasetSpec<PregnancyRow> = {
  name: 'pregnancies',
  columns: ['woman_code', 'code_list', 'unit_code', 'registered_on', 'tt_doses', 'protected'],
  optional: ['protected'],
  parse(col, get) {
    const registeredOn = col('registered_on', (v) => parseDate(req(v)));
    const ttDoses = col('tt_doses', (v) => parseCount(req(v), 10));
    return {
      womanCode: col('woman_code', (v) => parseCode(req(v))),
      unitId: col('unit_code', (v) => unitFor(get('code_list'), req(v), registeredOn)),
      registeredOn,
      ttDoses,
      protected: col('protected', (v) => (v === '' ? ttDoses >= 2 : parseBool(v))),
    };
  },
  check: dupCheck((v) => v.womanCode, 'woman_code'),
};

export interface HealthRecordRow {
  unitId: string;
  month: string;
  population: number;
  records: number;
  standardized: number;
  visits: number;
  visitsSynced: number;
}
export const healthRecords: DatasetSpec<HealthRecordRow> = {
  name: 'health-records',
  columns: ['code_list', 'unit_code', 'month', 'population', 'records', 'standardized', 'visits', 'visits_synced'],
  optional: [],
  parse(col, get) {
    const month = col('month', (v) => (/^\d{4}-(0[1-9]|1[0-2])$/.test(req(v)) ? v : fail(`"${v}" is not a month YYYY-MM`)));
    const population = col('population', (v) => parseCount(req(v)));
    const records = col('records', (v) => parseCount(req(v)));
    const standardized = col('standardized', (v) => {
      const n = parseCount(req(v));
      return n > records ? fail(`${n} standardized is more than ${records} records`) : n;
    });
    const visits = col('visits', (v) => parseCount(req(v)));
    const visitsSynced = col('visits_synced', (v) => {
      const n = parseCount(req(v));
      return n > visits ? fail(`${n} synced is more than ${visits} visits`) : n;
    });
    return { unitId: col('unit_code', (v) => unitFor(get('code_list'), req(v), month ? `${month}-01` : null)), month, population, records, standardized, visits, visitsSynced };
  },
  check: dupCheck((v) => `${v.unitId}|${v.month}`, 'month'),
};

export interface EducationRow {
  unitId: string;
  schoolYear: string;
  level: string;
  agePopulation: number;
  enrolled: number;
  dropouts: number;
  schools: number;
  schoolsStandard: number;
  classrooms: number;
  solidClassrooms: number;
}
export const education: DatasetSpec<EducationRow> = {
  name: 'education',
  columns: ['code_list', 'unit_code', 'school_year', 'level', 'age_population', 'enrolled', 'dropouts', 'schools', 'schools_standard', 'classrooms', 'solid_classrooms'],
  optional: [],
  parse(col, get) {
    const schoolYear = col('school_year', (v) => {
      const m = /^(\d{4})-(\d{4})$/.exec(req(v));
      return m && Number(m[2]) === Number(m[1]) + 1 ? v : fail(`"${v}" is not a school year like 2025-2026`);
    });
    const enrolled = col('enrolled', (v) => parseCount(req(v)));
    const schools = col('schools', (v) => parseCount(req(v), 10_000));
    const classrooms = col('classrooms', (v) => parseCount(req(v), 100_000));
    const atMost = (name: string, max: number, of: string) => col(name, (v) => {
      const n = parseCount(req(v));
      return n > max ? fail(`${n} is more than ${max} ${of}`) : n;
    });
    return {
      unitId: col('unit_code', (v) => unitFor(get('code_list'), req(v), schoolYear ? `${schoolYear.slice(0, 4)}-09-05` : null)),
      schoolYear,
      level: col('level', (v) => oneOf(EDUCATION_LEVELS)(req(v))),
      agePopulation: col('age_population', (v) => parseCount(req(v))),
      enrolled,
      dropouts: atMost('dropouts', enrolled, 'enrolled'),
      schools,
      schoolsStandard: atMost('schools_standard', schools, 'schools'),
      classrooms,
      solidClassrooms: atMost('solid_classrooms', classrooms, 'classrooms'),
    };
  },
  check: dupCheck((v) => `${v.unitId}|${v.schoolYear}|${v.level}`, 'level'),
};

export interface WaterReadingRow {
  id: string;
  stationId: string;
  at: string;
  levelM: number;
}
export const waterReadings: DatasetSpec<WaterReadingRow> = {
  name: 'water-readings',
  columns: ['id', 'station_id', 'at', 'level_m'],
  optional: ['id'],
  parse(col) {
    const stationId = col('station_id', (v) => parseCode(req(v)));
    const at = col('at', (v) => parseInstant(req(v)));
    const levelM = col('level_m', (v) => {
      const n = Number(req(v));
      return Number.isFinite(n) && n > -50 && n < 500 ? Math.round(n * 1000) / 1000 : fail(`"${v}" is not a level in metres`);
    });
    return { id: col('id', (v) => (v === '' ? `wr:${stationId}:${at}` : parseCode(v))), stationId, at, levelM };
  },
  check: dupCheck((v) => v.id, 'id'),
};

export const DATASETS = { 'dossier-events': dossierEvents, immunizations, pregnancies, 'health-records': healthRecords, education, 'water-readings': waterReadings } as const;
export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** Raw rows (from CSV or JSON) → parsed rows, or every error (capped at MAX_ERRORS). */
export function validateRows<T>(spec: DatasetSpec<T>, header: readonly string[], raw: Array<{ line?: number; cells: Record<string, Cell> }>): { ok: true; rows: T[] } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const missing = spec.columns.filter((c) => !spec.optional.includes(c) && !header.includes(c));
  const unknown = header.filter((h) => !spec.columns.includes(h));
  for (const c of missing) errors.push({ row: 0, line: 1, column: c, message: `required column "${c}" is missing (columns: ${spec.columns.join(', ')})` });
  for (const c of unknown) errors.push({ row: 0, line: 1, column: c, message: `unknown column "${c}" for ${spec.name} (columns: ${spec.columns.join(', ')})` });
  if (errors.length) return { ok: false, errors };
  if (raw.length === 0) return { ok: false, errors: [{ row: 0, column: '', message: 'the file has no data rows' }] };
  const parsed: Array<{ row: number; line?: number; value: T }> = [];
  raw.forEach((r, k) => {
    if (errors.length >= MAX_ERRORS) return;
    const row = k + 1;
    let rowFailed = false;
    const get = (name: string) => (r.cells[name] ?? '').trim();
    const col = <V>(name: string, p: (v: Cell) => V): V => {
      try {
        return p(get(name));
      } catch (e) {
        if (!(e instanceof CellError)) throw e;
        rowFailed = true;
        errors.push({ row, line: r.line, column: name, message: e.message });
        return undefined as V;
      }
    };
    const value = spec.parse(col, get);
    if (!rowFailed) parsed.push({ row, line: r.line, value });
  });
  if (!errors.length && spec.check) errors.push(...spec.check(parsed));
  return errors.length ? { ok: false, errors: errors.slice(0, MAX_ERRORS) } : { ok: true, rows: parsed.map((p) => p.value) };
}

export function describeError(e: RowError): string {
  return `${e.row ? `row ${e.row}${e.line ? ` (line ${e.line})` : ''}` : 'header'}, column ${e.column}: ${e.message}`;
}
