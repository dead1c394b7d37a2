/**
 * Drizzle view of migrations/*.sql (the SQL is the source of truth; keep the two in step).
 * Synced entity tables use the entity's field names as TS keys, so a selected row turns into the
 * synced JSON with a generic conversion (entity-tables.ts) instead of one hand-written mapper each.
 */
import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

type LonLat = [number, number];
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const adminUnits = pgTable('admin_units', {
  id: text('id').primaryKey(),
  code: text('code').notNull(),
  codeList: text('code_list').notNull(),
  name: text('name').notNull(),
  level: text('level').notNull(),
  parentId: text('parent_id'),
  validFrom: date('valid_from', { mode: 'string' }),
  validTo: date('valid_to', { mode: 'string' }),
  successorId: text('successor_id'),
  center: jsonb('center').$type<LonLat | null>(),
  population: integer('population'),
  areaKm2: doublePrecision('area_km2'),
});

export const agencies = pgTable('agencies', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  unitId: text('unit_id'),
});

export const cameras = pgTable('cameras', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  group: text('camera_group').notNull(),
  unitId: text('unit_id'),
  location: jsonb('location').$type<LonLat>().notNull(),
  sources: jsonb('sources').$type<Record<string, { type: string; url: string }>>().notNull(),
  enabled: boolean('enabled').notNull().default(true),
});

export const feedbackCases = pgTable('feedback_cases', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  category: text('category').notNull(),
  status: text('status').notNull(),
  level: text('level').notNull(),
  unitId: text('unit_id'),
  location: jsonb('location').$type<LonLat | null>(),
  address: text('address'),
  agencyId: text('agency_id'),
  receivedAt: ts('received_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  noteCount: integer('note_count').notNull().default(0),
  // 0003_feedback_workflow.sql
  officer: text('officer'),
  acceptedAt: ts('accepted_at'),
  clockStartAt: ts('clock_start_at'),
  scheduledAt: ts('scheduled_at'),
  resolvedAt: ts('resolved_at'),
  publishedAt: ts('published_at'),
  answer: text('answer'),
  answerPhotos: jsonb('answer_photos').$type<string[]>().notNull().default([]),
  duplicateOf: text('duplicate_of'),
  duplicates: jsonb('duplicates').$type<string[]>().notNull().default([]),
  closeReason: text('close_reason'),
  reopenCount: integer('reopen_count').notNull().default(0),
  pauses: jsonb('pauses').$type<Array<{ from: string; to: string | null; reason: string }>>().notNull().default([]),
  routingRuleId: text('routing_rule_id'),
  slaPhase: text('sla_phase'),
  acceptDueAt: ts('accept_due_at'),
  handleDueAt: ts('handle_due_at'),
  dueAt: ts('due_at'),
  dueSoonAt: ts('due_soon_at'),
  dueSoon: boolean('due_soon').notNull().default(false),
  overdue: boolean('overdue').notNull().default(false),
  paused: boolean('paused').notNull().default(false),
  pauseReason: text('pause_reason'),
  remainingMinutes: integer('remaining_minutes'),
  escalatedAt: ts('escalated_at'),
  escalatedDueAt: ts('escalated_due_at'),
  escalateAt: ts('escalate_at'),
  escalatedLevel: integer('escalated_level').notNull().default(0),
});

export const caseEvents = pgTable('case_events', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull(),
  at: ts('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  text: text('text'),
  actorRole: text('actor_role'),
  fromStatus: text('from_status'),
  toStatus: text('to_status'),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
});

export const dossierEvents = pgTable('dossier_events', {
  id: text('id').primaryKey(),
  dossierId: text('dossier_id').notNull(),
  procedure: text('procedure').notNull(),
  agencyId: text('agency_id'),
  unitId: text('unit_id'),
  kind: text('kind').notNull(),
  online: boolean('online').notNull(),
  at: ts('at').notNull(),
  dueAt: ts('due_at'),
  digitized: boolean('digitized'),
  hasFee: boolean('has_fee'),
  paidOnline: boolean('paid_online'),
  rating: integer('rating'),
});

export const alerts = pgTable('alerts', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  severity: text('severity').notNull(),
  title: text('title').notNull(),
  unitId: text('unit_id'),
  raisedAt: ts('raised_at').notNull(),
  acknowledgedAt: ts('acknowledged_at'),
  acknowledgedBy: text('acknowledged_by'),
  note: text('note'),
});

export const waterStations = pgTable('water_stations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  river: text('river').notNull(),
  unitId: text('unit_id'),
  location: jsonb('location').$type<LonLat>().notNull(),
  alarm: jsonb('alarm').$type<{ bd1: number; bd2: number; bd3: number }>().notNull(),
  cameraId: text('camera_id'),
});

export const waterReadings = pgTable('water_readings', {
  id: text('id').primaryKey(),
  stationId: text('station_id').notNull(),
  at: ts('at').notNull(),
  levelM: doublePrecision('level_m').notNull(),
});

export const indicatorValues = pgTable('indicator_values', {
  id: text('id').primaryKey(),
  indicator: text('indicator').notNull(),
  unitId: text('unit_id'),
  period: text('period').notNull(),
  value: doublePrecision('value'),
  numerator: doublePrecision('numerator'),
  denominator: doublePrecision('denominator'),
  computedAt: ts('computed_at').notNull(),
  periodKind: text('period_kind'),
  target: doublePrecision('target'),
  state: text('state'),
  asOf: ts('as_of'),
});

export const immunizationDues = pgTable('immunization_dues', {
  id: text('id').primaryKey(),
  childCode: text('child_code').notNull(),
  unitId: text('unit_id'),
  antigen: text('antigen').notNull(),
  birthDate: text('birth_date').notNull(),
  dueAt: ts('due_at').notNull(),
  computedAt: ts('computed_at').notNull(),
  resolvedAt: ts('resolved_at'),
});

export const cyberMentions = pgTable('cyber_mentions', {
  id: text('id').primaryKey(),
  feedId: text('feed_id').notNull(),
  source: text('source').notNull(),
  url: text('url'),
  title: text('title').notNull(),
  summary: text('summary'),
  publishedAt: ts('published_at').notNull(),
  unitId: text('unit_id'),
  keywords: jsonb('keywords').$type<string[]>().notNull(),
  sentiment: text('sentiment').notNull(),
  score: doublePrecision('score').notNull(),
});

// 0004_map_facilities.sql
export const facilities = pgTable('facilities', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  level: text('level').notNull(),
  unitId: text('unit_id'),
  location: jsonb('location').$type<LonLat>().notNull(),
  address: text('address'),
  pupils: integer('pupils'),
  classes: integer('classes'),
  teachers: integer('teachers'),
  standardNational: boolean('standard_national'),
  boarding: text('boarding'),
  beds: integer('beds'),
  staff: integer('staff'),
  doctors: integer('doctors'),
  nationalCriteria: boolean('national_criteria'),
  ehrConnected: boolean('ehr_connected'),
});

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role').notNull(),
  passwordHash: text('password_hash').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id').notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: ts('at').notNull().defaultNow(),
  userId: text('user_id'),
  actor: text('actor').notNull(),
  ip: text('ip'),
  action: text('action').notNull(),
  target: text('target'),
  args: jsonb('args'),
  result: text('result').notNull(),
});

export const changeLog = pgTable('change_log', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  op: text('op').notNull(),
  data: jsonb('data'),
  at: ts('at').notNull().defaultNow(),
});

export const appliedMutations = pgTable(
  'applied_mutations',
  {
    clientId: uuid('client_id').notNull(),
    mutationId: uuid('mutation_id').notNull(),
    clientSeq: bigint('client_seq', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    userId: text('user_id'),
    argsSha256: text('args_sha256').notNull(),
    result: jsonb('result').notNull(),
    appliedAt: ts('applied_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.mutationId] })],
);

export const clientProgress = pgTable('client_progress', {
  clientId: uuid('client_id').primaryKey(),
  lastClientSeq: bigint('last_client_seq', { mode: 'number' }).notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const serverMeta = pgTable('server_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});

// ---- Open311 (0002_open311.sql): never synced; server/open311 --------------------------------------

export const open311Jurisdictions = pgTable('open311_jurisdictions', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  boundary: text('boundary'),
  agencyName: text('agency_name'),
  isDefault: boolean('is_default').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const open311Services = pgTable(
  'open311_services',
  {
    jurisdictionId: text('jurisdiction_id').notNull(),
    serviceCode: text('service_code').notNull(),
    serviceName: text('service_name').notNull(),
    description: text('description').notNull().default(''),
    type: text('type').notNull().default('realtime'),
    keywords: text('keywords').notNull().default(''),
    group: text('service_group').notNull().default(''),
    category: text('category').notNull(),
    aliases: jsonb('aliases').$type<string[]>().notNull().default([]),
    level: text('level').notNull(),
    attributes: jsonb('attributes').$type<unknown[]>().notNull().default([]),
    locationRequired: boolean('location_required').notNull().default(true),
    serviceNotice: text('service_notice'),
    sort: integer('sort').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.jurisdictionId, t.serviceCode] })],
);

export const open311ApiKeys = pgTable('open311_api_keys', {
  keyHash: text('key_hash').primaryKey(),
  label: text('label').notNull(),
  jurisdictionId: text('jurisdiction_id'),
  rateLimitPerMin: integer('rate_limit_per_min'),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const open311Requests = pgTable('open311_requests', {
  caseId: text('case_id').primaryKey(),
  jurisdictionId: text('jurisdiction_id').notNull(),
  serviceCode: text('service_code').notNull(),
  token: text('token').notNull().unique(),
  apiKeyHash: text('api_key_hash').notNull(),
  attributes: jsonb('attributes').$type<Record<string, string | string[]>>().notNull().default({}),
  addressId: text('address_id'),
  zipcode: text('zipcode'),
  mediaUrl: text('media_url'),
  media: jsonb('media').$type<Array<{ sha256: string; ext: string; bytes: number }>>().notNull().default([]),
  email: text('email'),
  phone: text('phone'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  deviceId: text('device_id'),
  accountId: text('account_id'),
  createdAt: ts('created_at').notNull(),
});

// ---- Feedback routing (0003_feedback_workflow.sql): never synced; server/feedback/routing.ts -------

export const routingRules = pgTable('routing_rules', {
  id: text('id').primaryKey(),
  category: text('category').notNull(),
  unitId: text('unit_id'),
  agencyId: text('agency_id').notNull(),
  autoAssign: boolean('auto_assign').notNull().default(false),
  sort: integer('sort').notNull().default(0),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  updatedBy: text('updated_by'),
});
// KPI datasets (migration 0005, server-only: the computation reads them) ----------------------
export const kpiChildren = pgTable('kpi_children', {
  childCode: text('child_code').primaryKey(),
  unitId: text('unit_id').notNull(),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
});

export const kpiImmunizations = pgTable(
  'kpi_immunizations',
  {
    childCode: text('child_code').notNull(),
    antigen: text('antigen').notNull(),
    givenOn: date('given_on', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.childCode, t.antigen] })],
);

export const kpiPregnancies = pgTable('kpi_pregnancies', {
  womanCode: text('woman_code').primaryKey(),
  unitId: text('unit_id').notNull(),
  registeredOn: date('registered_on', { mode: 'string' }).notNull(),
  ttDoses: integer('tt_doses').notNull(),
  protected: boolean('protected').notNull(),
});

export const kpiHealthRecords = pgTable(
  'kpi_health_records',
  {
    unitId: text('unit_id').notNull(),
    month: text('month').notNull(),
    population: integer('population').notNull(),
    records: integer('records').notNull(),
    standardized: integer('standardized').notNull(),
    visits: integer('visits').notNull(),
    visitsSynced: integer('visits_synced').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.month] })],
);

export const kpiEducation = pgTable(
  'kpi_education',
  {
    unitId: text('unit_id').notNull(),
    schoolYear: text('school_year').notNull(),
    level: text('level').notNull(),
    agePopulation: integer('age_population').notNull(),
    enrolled: integer('enrolled').notNull(),
    dropouts: integer('dropouts').notNull(),
    schools: integer('schools').notNull(),
    schoolsStandard: integer('schools_standard').notNull(),
    classrooms: integer('classrooms').notNull(),
    solidClassrooms: integer('solid_classrooms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.schoolYear, t.level] })],
);

export const kpiImportRuns = pgTable('kpi_import_runs', {
  id: text('id').primaryKey(),
  dataset: text('dataset').notNull(),
  format: text('format').notNull(),
  rows: integer('rows').notNull(),
  actor: text('actor').notNull(),
  at: ts('at').notNull().defaultNow(),
});

export const cyberFeedsSeen = pgTable(
  'cyber_feeds_seen',
  {
    feedId: text('feed_id').notNull(),
    itemKey: text('item_key').notNull(),
    seenAt: ts('seen_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.feedId, t.itemKey] })],
);
