import { ACTION_TARGET, ALLOWED_FROM, FEEDBACK_STATES, type FeedbackActionType, type FeedbackState } from '../../../shared/feedback/workflow';

/**
 * The central server stores case statuses in FixMyStreet's vocabulary (server/sync/commands/
 * case-status.ts: investigating, action_scheduled, fixed, closed, unable_to_fix, reopened, …) while
 * the workflow rules in shared/feedback speak in their own states (triage, scheduled, resolved,
 * published, …). This module is the one translation between them, so the queue can offer exactly
 * the transitions `ALLOWED_FROM` permits and send statuses the server accepts.
 */

/** In queue order (open first, in workflow order; then the closed ones). */
export const SERVER_STATUSES = [
  'received',
  'reopened',
  'investigating',
  'assigned',
  'in_progress',
  'action_scheduled',
  'internal_referral',
  'fixed',
  'closed',
  'unable_to_fix',
  'not_responsible',
  'duplicate',
  'rejected',
] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** The server's FINAL_STATUSES: the SLA clock has stopped. */
export const CLOSED_STATUSES: readonly ServerStatus[] = ['fixed', 'closed', 'unable_to_fix', 'not_responsible', 'duplicate', 'rejected'];
export const OPEN_STATUSES: readonly ServerStatus[] = SERVER_STATUSES.filter((s) => !CLOSED_STATUSES.includes(s));

const TO_WORKFLOW: Record<ServerStatus, FeedbackState> = {
  received: 'received',
  // A re-opened case goes back to triage (workflow `reopen` → triage); "investigating" is the
  // server's word for verifying/classifying (openClosed('triage'): "Đang phân loại và xác minh").
  reopened: 'triage',
  investigating: 'triage',
  assigned: 'assigned',
  in_progress: 'in_progress',
  action_scheduled: 'scheduled',
  internal_referral: 'internal_referral',
  fixed: 'resolved',
  // Closed without a fix: still re-openable like a resolved case.
  unable_to_fix: 'resolved',
  closed: 'published',
  not_responsible: 'not_responsible',
  duplicate: 'duplicate',
  rejected: 'rejected',
};

const FROM_WORKFLOW: Record<FeedbackState, ServerStatus> = {
  received: 'received',
  triage: 'investigating',
  assigned: 'assigned',
  in_progress: 'in_progress',
  scheduled: 'action_scheduled',
  resolved: 'fixed',
  published: 'closed',
  not_responsible: 'not_responsible',
  duplicate: 'duplicate',
  rejected: 'rejected',
  internal_referral: 'internal_referral',
};

/** Where each status-changing action leads (the workflow's own table); `assign` has its own command. */
export const STATUS_ACTION_TARGET: Partial<Record<FeedbackActionType, FeedbackState>> = Object.fromEntries(
  Object.entries(ACTION_TARGET).filter(([action, target]) => target !== null && action !== 'assign'),
);

/** Actions whose workflow payload carries a reason/answer text: the UI asks for one. */
const NEEDS_REASON: ReadonlySet<FeedbackActionType> = new Set(['resolve', 'markDuplicate', 'notResponsible', 'reject', 'refer', 'reopen']);

export function isServerStatus(s: string): s is ServerStatus {
  return (SERVER_STATUSES as readonly string[]).includes(s);
}

/** The workflow state of a stored status; unknown strings that are workflow states map to themselves. */
export function workflowState(status: string): FeedbackState | null {
  if (isServerStatus(status)) return TO_WORKFLOW[status];
  return (FEEDBACK_STATES as readonly string[]).includes(status) ? (status as FeedbackState) : null;
}

export function isClosedStatus(status: string): boolean {
  return (CLOSED_STATUSES as readonly string[]).includes(status);
}

export interface StatusOption {
  status: ServerStatus;
  action: FeedbackActionType;
  needsReason: boolean;
}

/** Status changes the workflow allows from `status`, as server statuses (one per target). */
export function allowedStatusChanges(status: string): StatusOption[] {
  const from = workflowState(status);
  if (!from) return [];
  const out: StatusOption[] = [];
  for (const [action, target] of Object.entries(STATUS_ACTION_TARGET) as Array<[FeedbackActionType, FeedbackState]>) {
    if (!ALLOWED_FROM[action].includes(from)) continue;
    const to = action === 'reopen' ? 'reopened' : FROM_WORKFLOW[target];
    if (to === status || out.some((o) => o.status === to)) continue;
    out.push({ status: to, action, needsReason: NEEDS_REASON.has(action) });
  }
  return out;
}

export function canAssign(status: string): boolean {
  const from = workflowState(status);
  // The server also refuses to assign a closed case.
  return from !== null && ALLOWED_FROM.assign.includes(from) && !isClosedStatus(status);
}

/** Rank for sorting by status: workflow order, unknown statuses last. */
export function statusRank(status: string): number {
  const i = (SERVER_STATUSES as readonly string[]).indexOf(status);
  return i < 0 ? SERVER_STATUSES.length : i;
}
