import { isClosedState, type PaknCase, slaClock, type SlaPolicy } from '../../shared/feedback';

/**
 * The SLA state stored on each feedback_case row, so the walls can filter and sort on it without
 * recomputing working time: which clock runs, its due instant, due-soon / overdue flags. A paused
 * clock has no due instant (it is stopped); `remainingMinutes` says how much working time is left.
 * Flags change with time alone: the SLA job (sla-job.ts) refreshes them and escalates.
 */
export interface SlaFields {
  slaPhase: 'accept' | 'handle' | 'done';
  acceptDueAt: string | null;
  handleDueAt: string | null;
  /** Due instant of the running clock; null when done or paused. */
  dueAt: string | null;
  /** dueAt − policy.dueSoonMs (T−24 h). */
  dueSoonAt: string | null;
  /** Overdue by escalateAfterMinutes working minutes from here: the second escalation. Null when done or paused. */
  escalateAt: string | null;
  dueSoon: boolean;
  overdue: boolean;
  paused: boolean;
  pauseReason: string | null;
  /** Working minutes left on the running clock (negative when overdue; 0 when done). */
  remainingMinutes: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function slaFields(c: PaknCase, policy: SlaPolicy, nowMs: number): SlaFields {
  const clock = slaClock(c, policy, nowMs);
  const done = isClosedState(c.state) || clock.phase === 'done';
  if (done) {
    return { slaPhase: 'done', acceptDueAt: iso(clock.acceptDueAt), handleDueAt: iso(clock.handleDueAt), dueAt: null, dueSoonAt: null, escalateAt: null, dueSoon: false, overdue: false, paused: false, pauseReason: null, remainingMinutes: 0 };
  }
  const paused = clock.paused;
  return {
    slaPhase: clock.phase,
    acceptDueAt: iso(clock.acceptDueAt),
    handleDueAt: paused ? null : iso(clock.handleDueAt),
    dueAt: paused || clock.dueAt === null ? null : iso(clock.dueAt),
    dueSoonAt: paused || clock.dueAt === null ? null : iso(clock.dueAt - policy.dueSoonMs),
    escalateAt: paused || clock.escalateAt === null ? null : iso(clock.escalateAt),
    dueSoon: !paused && clock.dueSoon,
    overdue: !paused && clock.overdue,
    paused,
    pauseReason: clock.pauseReason,
    remainingMinutes: Math.round(clock.remainingWorkingMinutes),
  };
}
