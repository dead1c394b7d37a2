/** Open311 tables (0002_open311.sql) and the feedback cases they expose. */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, lte, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { FeedbackCase } from '../../shared/domain/entities';
import type { FeedbackConfig } from '../feedback/case-model';
import { intakeCase } from '../feedback/story';
import type { Executor } from '../db/client';
import { rowsOf } from '../db/client';
import { adminUnits, agencies, caseEvents, feedbackCases, open311ApiKeys, open311Jurisdictions, open311Requests, open311Services } from '../db/schema';
import { withWriteTx, type WriteContext } from '../sync/writer';
import { CLOSED_STATUSES, type ServiceAttribute, type ServiceSpec } from './catalog';
import { parseMediaRef, type StoredMedia } from './media';

export type Jurisdiction = typeof open311Jurisdictions.$inferSelect;
export type ServiceRow = Omit<typeof open311Services.$inferSelect, 'attributes'> & { attributes: ServiceAttribute[] };
export type ApiKeyRow = typeof open311ApiKeys.$inferSelect;

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

// ---- configuration ---------------------------------------------------------------------------------

export async function upsertJurisdiction(exec: Executor, j: { id: string; name: string; boundary: string | null; agencyName: string | null; isDefault?: boolean }) {
  const row = { id: j.id, name: j.name, boundary: j.boundary, agencyName: j.agencyName, isDefault: j.isDefault ?? false };
  await exec.insert(open311Jurisdictions).values(row).onConflictDoUpdate({ target: open311Jurisdictions.id, set: { name: row.name, boundary: row.boundary, agencyName: row.agencyName, isDefault: row.isDefault } });
}

export async function upsertServices(exec: Executor, specs: ServiceSpec[]) {
  for (const s of specs) {
    const { jurisdictionId, serviceCode, ...rest } = s;
    await exec
      .insert(open311Services)
      .values({ jurisdictionId, serviceCode, ...rest })
      .onConflictDoUpdate({ target: [open311Services.jurisdictionId, open311Services.serviceCode], set: rest });
  }
}

/** Registers (or re-enables and relabels) an API key; only its sha256 is stored. */
export async function registerApiKey(exec: Executor, k: { key: string; label: string; jurisdictionId?: string | null; rateLimitPerMin?: number | null }) {
  const row = { keyHash: sha256Hex(k.key), label: k.label, jurisdictionId: k.jurisdictionId ?? null, rateLimitPerMin: k.rateLimitPerMin ?? null, disabled: false };
  await exec.insert(open311ApiKeys).values(row).onConflictDoUpdate({ target: open311ApiKeys.keyHash, set: { label: row.label, jurisdictionId: row.jurisdictionId, rateLimitPerMin: row.rateLimitPerMin, disabled: false } });
}

// ---- lookups ---------------------------------------------------------------------------------------

/** The jurisdiction asked for, or the default one when none is given; null when unknown. */
export async function findJurisdiction(exec: Executor, id: string | undefined): Promise<Jurisdiction | null> {
  const [row] = await exec
    .select()
    .from(open311Jurisdictions)
    .where(id === undefined ? eq(open311Jurisdictions.isDefault, true) : eq(open311Jurisdictions.id, id))
    .limit(1);
  return row ?? null;
}

export async function defaultJurisdictionId(exec: Executor): Promise<string | null> {
  return (await findJurisdiction(exec, undefined))?.id ?? null;
}

export async function listServices(exec: Executor, jurisdictionId: string): Promise<ServiceRow[]> {
  return (await exec
    .select()
    .from(open311Services)
    .where(eq(open311Services.jurisdictionId, jurisdictionId))
    .orderBy(asc(open311Services.sort), asc(open311Services.serviceCode))) as ServiceRow[];
}

export async function findApiKey(exec: Executor, key: string): Promise<ApiKeyRow | null> {
  const [row] = await exec.select().from(open311ApiKeys).where(eq(open311ApiKeys.keyHash, sha256Hex(key))).limit(1);
  return row ?? null;
}

// ---- create ----------------------------------------------------------------------------------------

export interface NewRequest {
  jurisdiction: Jurisdiction;
  service: ServiceRow;
  apiKeyHash: string;
  unitId: string | null;
  location: [number, number] | null;
  address: string | null;
  addressId: string | null;
  description: string;
  attributes: Record<string, string | string[]>;
  mediaUrl: string | null;
  media: StoredMedia[];
  feedback: FeedbackConfig;
  contact: { email: string | null; phone: string | null; firstName: string | null; lastName: string | null; deviceId: string | null; accountId: string | null };
  at: Date;
}

const titleOf = (service: string, description: string) => {
  const first = description.replace(/\s+/g, ' ').trim();
  return first ? (first.length > 120 ? `${first.slice(0, 117)}…` : first) : service;
};

/**
 * One transaction through the sync write path: the feedback case + its 'received' event (both in
 * the change log, so the walls get them live) and the private Open311 row.
 */
export async function createRequest(ctx: WriteContext, r: NewRequest): Promise<{ id: string; token: string }> {
  const token = randomBytes(16).toString('base64url');
  return withWriteTx(ctx, async (w) => {
    const [{ n }] = await rowsOf<{ n: string }>(w.tx, sql`SELECT nextval('open311_request_seq')::text AS n`);
    const id = `pa311-${n.padStart(6, '0')}`;
    // The unit must exist (FK); a database started without the district keeps the case unplaced.
    const unitId = r.unitId && (await w.tx.select({ id: adminUnits.id }).from(adminUnits).where(eq(adminUnits.id, r.unitId)).limit(1)).length ? r.unitId : null;
    const iso = r.at.toISOString();
    const fc = {
      id,
      title: titleOf(r.service.serviceName, r.description),
      description: r.description,
      category: r.service.category,
      status: 'received',
      level: r.service.level as FeedbackCase['level'],
      unitId,
      location: r.location,
      address: r.address,
      agencyId: null,
      receivedAt: iso,
      updatedAt: iso,
      noteCount: 0,
    } satisfies FeedbackCase;
    await intakeCase(w, fc, { name: 'Công dân (Open311)', role: 'citizen' }, 'received via Open311', r.feedback, r.at, (n) => `${id}-e${n}`);
    await w.tx.insert(open311Requests).values({
      caseId: id,
      jurisdictionId: r.jurisdiction.id,
      serviceCode: r.service.serviceCode,
      token,
      apiKeyHash: r.apiKeyHash,
      attributes: r.attributes,
      addressId: r.addressId,
      zipcode: null,
      mediaUrl: r.mediaUrl,
      media: r.media,
      email: r.contact.email,
      phone: r.contact.phone,
      firstName: r.contact.firstName,
      lastName: r.contact.lastName,
      deviceId: r.contact.deviceId,
      accountId: r.contact.accountId,
      createdAt: r.at,
    });
    return { id, token };
  });
}

// ---- read ------------------------------------------------------------------------------------------

export interface RequestFilter {
  ids?: string[];
  serviceCodes?: string[];
  start?: Date;
  end?: Date;
  status?: 'open' | 'closed';
  limit: number;
}

/** What a request row is made of (no contact fields: they are never selected for GET). */
const PUBLIC_COLUMNS = {
  id: feedbackCases.id,
  description: feedbackCases.description,
  category: feedbackCases.category,
  status: feedbackCases.status,
  level: feedbackCases.level,
  location: feedbackCases.location,
  address: feedbackCases.address,
  receivedAt: feedbackCases.receivedAt,
  updatedAt: feedbackCases.updatedAt,
  agencyName: agencies.name,
  duplicateOf: feedbackCases.duplicateOf,
  closeReason: feedbackCases.closeReason,
  reopenCount: feedbackCases.reopenCount,
  answer: feedbackCases.answer,
  answerPhotos: feedbackCases.answerPhotos,
  handleDueAt: feedbackCases.handleDueAt,
  paused: feedbackCases.paused,
  serviceCode: open311Requests.serviceCode,
  addressId: open311Requests.addressId,
  zipcode: open311Requests.zipcode,
  mediaUrl: open311Requests.mediaUrl,
  media: open311Requests.media,
  accountId: open311Requests.accountId,
};
export type RequestRow = {
  id: string;
  description: string;
  category: string;
  status: string;
  level: string;
  location: [number, number] | null;
  address: string | null;
  receivedAt: Date;
  updatedAt: Date;
  agencyName: string | null;
  duplicateOf: string | null;
  closeReason: string | null;
  reopenCount: number;
  answer: string | null;
  answerPhotos: string[];
  handleDueAt: Date | null;
  paused: boolean;
  serviceCode: string | null;
  addressId: string | null;
  zipcode: string | null;
  mediaUrl: string | null;
  media: StoredMedia[] | null;
  accountId: string | null;
};

function inJurisdiction(j: Jurisdiction): SQL {
  // Cases without an Open311 row (seed, simulator, wall) belong to the default jurisdiction.
  return j.isDefault ? sql`coalesce(${open311Requests.jurisdictionId}, ${j.id}) = ${j.id}` : eq(open311Requests.jurisdictionId, j.id);
}

export async function queryRequests(exec: Executor, j: Jurisdiction, services: ServiceRow[], f: RequestFilter): Promise<RequestRow[]> {
  const where: SQL[] = [inJurisdiction(j)];
  if (f.ids) where.push(inArray(feedbackCases.id, f.ids));
  else {
    if (f.serviceCodes) {
      const picked = services.filter((s) => f.serviceCodes!.includes(s.serviceCode));
      const cats = j.isDefault ? picked.flatMap((s) => [s.category, ...s.aliases]) : [];
      const byCode = inArray(open311Requests.serviceCode, f.serviceCodes);
      where.push(cats.length ? or(byCode, and(sql`${open311Requests.caseId} IS NULL`, inArray(feedbackCases.category, cats)))! : byCode);
    }
    if (f.start) where.push(gte(feedbackCases.receivedAt, f.start));
    if (f.end) where.push(lte(feedbackCases.receivedAt, f.end));
    if (f.status === 'closed') where.push(inArray(feedbackCases.status, [...CLOSED_STATUSES]));
    if (f.status === 'open') where.push(notInArray(feedbackCases.status, [...CLOSED_STATUSES]));
  }
  return (await exec
    .select(PUBLIC_COLUMNS)
    .from(feedbackCases)
    .leftJoin(open311Requests, eq(open311Requests.caseId, feedbackCases.id))
    .leftJoin(agencies, eq(agencies.id, feedbackCases.agencyId))
    .where(and(...where))
    .orderBy(desc(feedbackCases.receivedAt), desc(feedbackCases.id))
    .limit(f.limit)) as RequestRow[];
}

export async function findByToken(exec: Executor, j: Jurisdiction, token: string): Promise<string | null> {
  const [row] = await exec
    .select({ id: open311Requests.caseId })
    .from(open311Requests)
    .where(and(eq(open311Requests.token, token), eq(open311Requests.jurisdictionId, j.id)))
    .limit(1);
  return row?.id ?? null;
}

export async function caseHistory(exec: Executor, caseId: string) {
  return exec.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.at), asc(caseEvents.id));
}

/**
 * Whether a stored photo may be served to anyone: a citizen's request carries it (its media_url is
 * public in GeoReport v2), or it is an "after" photo of an answer that has been published. An answer
 * photo of a case still being handled is for staff only (`GET /api/v1/media/:file`).
 */
export async function isPublicMedia(exec: Executor, file: string): Promise<boolean> {
  const m = parseMediaRef(file);
  if (!m) return false;
  const [req] = await exec
    .select({ id: open311Requests.caseId })
    .from(open311Requests)
    .where(sql`${open311Requests.media} @> ${JSON.stringify([m])}::jsonb`)
    .limit(1);
  if (req) return true;
  const [answer] = await exec
    .select({ id: feedbackCases.id })
    .from(feedbackCases)
    .where(and(sql`${feedbackCases.publishedAt} is not null`, sql`${feedbackCases.answerPhotos} @> ${JSON.stringify([file])}::jsonb`))
    .limit(1);
  return !!answer;
}

/** sha256 of the api_key that submitted the request; null for cases that did not come through Open311. */
export async function submittingKey(exec: Executor, caseId: string): Promise<string | null> {
  const [row] = await exec.select({ k: open311Requests.apiKeyHash }).from(open311Requests).where(eq(open311Requests.caseId, caseId)).limit(1);
  return row?.k ?? null;
}
