import { z } from 'zod';
import { call } from './rpc';
import { AdminUnit, Agency, CaseEvent, FeedbackCase } from '../domain/entities';
import { QueuedAction } from './data.contract';
import { COMMAND_NAMES } from '../sync/commands';

/**
 * The citizen-feedback queue (phản ánh kiến nghị, PAKN) over the local cache: filter, sort and page
 * 100k cases, one case with its history, and the operator's actions (through the outbox, so they
 * work offline). Changes arrive as `data:changed` for `feedback_case` / `case_event`.
 */

const Id = z.string().min(1).max(200);
export const FeedbackLevelFilter = z.enum(['urgent', 'normal', 'complex']);

export const FeedbackFilters = z.object({
  /** Case statuses as the server stores them (received, assigned, in_progress, fixed, …). */
  status: z.array(z.string().min(1).max(40)).max(30).optional(),
  level: z.array(FeedbackLevelFilter).max(3).optional(),
  unitId: Id.optional(),
  agencyId: Id.optional(),
  /** Open cases whose running SLA clock has passed its due instant. */
  overdue: z.boolean().optional(),
  /** Open cases due within the policy's warning window (24 h), not yet overdue. */
  dueSoon: z.boolean().optional(),
  /** Every word must occur in id/title/description/address, with or without diacritics. */
  text: z.string().max(200).optional(),
});
export type FeedbackFilters = z.infer<typeof FeedbackFilters>;

export const FeedbackSortBy = z.enum(['receivedAt', 'dueAt', 'level', 'status']);
export type FeedbackSortBy = z.infer<typeof FeedbackSortBy>;
export const FeedbackSort = z.object({ by: FeedbackSortBy.default('receivedAt'), dir: z.enum(['asc', 'desc']).default('desc') });
export type FeedbackSort = z.infer<typeof FeedbackSort>;

export const FeedbackQueryInput = z.object({
  filters: FeedbackFilters.default({}),
  sort: FeedbackSort.default({ by: 'receivedAt', dir: 'desc' }),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(0).max(200).default(50),
});
export type FeedbackQueryInput = z.input<typeof FeedbackQueryInput>;

export const CaseSla = z.object({
  /** Due instant of the running clock (accept or handle); null once the case is closed. */
  dueAt: z.string().nullable(),
  phase: z.enum(['accept', 'handle', 'done']),
  dueSoon: z.boolean(),
  overdue: z.boolean(),
  escalationLevel: z.number().int().min(0).max(2),
  /** How many times the server escalated the running deadline to leadership: 1 when overdue, 2 when still overdue 8 working hours later. */
  escalations: z.number().int().min(0).max(2).default(0),
  remainingWorkingMinutes: z.number(),
  /** The server stopped the clock (pause with a reason): neither due soon nor overdue; dueAt null. */
  paused: z.boolean().default(false),
  pauseReason: z.string().nullable().default(null),
  /** 'server': from the SLA state the server stored on the case; 'local': computed from receivedAt (older server). */
  source: z.enum(['server', 'local']).default('local'),
});
export type CaseSla = z.infer<typeof CaseSla>;

const LonLat = z.tuple([z.number(), z.number()]);
/**
 * What a queue row needs of a case (list, wall): a page is 200 of these, validated on the way out,
 * so the full row (description, history fields…) stays for `feedback:get`.
 */
export const QueueCase = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  status: z.string(),
  level: FeedbackLevelFilter,
  unitId: z.string().nullable(),
  agencyId: z.string().nullable(),
  address: z.string().nullable(),
  location: LonLat.nullable(),
  receivedAt: z.string(),
  updatedAt: z.string(),
  paused: z.boolean(),
});
export type QueueCase = z.infer<typeof QueueCase>;

export const FeedbackRow = z.object({ case: QueueCase, pending: z.boolean(), sla: CaseSla });
export type FeedbackRow = z.infer<typeof FeedbackRow>;

export const FeedbackCounts = z.object({
  /** Per status, over the rows matching every filter except `status` (for the status chips). */
  byStatus: z.record(z.string(), z.number().int().nonnegative()),
  /** Over the rows matching every filter except `overdue`/`dueSoon`. */
  overdue: z.number().int().nonnegative(),
  dueSoon: z.number().int().nonnegative(),
  /** Open cases whose clock the server paused (same filters as overdue/dueSoon). */
  paused: z.number().int().nonnegative().default(0),
});
export type FeedbackCounts = z.infer<typeof FeedbackCounts>;

export const FeedbackQueryResult = z.object({
  total: z.number().int().nonnegative(),
  rows: z.array(FeedbackRow),
  counts: FeedbackCounts,
  /** The instant the SLA states were computed at. */
  now: z.string(),
});
export type FeedbackQueryResult = z.infer<typeof FeedbackQueryResult>;

/** A status change the workflow allows from the case's current status. */
export const StatusOption = z.object({
  status: z.string(),
  /** The workflow action it stands for (shared/feedback/workflow). */
  action: z.string(),
  needsReason: z.boolean(),
});
export type StatusOption = z.infer<typeof StatusOption>;

export const PendingAction = z.object({
  mutationId: z.string(),
  name: z.string(),
  args: z.unknown(),
  createdAt: z.string(),
  actor: z.string(),
});
export type PendingAction = z.infer<typeof PendingAction>;

/** A command about this case the server refused: shown with the server's reason until retried/discarded. */
export const RejectedAction = PendingAction.extend({ code: z.string(), reason: z.string(), rejectedAt: z.string() });
export type RejectedAction = z.infer<typeof RejectedAction>;

/** Case commands the detail panel sends through `feedback:act` (shared/sync/commands.ts). */
export const CASE_ACTION_COMMANDS = COMMAND_NAMES.filter((n) => n.startsWith('case.') && !['case.assign', 'case.setStatus', 'case.addNote'].includes(n)) as Array<
  Exclude<(typeof COMMAND_NAMES)[number], 'alert.acknowledge' | 'case.assign' | 'case.setStatus' | 'case.addNote'>
>;
export const CaseActionCommand = z.enum(CASE_ACTION_COMMANDS as [string, ...string[]]);

export const FeedbackDetail = z.object({
  row: z.object({ case: FeedbackCase, pending: z.boolean(), sla: CaseSla }),
  /** case_event rows of this case, newest first. */
  history: z.array(CaseEvent),
  /** Outbox commands about this case not yet answered by the server (shown as "đang chờ gửi"). */
  pendingActions: z.array(PendingAction),
  /** Open cases of the same category within 50 m, nearest first. */
  duplicates: z.array(z.object({ case: FeedbackCase, distanceM: z.number() })),
  unit: AdminUnit.nullable(),
  agency: Agency.nullable(),
  allowedStatuses: z.array(StatusOption),
  canAssign: z.boolean(),
  /** Photos of the report (URLs or media refs `<sha256>.jpg|png`; load refs through `feedback:photo`). */
  photos: z.array(z.string()),
  /** The answer's "after" photos (media refs). */
  answerPhotos: z.array(z.string()),
  /** Commands about this case the server rejected, with its reason. */
  rejectedActions: z.array(RejectedAction),
  /** Case commands (`feedback:act`) the workflow allows now. */
  actions: z.array(z.string()),
  /** Categories that need an "after" photo to be resolved. */
  needsFixPhoto: z.boolean(),
  paused: z.boolean(),
});
export type FeedbackDetail = z.infer<typeof FeedbackDetail>;

export const FeedbackLookups = z.object({
  units: z.array(z.object({ id: z.string(), name: z.string(), cases: z.number().int().nonnegative() })),
  agencies: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), unitId: z.string().nullable() })),
  statuses: z.array(z.string()),
  /** Statuses whose SLA clock runs (the wall shows these). */
  openStatuses: z.array(z.string()),
});
export type FeedbackLookups = z.infer<typeof FeedbackLookups>;

/** A routing rule as the central server keeps it (server/feedback/routing.ts): category × commune → agency. */
export const RoutingRule = z.object({
  id: z.string().min(1).max(80),
  category: z.string().min(1).max(60),
  /** Post-2025 commune (`vn-2025:<code>`), or null for every commune. */
  unitId: z.string().min(1).max(100).nullable(),
  agencyId: z.string().min(1).max(100),
  /** The case starts assigned (accepted on arrival); otherwise it waits with the agency proposed. */
  autoAssign: z.boolean(),
});
export type RoutingRule = z.infer<typeof RoutingRule>;
export const RoutingRules = z.object({
  rules: z.array(RoutingRule),
  /** Communes from the local cache (for the commune picker). */
  communes: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type RoutingRules = z.infer<typeof RoutingRules>;

export const feedbackContract = {
  query: call('feedback:query', FeedbackQueryInput, FeedbackQueryResult),
  get: call('feedback:get', z.object({ id: Id }), FeedbackDetail),
  /** Communes that have cases, agencies, known statuses: the filter bar's lists. */
  lookups: call('feedback:lookups', z.void(), FeedbackLookups),
  /** Operator actions: written to the outbox before this returns (work offline). */
  assign: call('feedback:assign', z.object({ caseId: Id, agencyId: Id, officer: z.string().trim().max(200).optional() }), QueuedAction),
  setStatus: call('feedback:setStatus', z.object({ caseId: Id, status: z.string().min(1).max(40), reason: z.string().trim().max(2000).optional() }), QueuedAction),
  addNote: call('feedback:addNote', z.object({ caseId: Id, text: z.string().trim().min(1).max(4000) }), QueuedAction),
  /**
   * Any other workflow command (triage, start, schedule, resolve with answer + photo refs, publish,
   * not responsible / reject / refer with a reason, merge into a duplicate, level, pause/resume,
   * reopen): args as in shared/sync/commands.ts COMMANDS, checked against the workflow here.
   */
  act: call('feedback:act', z.object({ name: CaseActionCommand, args: z.record(z.string(), z.unknown()) }), QueuedAction),
  /**
   * An "after" photo for an answer: kept in the app's data folder (so it survives offline and
   * restarts), uploaded to the central server now if it can be, else later; answers its media ref.
   */
  attachPhoto: call(
    'feedback:attachPhoto',
    z.object({ type: z.enum(['image/jpeg', 'image/png']), dataBase64: z.string().min(8).max(7_000_000) }),
    z.object({ ref: z.string(), uploaded: z.boolean() }),
  ),
  /** A photo (media ref or URL) as a data: URL, from the local copy or the central server. */
  photo: call('feedback:photo', z.object({ ref: z.string().min(1).max(2048) }), z.object({ dataUrl: z.string() })),
  /**
   * The central server's routing rules (admin only, online only): errors 'unavailable' (offline or
   * not signed in), 'forbidden' (not an administrator), 'invalid_input' (the server's validation).
   */
  routingRules: call('feedback:routingRules', z.void(), RoutingRules),
  /** Replace every routing rule on the central server (admin only); answers the rules as saved. */
  saveRoutingRules: call('feedback:saveRoutingRules', z.object({ rules: z.array(RoutingRule).max(2000) }), RoutingRules),
};
