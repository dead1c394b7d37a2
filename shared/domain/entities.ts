import { z } from 'zod';

/**
 * What the wall shows, as the sync protocol carries it: one row per entity, as JSON. The central
 * server owns every row; the desktop cache mirrors them. Objects are "loose" so later issues can add
 * fields without breaking older clients.
 */
export const ENTITIES = [
  'admin_unit',
  'agency',
  'camera',
  'feedback_case',
  'case_event',
  'dossier_event',
  'alert',
  'water_station',
  'water_reading',
  'indicator_value',
  'facility',
  'immunization_due',
  'cyber_mention',
] as const;
export const Entity = z.enum(ENTITIES);
export type Entity = z.infer<typeof Entity>;

const Iso = z.string().min(10).max(40); // ISO 8601 with offset
const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

/** Unit codes were reused in 2025 (20900 was Trà Sơn, is Trà My): a code means nothing without its list. */
export const CodeList = z.enum(['vn-2019', 'vn-2025']);
export type CodeList = z.infer<typeof CodeList>;

export const AdminUnit = z.looseObject({
  id: z.string(), // `${codeList}:${code}`
  code: z.string(),
  codeList: CodeList,
  name: z.string(),
  level: z.enum(['province', 'city', 'district', 'town', 'commune']),
  parentId: z.string().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  /** pre-2025 units: the post-2025 commune they became part of. */
  successorId: z.string().nullable().optional(),
  center: LonLat.nullable().optional(),
  population: z.number().nullable().optional(),
  areaKm2: z.number().nullable().optional(),
});
export type AdminUnit = z.infer<typeof AdminUnit>;

export const Agency = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['district', 'commune', 'police', 'health', 'education', 'public_works', 'environment', 'other']),
  unitId: z.string().nullable(),
});
export type Agency = z.infer<typeof Agency>;

export const CameraGroup = z.enum(['security', 'traffic', 'market', 'water']);
export const Camera = z.looseObject({
  id: z.string(),
  name: z.string(),
  group: CameraGroup,
  unitId: z.string().nullable(),
  location: LonLat,
  /** Stream sources; credentials are never in the synced row (they stay on the machine that pulls them). */
  sources: z.record(z.string(), z.looseObject({ type: z.enum(['rtsp', 'http', 'hls', 'file', 'synthetic']), url: z.string() })),
  enabled: z.boolean(),
});
export type Camera = z.infer<typeof Camera>;

export const FeedbackCase = z.looseObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  status: z.string(),
  level: z.enum(['urgent', 'normal', 'complex']),
  unitId: z.string().nullable(),
  location: LonLat.nullable(),
  address: z.string().nullable(),
  agencyId: z.string().nullable(),
  receivedAt: Iso,
  updatedAt: Iso,
  noteCount: z.number().int().nonnegative().default(0),
  // Workflow (shared/feedback/workflow.ts; `status` is one of FEEDBACK_STATES). Optional: rows of older servers lack them.
  officer: z.string().nullable().optional(),
  acceptedAt: Iso.nullable().optional(),
  clockStartAt: Iso.nullable().optional(),
  scheduledAt: Iso.nullable().optional(),
  resolvedAt: Iso.nullable().optional(),
  publishedAt: Iso.nullable().optional(),
  /** The answer to the citizen (required to resolve). */
  answer: z.string().nullable().optional(),
  /** "After" photos: media refs `<sha256>.jpg|png`, served at /open311/v2/media/<ref>. */
  answerPhotos: z.array(z.string()).optional(),
  duplicateOf: z.string().nullable().optional(),
  /** Cases merged into this one. */
  duplicates: z.array(z.string()).optional(),
  closeReason: z.string().nullable().optional(),
  reopenCount: z.number().int().nonnegative().optional(),
  pauses: z.array(z.object({ from: Iso, to: Iso.nullable(), reason: z.string() })).optional(),
  routingRuleId: z.string().nullable().optional(),
  // SLA, computed by the server (server/feedback/sla-fields.ts) and refreshed by its SLA job.
  slaPhase: z.enum(['accept', 'handle', 'done']).nullable().optional(),
  acceptDueAt: Iso.nullable().optional(),
  handleDueAt: Iso.nullable().optional(),
  /** Due instant of the running clock; null when done or paused. */
  dueAt: Iso.nullable().optional(),
  dueSoonAt: Iso.nullable().optional(),
  dueSoon: z.boolean().optional(),
  overdue: z.boolean().optional(),
  paused: z.boolean().optional(),
  pauseReason: z.string().nullable().optional(),
  remainingMinutes: z.number().int().nullable().optional(),
  escalatedAt: Iso.nullable().optional(),
  escalatedDueAt: Iso.nullable().optional(),
  /** When the running clock is overdue by the escalation threshold (the second escalation). */
  escalateAt: Iso.nullable().optional(),
  /** The level escalated for escalatedDueAt: 1 overdue, 2 overdue past the threshold. */
  escalatedLevel: z.number().int().min(0).max(2).optional(),
});
export type FeedbackCase = z.infer<typeof FeedbackCase>;

export const CaseEvent = z.looseObject({
  id: z.string(),
  caseId: z.string(),
  at: Iso,
  actor: z.string(),
  /** The workflow action (triage, assign, resolve, …) or received / merged / repointed / escalated / routed. */
  action: z.string(),
  text: z.string().nullable(),
  actorRole: z.string().nullable().optional(),
  fromStatus: z.string().nullable().optional(),
  toStatus: z.string().nullable().optional(),
  /** The action's arguments (photos, dates, ids). */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type CaseEvent = z.infer<typeof CaseEvent>;

export const DossierEvent = z.looseObject({
  id: z.string(),
  dossierId: z.string(),
  procedure: z.string(),
  agencyId: z.string().nullable(),
  unitId: z.string().nullable(),
  kind: z.enum(['received', 'in_progress', 'completed_early', 'completed_on_time', 'completed_late', 'returned', 'synced_national']),
  online: z.boolean(),
  at: Iso,
  dueAt: Iso.nullable(),
  /** KPI (Decision 766) attributes, on the event that knows them (received/completed); null = unknown. */
  digitized: z.boolean().nullable().optional(),
  hasFee: z.boolean().nullable().optional(),
  paidOnline: z.boolean().nullable().optional(),
  /** Citizen rating 1–5 (4–5 = satisfied), on a completion event. */
  rating: z.number().int().min(1).max(5).nullable().optional(),
});
export type DossierEvent = z.infer<typeof DossierEvent>;

export const Alert = z.looseObject({
  id: z.string(),
  kind: z.enum(['water_level', 'camera_offline', 'feedback_overdue', 'cyber_spike', 'dossier_due', 'other']),
  severity: z.enum(['info', 'warning', 'critical']),
  title: z.string(),
  unitId: z.string().nullable(),
  raisedAt: Iso,
  acknowledgedAt: Iso.nullable(),
  acknowledgedBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const WaterStation = z.looseObject({
  id: z.string(),
  name: z.string(),
  river: z.string(),
  unitId: z.string().nullable(),
  location: LonLat,
  /** Official flood alarm levels BĐ1/BĐ2/BĐ3, metres. */
  alarm: z.object({ bd1: z.number(), bd2: z.number(), bd3: z.number() }),
  cameraId: z.string().nullable(),
});
export type WaterStation = z.infer<typeof WaterStation>;

export const WaterReading = z.looseObject({
  id: z.string(),
  stationId: z.string(),
  at: Iso,
  levelM: z.number(),
});
export type WaterReading = z.infer<typeof WaterReading>;

export const IndicatorValue = z.looseObject({
  id: z.string(),
  indicator: z.string(),
  unitId: z.string().nullable(),
  period: z.string(), // e.g. 2026-W47, 2026-11, 2026
  value: z.number().nullable(),
  numerator: z.number().nullable().optional(),
  denominator: z.number().nullable().optional(),
  computedAt: Iso,
  /** 'day' | 'week' | 'month' | 'year' (shared/kpi/periods.ts). */
  periodKind: z.string().nullable().optional(),
  target: z.number().nullable().optional(),
  /** green/amber/red/none against the catalogue thresholds (shared/kpi/catalogue.ts). */
  state: z.string().nullable().optional(),
  /** Newest source data the value reflects ("as of" on the tile). */
  asOf: Iso.nullable().optional(),
});
export type IndicatorValue = z.infer<typeof IndicatorValue>;

/** Public service points on the map and the KPI boards: schools and commune health stations. */
export const FacilityKind = z.enum(['school', 'health_station']);
export type FacilityKind = z.infer<typeof FacilityKind>;
/**
 * Schools by Vietnamese level (mầm non, tiểu học, THCS, TH&THCS / THCS&THPT, THPT); health by tier
 * (trạm y tế xã, trung tâm y tế). Labels: shared/map/facilities.ts.
 */
export const FacilityLevel = z.enum([
  'preschool',
  'primary',
  'lower_secondary',
  'primary_lower_secondary',
  'lower_upper_secondary',
  'upper_secondary',
  'commune_health_station',
  'district_health_centre',
]);
export type FacilityLevel = z.infer<typeof FacilityLevel>;
const Count = z.number().int().nonnegative().nullable().optional();
export const Facility = z.looseObject({
  id: z.string(),
  kind: FacilityKind,
  name: z.string(),
  level: FacilityLevel,
  unitId: z.string().nullable(),
  location: LonLat,
  address: z.string().nullable().optional(),
  // schools
  pupils: Count,
  classes: Count,
  teachers: Count,
  /** Meets the national standard (trường đạt chuẩn quốc gia). */
  standardNational: z.boolean().nullable().optional(),
  /** Ethnic-minority semi-boarding (PTDTBT, bán trú) or boarding (PTDTNT, nội trú) school. */
  boarding: z.enum(['semi', 'full']).nullable().optional(),
  // health stations
  beds: Count,
  staff: Count,
  doctors: Count,
  /** Meets the national criteria for commune health (Bộ tiêu chí quốc gia về y tế xã). */
  nationalCriteria: z.boolean().nullable().optional(),
  /** Sends clinical visits to the electronic health record system. */
  ehrConnected: z.boolean().nullable().optional(),
});
export type Facility = z.infer<typeof Facility>;
/** A child overdue for a vaccine dose (de-identified: a child code, never a name). */
export const ImmunizationDue = z.looseObject({
  id: z.string(), // `${childCode}:${antigen}`
  childCode: z.string(),
  unitId: z.string().nullable(),
  antigen: z.string(),
  birthDate: z.string(),
  dueAt: Iso,
  computedAt: Iso,
  /** Set when the dose was recorded: the row leaves the worklist (rows are never deleted). */
  resolvedAt: Iso.nullable().optional(),
});
export type ImmunizationDue = z.infer<typeof ImmunizationDue>;

/** A feed item about the district that matched a commune's keyword pack. */
export const CyberMention = z.looseObject({
  id: z.string(),
  feedId: z.string(),
  source: z.string(),
  url: z.string().nullable(),
  title: z.string(),
  summary: z.string().nullable(),
  publishedAt: Iso,
  unitId: z.string().nullable(),
  keywords: z.array(z.string()),
  sentiment: z.enum(['positive', 'neutral', 'negative']),
  score: z.number(),
});
export type CyberMention = z.infer<typeof CyberMention>;

export const ENTITY_SCHEMAS = {
  admin_unit: AdminUnit,
  agency: Agency,
  camera: Camera,
  feedback_case: FeedbackCase,
  case_event: CaseEvent,
  dossier_event: DossierEvent,
  alert: Alert,
  water_station: WaterStation,
  water_reading: WaterReading,
  indicator_value: IndicatorValue,
  facility: Facility,
  immunization_due: ImmunizationDue,
  cyber_mention: CyberMention,
} as const satisfies Record<Entity, z.ZodType>;
