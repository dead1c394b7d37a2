import { z } from 'zod';
import { DAY_MS } from './calendar';
import { FEEDBACK_CATEGORIES, findCategory, type FeedbackCategory } from './categories';
import type { FeedbackLevel, Pause } from './sla';

/**
 * The life of a citizen feedback case (phản ánh kiến nghị, PAKN) as a pure state machine:
 * `transition(case, action, ctx)` either refuses with a code or returns the fields to change and
 * the history event to append. States follow FixMyStreet, names and labels follow Vietnamese
 * practice; Open311 only knows open/closed, see `openClosed`.
 */

export const FEEDBACK_STATES = [
  'received', // tiếp nhận
  'triage', // phân loại
  'assigned', // đã giao
  'in_progress', // đang xử lý
  'scheduled', // đã lên lịch xử lý
  'resolved', // đã xử lý
  'published', // công khai
  'not_responsible', // không thuộc thẩm quyền
  'duplicate', // trùng
  'rejected', // từ chối
  'internal_referral', // chuyển nội bộ
] as const;
export const FeedbackState = z.enum(FEEDBACK_STATES);
export type FeedbackState = z.infer<typeof FeedbackState>;

export const FEEDBACK_STATE_LABELS: Record<FeedbackState, { vi: string; en: string }> = {
  received: { vi: 'Tiếp nhận', en: 'Received' },
  triage: { vi: 'Phân loại', en: 'For triage' },
  assigned: { vi: 'Đã giao xử lý', en: 'Assigned' },
  in_progress: { vi: 'Đang xử lý', en: 'In progress' },
  scheduled: { vi: 'Đã lên lịch xử lý', en: 'Action scheduled' },
  resolved: { vi: 'Đã xử lý', en: 'Fixed' },
  published: { vi: 'Đã công khai kết quả', en: 'Answer published' },
  not_responsible: { vi: 'Không thuộc thẩm quyền', en: 'Not responsible' },
  duplicate: { vi: 'Trùng phản ánh', en: 'Duplicate' },
  rejected: { vi: 'Từ chối', en: 'Rejected' },
  internal_referral: { vi: 'Chuyển nội bộ', en: 'Internal referral' },
};

export const FeedbackLevelSchema = z.enum(['urgent', 'normal', 'complex']);

export const FEEDBACK_LEVEL_LABELS: Record<FeedbackLevel, { vi: string; en: string }> = {
  urgent: { vi: 'Khẩn cấp', en: 'Urgent' },
  normal: { vi: 'Thông thường', en: 'Normal' },
  complex: { vi: 'Phức tạp', en: 'Complex' },
};

// ---- the case ----------------------------------------------------------------------------------

const Ms = z.number().int();
const Text = z.string().trim().min(1).max(4000);

export const PauseSchema = z.object({ from: Ms, to: Ms.nullable(), reason: z.string() });

/** The workflow's view of a case. Instants are epoch ms; format them with `toVnIso` at the edges. */
export const PaknCase = z.object({
  id: z.string(),
  category: z.string(),
  level: FeedbackLevelSchema,
  state: FeedbackState,
  receivedAt: Ms,
  /** Set when the case is triaged (tiếp nhận, phân loại): the acceptance SLA stops here. */
  acceptedAt: Ms.nullable(),
  /** Restart point of the SLA clocks after a re-open. */
  clockStartAt: Ms.nullable(),
  agencyId: z.string().nullable(),
  officer: z.string().nullable(),
  scheduledAt: Ms.nullable(),
  resolvedAt: Ms.nullable(),
  publishedAt: Ms.nullable(),
  resolution: z.object({ answer: z.string(), photos: z.array(z.string()) }).nullable(),
  duplicateOf: z.string().nullable(),
  /** Reason of not_responsible / rejected / internal_referral. */
  closeReason: z.string().nullable(),
  reopenCount: z.number().int().nonnegative(),
  pauses: z.array(PauseSchema),
  noteCount: z.number().int().nonnegative(),
});
export type PaknCase = z.infer<typeof PaknCase>;

/** A new case as the citizen app delivers it: level defaults to the category's. */
export function newCase(input: { id: string; category: string; receivedAt: number; level?: FeedbackLevel }): PaknCase {
  return {
    id: input.id,
    category: input.category,
    level: input.level ?? findCategory(input.category)?.defaultLevel ?? 'normal',
    state: 'received',
    receivedAt: input.receivedAt,
    acceptedAt: null,
    clockStartAt: null,
    agencyId: null,
    officer: null,
    scheduledAt: null,
    resolvedAt: null,
    publishedAt: null,
    resolution: null,
    duplicateOf: null,
    closeReason: null,
    reopenCount: 0,
    pauses: [],
    noteCount: 0,
  };
}

// ---- actions -----------------------------------------------------------------------------------

export const FeedbackAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('triage') }),
  z.object({ type: z.literal('assign'), agencyId: z.string().min(1), officer: z.string().min(1).optional() }),
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('schedule'), at: Ms }),
  z.object({ type: z.literal('resolve'), answer: Text, photos: z.array(z.string().min(1)).max(20) }),
  z.object({ type: z.literal('publish') }),
  z.object({ type: z.literal('markDuplicate'), of: z.string().min(1) }),
  z.object({ type: z.literal('notResponsible'), reason: Text }),
  z.object({ type: z.literal('reject'), reason: Text }),
  z.object({ type: z.literal('refer'), agencyId: z.string().min(1), reason: Text }),
  z.object({ type: z.literal('reopen'), reason: Text }),
  z.object({ type: z.literal('pause'), reason: Text }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('setLevel'), level: FeedbackLevelSchema }),
  z.object({ type: z.literal('addNote'), text: Text }),
]);
export type FeedbackAction = z.infer<typeof FeedbackAction>;
export type FeedbackActionType = FeedbackAction['type'];

const OPEN_WORK: readonly FeedbackState[] = ['triage', 'assigned', 'in_progress', 'scheduled'];
const OPEN: readonly FeedbackState[] = ['received', ...OPEN_WORK, 'internal_referral'];

/** From which states each action is allowed. */
export const ALLOWED_FROM: Record<FeedbackActionType, readonly FeedbackState[]> = {
  triage: ['received', 'internal_referral'],
  // From `received` too: assigning accepts the case (acceptedAt) in the same step.
  assign: ['received', 'triage', 'assigned', 'internal_referral'],
  start: ['assigned', 'scheduled'],
  schedule: ['assigned', 'in_progress', 'scheduled'],
  resolve: ['assigned', 'in_progress', 'scheduled'],
  publish: ['resolved'],
  markDuplicate: ['received', 'triage', 'assigned'],
  notResponsible: ['received', 'triage', 'assigned'],
  reject: ['received', 'triage'],
  refer: ['triage', 'assigned', 'in_progress'],
  reopen: ['resolved', 'published'],
  pause: OPEN_WORK,
  resume: OPEN_WORK,
  setLevel: OPEN,
  addNote: FEEDBACK_STATES,
};

/** Target state of each action; `null` = the state does not change. */
export const ACTION_TARGET: Readonly<Record<FeedbackActionType, FeedbackState | null>> = {
  triage: 'triage',
  assign: 'assigned',
  start: 'in_progress',
  schedule: 'scheduled',
  resolve: 'resolved',
  publish: 'published',
  markDuplicate: 'duplicate',
  notResponsible: 'not_responsible',
  reject: 'rejected',
  refer: 'internal_referral',
  reopen: 'triage',
  pause: null,
  resume: null,
  setLevel: null,
  addNote: null,
};

// ---- context, results, events ------------------------------------------------------------------

export type ActorRole = 'citizen' | 'operator' | 'officer' | 'leader' | 'system';

export interface TransitionContext {
  actor: { id: string; role: ActorRole };
  nowMs: number;
  /** Re-open window after resolution/publication, wall-clock ms (default 7 days). */
  reopenWindowMs?: number;
  /** Category catalogue used for `needsFixPhoto` (default: FEEDBACK_CATEGORIES). */
  categories?: readonly FeedbackCategory[];
}

export const DEFAULT_REOPEN_WINDOW_MS = 7 * DAY_MS;

/** One history row (who, what, when, from → to, data). */
export interface FeedbackEvent {
  caseId: string;
  type: FeedbackActionType;
  actor: string;
  actorRole: ActorRole;
  at: number;
  from: FeedbackState;
  to: FeedbackState;
  data: Record<string, unknown>;
}

export type TransitionErrorCode =
  | 'invalid_action'
  | 'not_allowed_from_state'
  | 'forbidden'
  | 'photo_required'
  | 'reopen_window_expired'
  | 'already_paused'
  | 'not_paused'
  | 'invalid_argument';

export type TransitionResult =
  | { ok: true; next: Partial<PaknCase>; event: FeedbackEvent }
  | { ok: false; code: TransitionErrorCode; message: string };

const fail = (code: TransitionErrorCode, message: string): TransitionResult => ({ ok: false, code, message });

const openPause = (c: PaknCase) => c.pauses.find((p) => p.to === null);

/** Pauses with any open one closed at `now` (a case that leaves active work stops pausing). */
function closePauses(pauses: readonly Pause[], now: number): Pause[] {
  return pauses.map((p) => (p.to === null ? { ...p, to: Math.max(now, p.from) } : p));
}

/**
 * Apply an action to a case. Pure: the caller persists `{ ...case, ...next }` and appends `event`.
 * The action is validated with zod, so raw IPC input can be passed as is.
 */
export function transition(c: PaknCase, rawAction: unknown, ctx: TransitionContext): TransitionResult {
  const parsed = FeedbackAction.safeParse(rawAction);
  if (!parsed.success) return fail('invalid_action', parsed.error.issues.map((i) => `${i.path.join('.') || 'action'}: ${i.message}`).join('; '));
  const a = parsed.data;
  if (!ALLOWED_FROM[a.type].includes(c.state)) {
    return fail('not_allowed_from_state', `'${a.type}' is not allowed from '${c.state}' (${FEEDBACK_STATE_LABELS[c.state].vi})`);
  }
  const now = ctx.nowMs;
  let next: Partial<PaknCase>;

  switch (a.type) {
    case 'triage':
      next = { acceptedAt: c.acceptedAt ?? now };
      break;
    case 'assign':
      next = { agencyId: a.agencyId, officer: a.officer ?? null, acceptedAt: c.acceptedAt ?? now };
      break;
    case 'start':
      next = { scheduledAt: null };
      break;
    case 'schedule':
      if (a.at <= now) return fail('invalid_argument', 'the scheduled time must be in the future');
      next = { scheduledAt: a.at };
      break;
    case 'resolve': {
      const cat = findCategory(c.category, ctx.categories ?? FEEDBACK_CATEGORIES);
      if (cat?.needsFixPhoto && a.photos.length === 0) {
        return fail('photo_required', `category '${c.category}' needs an "after" photo of the fix (ảnh sau khi khắc phục)`);
      }
      next = { resolvedAt: now, resolution: { answer: a.answer, photos: a.photos }, pauses: closePauses(c.pauses, now) };
      break;
    }
    case 'publish':
      next = { publishedAt: now };
      break;
    case 'markDuplicate':
      if (a.of === c.id) return fail('invalid_argument', 'a case cannot duplicate itself');
      next = { duplicateOf: a.of, pauses: closePauses(c.pauses, now) };
      break;
    case 'notResponsible':
    case 'reject':
      next = { closeReason: a.reason, pauses: closePauses(c.pauses, now) };
      break;
    case 'refer':
      if (a.agencyId === c.agencyId) return fail('invalid_argument', 'refer to another agency than the current one');
      next = { agencyId: a.agencyId, officer: null, closeReason: a.reason, scheduledAt: null };
      break;
    case 'reopen': {
      if (ctx.actor.role !== 'citizen' && ctx.actor.role !== 'operator') {
        return fail('forbidden', 'only the citizen (or an operator on their behalf) can re-open a case');
      }
      const window = ctx.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS;
      const closedAt = Math.max(c.resolvedAt ?? 0, c.publishedAt ?? 0);
      if (now - closedAt > window) return fail('reopen_window_expired', `the re-open window (${window / DAY_MS} days) has passed`);
      next = {
        reopenCount: c.reopenCount + 1,
        clockStartAt: now,
        acceptedAt: now,
        resolvedAt: null,
        publishedAt: null,
        resolution: null,
        scheduledAt: null,
      };
      break;
    }
    case 'pause':
      if (openPause(c)) return fail('already_paused', 'the clock is already paused');
      next = { pauses: [...c.pauses, { from: now, to: null, reason: a.reason }] };
      break;
    case 'resume':
      if (!openPause(c)) return fail('not_paused', 'the clock is not paused');
      next = { pauses: closePauses(c.pauses, now) };
      break;
    case 'setLevel':
      next = { level: a.level };
      break;
    case 'addNote':
      next = { noteCount: c.noteCount + 1 };
      break;
  }

  const to = ACTION_TARGET[a.type] ?? c.state;
  if (to !== c.state) next.state = to;
  const { type, ...data } = a;
  return { ok: true, next, event: { caseId: c.id, type, actor: ctx.actor.id, actorRole: ctx.actor.role, at: now, from: c.state, to, data } };
}

/** Apply a sequence of actions, stopping at the first refusal (handy for tests and replays). */
export function applyAll(
  c: PaknCase,
  steps: ReadonlyArray<{ action: FeedbackAction; ctx: TransitionContext }>,
): { case: PaknCase; events: FeedbackEvent[]; error?: { code: TransitionErrorCode; message: string; index: number } } {
  let cur = c;
  const events: FeedbackEvent[] = [];
  for (const [index, s] of steps.entries()) {
    const r = transition(cur, s.action, s.ctx);
    if (!r.ok) return { case: cur, events, error: { code: r.code, message: r.message, index } };
    cur = { ...cur, ...r.next };
    events.push(r.event);
  }
  return { case: cur, events };
}

// ---- status changes by target state -----------------------------------------------------------

export function isFeedbackState(s: unknown): s is FeedbackState {
  return typeof s === 'string' && (FEEDBACK_STATES as readonly string[]).includes(s);
}

/** States in which the case is finished for Open311 (`closed`) and the SLA clock has stopped. */
export const CLOSED_STATES: readonly FeedbackState[] = ['resolved', 'published', 'not_responsible', 'duplicate', 'rejected'];
export const OPEN_STATES: readonly FeedbackState[] = FEEDBACK_STATES.filter((s) => !CLOSED_STATES.includes(s));
const CLOSED: ReadonlySet<FeedbackState> = new Set(CLOSED_STATES);
export const isClosedState = (s: string): boolean => CLOSED.has(s as FeedbackState);

/**
 * Actions that a plain "change status to X (with an optional reason)" can express: the target state
 * plus one text. `schedule` (a date), `markDuplicate` (the master case), `refer` and `assign` (an
 * agency) need their own arguments and commands. `textArg` names the action field the text fills.
 */
export const STATUS_CHANGE_ACTIONS: ReadonlyArray<{ action: FeedbackActionType; to: FeedbackState; textArg: 'reason' | 'answer' | null; textRequired: boolean }> = [
  { action: 'triage', to: 'triage', textArg: null, textRequired: false },
  { action: 'reopen', to: 'triage', textArg: 'reason', textRequired: true },
  { action: 'start', to: 'in_progress', textArg: null, textRequired: false },
  { action: 'resolve', to: 'resolved', textArg: 'answer', textRequired: true },
  { action: 'publish', to: 'published', textArg: null, textRequired: false },
  { action: 'notResponsible', to: 'not_responsible', textArg: 'reason', textRequired: true },
  { action: 'reject', to: 'rejected', textArg: 'reason', textRequired: true },
];

/** The action that moves a case from `from` to `to` as a plain status change, or null. */
export function statusChangeAction(from: FeedbackState, to: FeedbackState) {
  return STATUS_CHANGE_ACTIONS.find((a) => a.to === to && ALLOWED_FROM[a.action].includes(from)) ?? null;
}

/** Every plain status change allowed from `from` (one per target state). */
export function allowedStatusChanges(from: FeedbackState) {
  return STATUS_CHANGE_ACTIONS.filter((a) => ALLOWED_FROM[a.action].includes(from));
}

// ---- Open311 ------------------------------------------------------------------------------------

/** Open311 GeoReport v2 knows only open/closed: map down and explain in Vietnamese `status_notes`. */
export function openClosed(
  state: FeedbackState,
  c?: Partial<Pick<PaknCase, 'duplicateOf' | 'closeReason' | 'reopenCount'>>,
): { status: 'open' | 'closed'; status_notes: string } {
  const status = CLOSED.has(state) ? 'closed' : 'open';
  let notes: string;
  switch (state) {
    case 'received':
      notes = 'Đã tiếp nhận phản ánh, đang chờ phân loại.';
      break;
    case 'triage':
      notes = c?.reopenCount ? `Phản ánh được mở lại (lần ${c.reopenCount}), đang phân loại lại.` : 'Đang phân loại và xác minh phản ánh.';
      break;
    case 'assigned':
      notes = 'Đã chuyển cơ quan có thẩm quyền xử lý.';
      break;
    case 'in_progress':
      notes = 'Cơ quan chức năng đang xử lý.';
      break;
    case 'scheduled':
      notes = 'Đã lên lịch xử lý.';
      break;
    case 'resolved':
      notes = 'Đã xử lý xong, đang chờ công khai kết quả.';
      break;
    case 'published':
      notes = 'Đã xử lý và công khai kết quả.';
      break;
    case 'not_responsible':
      notes = 'Không thuộc thẩm quyền giải quyết' + (c?.closeReason ? `: ${c.closeReason}` : '.');
      break;
    case 'duplicate':
      notes = c?.duplicateOf ? `Trùng với phản ánh ${c.duplicateOf}; theo dõi kết quả tại phản ánh đó.` : 'Trùng với một phản ánh đã có.';
      break;
    case 'rejected':
      notes = 'Phản ánh bị từ chối' + (c?.closeReason ? `: ${c.closeReason}` : '.');
      break;
    case 'internal_referral':
      notes = 'Đã chuyển nội bộ sang cơ quan khác xử lý.';
      break;
  }
  return { status, status_notes: notes };
}
