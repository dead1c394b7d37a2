import {
  ACTION_TARGET,
  ALLOWED_FROM,
  allowedStatusChanges as workflowStatusChanges,
  CLOSED_STATES,
  isFeedbackState,
  OPEN_STATES,
  type FeedbackActionType,
  type FeedbackState,
} from '../../../shared/feedback/workflow';

/**
 * The central server stores exactly the workflow states of shared/feedback/workflow.ts (one
 * vocabulary everywhere: server commands, Open311 mapping, seed, simulator, desktop). This module
 * is kept only so the queue code has one place for its status helpers; every function is a thin
 * view of the workflow tables.
 */

/** In queue order: open first (in workflow order), then the closed ones. */
export const SERVER_STATUSES = [
  'received',
  'triage',
  'assigned',
  'in_progress',
  'scheduled',
  'internal_referral',
  'resolved',
  'published',
  'not_responsible',
  'duplicate',
  'rejected',
] as const satisfies readonly FeedbackState[];
export type ServerStatus = FeedbackState;

export const CLOSED_STATUSES: readonly ServerStatus[] = CLOSED_STATES;
export const OPEN_STATUSES: readonly ServerStatus[] = OPEN_STATES;

/** Where each status-changing action leads (the workflow's own table); `assign` has its own command. */
export const STATUS_ACTION_TARGET: Partial<Record<FeedbackActionType, FeedbackState>> = Object.fromEntries(
  Object.entries(ACTION_TARGET).filter(([action, target]) => target !== null && action !== 'assign'),
);

export const isServerStatus = (s: string): s is ServerStatus => isFeedbackState(s);

/** The workflow state of a stored status (the same string), or null for an unknown one. */
export function workflowState(status: string): FeedbackState | null {
  return isFeedbackState(status) ? status : null;
}

export function isClosedStatus(status: string): boolean {
  return (CLOSED_STATES as readonly string[]).includes(status);
}

export interface StatusOption {
  status: ServerStatus;
  action: FeedbackActionType;
  needsReason: boolean;
}

/** Plain status changes (command `case.setStatus`) the workflow allows from `status`. */
export function allowedStatusChanges(status: string): StatusOption[] {
  const from = workflowState(status);
  if (!from) return [];
  return workflowStatusChanges(from).map((a) => ({ status: a.to, action: a.action, needsReason: a.textRequired }));
}

export function canAssign(status: string): boolean {
  const from = workflowState(status);
  return from !== null && ALLOWED_FROM.assign.includes(from);
}

/** Rank for sorting by status: workflow order, unknown statuses last. */
export function statusRank(status: string): number {
  const i = (SERVER_STATUSES as readonly string[]).indexOf(status);
  return i < 0 ? SERVER_STATUSES.length : i;
}
