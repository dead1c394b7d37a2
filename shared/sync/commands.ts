import { z } from 'zod';
import { ACTION_TARGET, FeedbackLevelSchema, type FeedbackActionType } from '../feedback/workflow';
import type { Role } from './protocol';

/**
 * Operator actions travel as commands, not row overwrites. Each has an args schema (checked on the
 * client before it is queued and again by the server), the roles allowed to send it, and an
 * optimistic patch the desktop shows (marked "pending") until the server answers.
 *
 * Feedback cases: one command per workflow action of shared/feedback/workflow.ts; the server runs
 * `transition()` on its current row, so every rule (allowed-from states, answer and "after" photo
 * on resolve, re-open window, pause/resume) is enforced there and refused with the workflow's code.
 * Statuses are the workflow states (FEEDBACK_STATES), everywhere.
 */
export const COMMAND_NAMES = [
  'alert.acknowledge',
  'case.addNote',
  'case.triage',
  'case.assign',
  'case.start',
  'case.schedule',
  'case.resolve',
  'case.publish',
  'case.notResponsible',
  'case.reject',
  'case.refer',
  'case.merge',
  'case.setLevel',
  'case.pause',
  'case.resume',
  'case.reopen',
  'case.setStatus',
] as const;
export const CommandName = z.enum(COMMAND_NAMES);
export type CommandName = z.infer<typeof CommandName>;

const Id = z.string().min(1).max(200);
const Text = z.string().trim().min(1).max(4000);
const Reason = z.string().trim().min(1).max(2000);
const IsoInstant = z.string().min(10).max(40).refine((s) => Number.isFinite(Date.parse(s)), 'an ISO 8601 instant with offset');
/** An uploaded photo (POST /api/v1/media answers it): `<sha256>.jpg|png`. */
export const MediaRef = z.string().regex(/^[0-9a-f]{64}\.(jpg|png)$/, 'a media reference from POST /api/v1/media');

const OPS: Role[] = ['operator', 'admin'];
const ALL: Role[] = ['operator', 'leader', 'admin'];

export const COMMANDS = {
  'alert.acknowledge': { args: z.object({ alertId: Id, note: z.string().trim().max(1000).optional() }), roles: ALL },
  'case.addNote': { args: z.object({ caseId: Id, text: Text }), roles: ALL },
  /** Accept and classify (tiếp nhận, phân loại): stops the acceptance clock. */
  'case.triage': { args: z.object({ caseId: Id }), roles: OPS },
  /** Assign to an agency (and officer); from received it also accepts the case. */
  'case.assign': { args: z.object({ caseId: Id, agencyId: Id, officer: z.string().trim().min(1).max(200).optional() }), roles: OPS },
  'case.start': { args: z.object({ caseId: Id }), roles: OPS },
  'case.schedule': { args: z.object({ caseId: Id, at: IsoInstant }), roles: OPS },
  /** The answer is required; categories flagged needsFixPhoto require ≥ 1 "after" photo. */
  'case.resolve': { args: z.object({ caseId: Id, answer: Text, photos: z.array(MediaRef).max(20).default([]) }), roles: OPS },
  'case.publish': { args: z.object({ caseId: Id }), roles: ALL },
  'case.notResponsible': { args: z.object({ caseId: Id, reason: Reason }), roles: OPS },
  'case.reject': { args: z.object({ caseId: Id, reason: Reason }), roles: OPS },
  /** Internal referral to another agency. */
  'case.refer': { args: z.object({ caseId: Id, agencyId: Id, reason: Reason }), roles: OPS },
  /** "Duplicate of": closes `caseId` as a duplicate of `into`; both histories kept, linked both ways. */
  'case.merge': { args: z.object({ caseId: Id, into: Id }), roles: OPS },
  'case.setLevel': { args: z.object({ caseId: Id, level: FeedbackLevelSchema }), roles: ALL },
  'case.pause': { args: z.object({ caseId: Id, reason: Reason }), roles: OPS },
  'case.resume': { args: z.object({ caseId: Id }), roles: OPS },
  /** Re-open on the citizen's behalf (phone call), within the re-open window. */
  'case.reopen': { args: z.object({ caseId: Id, reason: Reason }), roles: OPS },
  /**
   * Plain status change to a workflow state: the server picks the action (STATUS_CHANGE_ACTIONS in
   * shared/feedback/workflow.ts) and `reason` fills its text (the answer for `resolved`). Targets
   * needing other arguments (assigned, scheduled, duplicate, internal_referral) are refused
   * `use_specific_command`.
   */
  'case.setStatus': { args: z.object({ caseId: Id, status: z.string().min(1).max(40), reason: z.string().trim().max(4000).optional() }), roles: OPS },
} as const satisfies Record<CommandName, { args: z.ZodType; roles: Role[] }>;

export type CommandArgs<N extends CommandName> = z.infer<(typeof COMMANDS)[N]['args']>;

/** The workflow action behind each case command (setStatus: decided by the server). */
export const CASE_COMMAND_ACTION: Partial<Record<CommandName, FeedbackActionType>> = {
  'case.addNote': 'addNote',
  'case.triage': 'triage',
  'case.assign': 'assign',
  'case.start': 'start',
  'case.schedule': 'schedule',
  'case.resolve': 'resolve',
  'case.publish': 'publish',
  'case.notResponsible': 'notResponsible',
  'case.reject': 'reject',
  'case.refer': 'refer',
  'case.merge': 'markDuplicate',
  'case.setLevel': 'setLevel',
  'case.pause': 'pause',
  'case.resume': 'resume',
  'case.reopen': 'reopen',
};

/** A row patch the desktop overlays on its cache while the command is pending. */
export interface OptimisticPatch {
  entity: 'alert' | 'feedback_case';
  id: string;
  patch: Record<string, unknown>;
}

export function optimisticPatch(name: CommandName, args: unknown, actor: string, now: string): OptimisticPatch[] {
  if (name === 'alert.acknowledge') {
    const a = COMMANDS[name].args.parse(args);
    return [{ entity: 'alert', id: a.alertId, patch: { acknowledgedAt: now, acknowledgedBy: actor, note: a.note ?? null } }];
  }
  if (name === 'case.addNote') return [];
  const a = COMMANDS[name].args.parse(args) as Record<string, unknown> & { caseId: string };
  const patch: Record<string, unknown> = { updatedAt: now };
  const action = CASE_COMMAND_ACTION[name];
  const target = action ? ACTION_TARGET[action] : null;
  if (target) patch.status = target;
  switch (name) {
    case 'case.setStatus':
      patch.status = a.status;
      break;
    case 'case.assign':
      Object.assign(patch, { agencyId: a.agencyId, officer: a.officer ?? null });
      break;
    case 'case.refer':
      Object.assign(patch, { agencyId: a.agencyId, officer: null, closeReason: a.reason });
      break;
    case 'case.schedule':
      patch.scheduledAt = new Date(String(a.at)).toISOString();
      break;
    case 'case.resolve':
      Object.assign(patch, { answer: a.answer, answerPhotos: a.photos, resolvedAt: now, dueAt: null, overdue: false, dueSoon: false });
      break;
    case 'case.publish':
      patch.publishedAt = now;
      break;
    case 'case.notResponsible':
    case 'case.reject':
      Object.assign(patch, { closeReason: a.reason, dueAt: null, overdue: false, dueSoon: false });
      break;
    case 'case.merge':
      Object.assign(patch, { duplicateOf: a.into, dueAt: null, overdue: false, dueSoon: false });
      break;
    case 'case.setLevel':
      patch.level = a.level;
      break;
    case 'case.pause':
      Object.assign(patch, { paused: true, pauseReason: a.reason, dueAt: null, dueSoon: false, overdue: false });
      break;
    case 'case.resume':
      Object.assign(patch, { paused: false, pauseReason: null });
      break;
  }
  return [{ entity: 'feedback_case', id: a.caseId, patch }];
}
