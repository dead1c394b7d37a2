import {
  addWorkingTime,
  HOUR_MS,
  minutesPerWorkingDay,
  VN_GOV_CALENDAR,
  workingMinutesBetween,
  type TimeSpan,
  type WorkingCalendar,
} from './calendar';

/**
 * SLA clocks for citizen feedback (PAKN), after Vietnamese practice (e.g. Hà Nội): a case must be
 * accepted (tiếp nhận, phân loại) within 8 working hours; urgent cases handled within 4 working
 * hours; normal and complex targets are set by the locality. Pauses (e.g. waiting for the citizen
 * or for weather) stop the clock.
 */

export type FeedbackLevel = 'urgent' | 'normal' | 'complex';
export const FEEDBACK_LEVELS: readonly FeedbackLevel[] = ['urgent', 'normal', 'complex'];

/** A span during which the clock is stopped, with the reason shown to supervisors. */
export interface Pause extends TimeSpan {
  reason: string;
}

/** A target in working time: minutes, or whole working days of the policy's calendar. */
export type SlaTarget = { minutes: number } | { days: number };

export interface SlaPolicy {
  calendar: WorkingCalendar;
  accept: SlaTarget;
  handle: Record<FeedbackLevel, SlaTarget>;
  /** The handling clock starts at reception (default) or at acceptance. */
  handleFrom: 'received' | 'accepted';
  /** "Due soon" warning this long before the due instant, in wall-clock ms (Đà Nẵng warns at 24 h). */
  dueSoonMs: number;
  /** Overdue by more than this many working minutes → escalate to leadership (level 2). */
  escalateAfterMinutes: number;
}

export const DEFAULT_SLA_POLICY: SlaPolicy = Object.freeze({
  calendar: VN_GOV_CALENDAR,
  accept: { minutes: 8 * 60 },
  handle: { urgent: { minutes: 4 * 60 }, normal: { days: 5 }, complex: { days: 10 } },
  handleFrom: 'received',
  dueSoonMs: 24 * HOUR_MS,
  escalateAfterMinutes: 8 * 60,
});

export function slaPolicy(overrides: Partial<SlaPolicy> = {}): SlaPolicy {
  return { ...DEFAULT_SLA_POLICY, ...overrides, handle: { ...DEFAULT_SLA_POLICY.handle, ...overrides.handle } };
}

export function targetMinutes(target: SlaTarget, cal: WorkingCalendar): number {
  return 'minutes' in target ? target.minutes : target.days * minutesPerWorkingDay(cal);
}

/** What the SLA clock needs to know about a case (the workflow's `FeedbackCase` fits). */
export interface SlaCaseInput {
  level: FeedbackLevel;
  receivedAt: number;
  /** Restart point of the clocks after a re-open; reception otherwise. */
  clockStartAt?: number | null;
  acceptedAt?: number | null;
  resolvedAt?: number | null;
  pauses?: readonly Pause[];
}

export type SlaPhase = 'accept' | 'handle' | 'done';

export interface SlaClock {
  acceptDueAt: number;
  /** Projected while paused (as if the pause ended now). */
  handleDueAt: number;
  /** Which clock is running: waiting for acceptance, for handling, or stopped (resolved). */
  phase: SlaPhase;
  /** Due instant of the running clock (null when done). */
  dueAt: number | null;
  dueSoon: boolean;
  overdue: boolean;
  /** 0 none, 1 overdue, 2 past `escalateAt` (overdue by `escalateAfterMinutes` working minutes). */
  escalationLevel: 0 | 1 | 2;
  /** When level 2 begins: `escalateAfterMinutes` working minutes after dueAt (null when done). */
  escalateAt: number | null;
  /** Working minutes left on the running clock; negative when overdue; 0 when done. */
  remainingWorkingMinutes: number;
  paused: boolean;
  pauseReason: string | null;
  acceptedLate: boolean;
  resolvedLate: boolean | null;
}

/**
 * The state of a case's SLA clocks at `nowMs`. Pauses shift the due instants by the working time
 * they cover; an open pause is projected to end now, so the remaining time stays constant while
 * paused and the case is never overdue during a pause that began before the due instant.
 */
export function slaClock(c: SlaCaseInput, policy: SlaPolicy, nowMs: number): SlaClock {
  const cal = policy.calendar;
  const pauses = c.pauses ?? [];
  const start = c.clockStartAt ?? c.receivedAt;
  const openPause = pauses.find((p) => p.to === null) ?? null;
  // For a finished case, an open pause (should not happen) ends when the case was resolved.
  const openEnd = c.resolvedAt ?? nowMs;

  const acceptMinutes = targetMinutes(policy.accept, cal);
  const handleMinutes = targetMinutes(policy.handle[c.level], cal);
  const acceptDueAt = addWorkingTime(start, acceptMinutes, cal, pauses, openEnd);
  const acceptedAt = c.acceptedAt == null ? null : Math.max(c.acceptedAt, start);
  const handleStart = policy.handleFrom === 'accepted' ? (acceptedAt ?? acceptDueAt) : start;
  const handleDueAt = addWorkingTime(handleStart, handleMinutes, cal, pauses, openEnd);

  const acceptedLate = acceptedAt != null ? acceptedAt > acceptDueAt : false;
  const resolvedAt = c.resolvedAt ?? null;

  let phase: SlaPhase;
  let dueAt: number | null;
  if (resolvedAt != null) {
    phase = 'done';
    dueAt = null;
  } else if (acceptedAt == null) {
    phase = 'accept';
    // Urgent: the handling deadline can come before the acceptance deadline.
    dueAt = Math.min(acceptDueAt, handleDueAt);
  } else {
    phase = 'handle';
    dueAt = handleDueAt;
  }

  const paused = phase !== 'done' && openPause !== null;
  let overdue = false;
  let dueSoon = false;
  let escalationLevel: 0 | 1 | 2 = 0;
  let remainingWorkingMinutes = 0;
  // Level 2 begins escalateAfterMinutes working minutes after the deadline: one instant, stored by the
  // server (escalate_at), so its SLA job and this level agree even across nights and lunch breaks.
  const escalateAt = dueAt === null ? null : addWorkingTime(dueAt, policy.escalateAfterMinutes, cal, pauses, openEnd);
  if (dueAt !== null) {
    overdue = nowMs > dueAt;
    dueSoon = !overdue && dueAt - nowMs <= policy.dueSoonMs;
    remainingWorkingMinutes = workingMinutesBetween(nowMs, dueAt, cal, pauses, nowMs);
    if (overdue) escalationLevel = escalateAt !== null && nowMs > escalateAt ? 2 : 1;
  }

  return {
    acceptDueAt,
    handleDueAt,
    phase,
    dueAt,
    dueSoon,
    overdue,
    escalationLevel,
    escalateAt,
    remainingWorkingMinutes,
    paused,
    pauseReason: paused && openPause ? openPause.reason : null,
    acceptedLate,
    resolvedLate: resolvedAt != null ? resolvedAt > handleDueAt : null,
  };
}
