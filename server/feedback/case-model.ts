/**
 * The one bridge between a stored feedback_case row (synced JSON: ISO instants) and the pure
 * workflow of shared/feedback (epoch ms). Every change of a case — operator commands, the Open311
 * citizen re-open, the SLA job — goes through `applyCaseAction`, so the workflow's rules are the
 * server's rules, the SLA fields on the row are recomputed, and a case_event row records who, what,
 * when, from → to.
 */
import { randomUUID } from 'node:crypto';
import {
  type ActorRole,
  DEFAULT_REOPEN_WINDOW_MS,
  DEFAULT_SLA_POLICY,
  type FeedbackAction,
  type FeedbackEvent,
  FEEDBACK_STATE_LABELS,
  isFeedbackState,
  type PaknCase,
  type SlaPolicy,
  transition,
} from '../../shared/feedback';
import type { FeedbackLevel } from '../../shared/feedback/sla';
import { CommandRejected } from '../sync/commands/rejected';
import type { EntityRow } from '../db/entity-tables';
import type { Writer } from '../sync/writer';
import { slaFields } from './sla-fields';

export interface FeedbackConfig {
  sla: SlaPolicy;
  /** Citizen re-open window after resolution/publication, wall-clock ms. */
  reopenWindowMs: number;
  /** True when an uploaded media reference (`<sha256>.<jpg|png>`) exists. */
  mediaExists(ref: string): boolean;
}

export const DEFAULT_FEEDBACK_CONFIG: FeedbackConfig = {
  sla: DEFAULT_SLA_POLICY,
  reopenWindowMs: DEFAULT_REOPEN_WINDOW_MS,
  mediaExists: () => false,
};

export interface Actor {
  /** Shown in the history (display name, or "Công dân (Open311)"). */
  name: string;
  role: ActorRole;
}

const ms = (v: unknown): number | null => (typeof v === 'string' && v ? Date.parse(v) : v instanceof Date ? v.getTime() : null);
const iso = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString());

interface StoredPause {
  from: string;
  to: string | null;
  reason: string;
}

/** A stored row → the workflow's case. Rows written before the workflow columns get neutral defaults. */
export function toPakn(row: EntityRow): PaknCase {
  const status = String(row.status);
  if (!isFeedbackState(status)) throw new CommandRejected('invalid_state', `Case ${row.id} has an unknown status '${status}'`);
  const pauses = Array.isArray(row.pauses) ? (row.pauses as StoredPause[]) : [];
  const answer = typeof row.answer === 'string' ? row.answer : null;
  return {
    id: row.id,
    category: String(row.category),
    level: row.level as FeedbackLevel,
    state: status,
    receivedAt: ms(row.receivedAt)!,
    acceptedAt: ms(row.acceptedAt),
    clockStartAt: ms(row.clockStartAt),
    agencyId: (row.agencyId as string | null) ?? null,
    officer: (row.officer as string | null) ?? null,
    scheduledAt: ms(row.scheduledAt),
    resolvedAt: ms(row.resolvedAt),
    publishedAt: ms(row.publishedAt),
    resolution: answer === null ? null : { answer, photos: Array.isArray(row.answerPhotos) ? (row.answerPhotos as string[]) : [] },
    duplicateOf: (row.duplicateOf as string | null) ?? null,
    closeReason: (row.closeReason as string | null) ?? null,
    reopenCount: Number(row.reopenCount ?? 0),
    pauses: pauses.map((p) => ({ from: ms(p.from)!, to: ms(p.to), reason: p.reason })),
    noteCount: Number(row.noteCount ?? 0),
  };
}

/** The workflow's case → the row fields it owns (plus the SLA fields computed at `nowMs`). */
export function fromPakn(c: PaknCase, policy: SlaPolicy, nowMs: number): Record<string, unknown> {
  return {
    status: c.state,
    level: c.level,
    agencyId: c.agencyId,
    officer: c.officer,
    acceptedAt: iso(c.acceptedAt),
    clockStartAt: iso(c.clockStartAt),
    scheduledAt: iso(c.scheduledAt),
    resolvedAt: iso(c.resolvedAt),
    publishedAt: iso(c.publishedAt),
    answer: c.resolution?.answer ?? null,
    answerPhotos: c.resolution?.photos ?? [],
    duplicateOf: c.duplicateOf,
    closeReason: c.closeReason,
    reopenCount: c.reopenCount,
    pauses: c.pauses.map((p) => ({ from: iso(p.from), to: iso(p.to), reason: p.reason })),
    noteCount: c.noteCount,
    ...slaFields(c, policy, nowMs),
  };
}

/** One line of history text for an event (Vietnamese, shown on the wall and in Open311 history). */
function eventText(e: FeedbackEvent, agencyName: (id: string) => string): string | null {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'assign':
      return d.officer ? `${agencyName(String(d.agencyId))} – ${d.officer}` : agencyName(String(d.agencyId));
    case 'refer':
      return `${agencyName(String(d.agencyId))}: ${d.reason}`;
    case 'resolve':
      return String(d.answer);
    case 'schedule':
      return `Lịch xử lý: ${new Date(Number(d.at)).toISOString()}`;
    case 'markDuplicate':
      return `Trùng với phản ánh ${d.of}`;
    case 'setLevel':
      return `Mức độ: ${d.level}`;
    case 'addNote':
      return String(d.text);
    default:
      return typeof d.reason === 'string' ? d.reason : null;
  }
}

/** A history row. `data` keeps the action's arguments (photos, dates, ids) for the desktop. */
export function caseEventRow(caseId: string, at: Date, actor: Actor, action: string, text: string | null, from: string | null, to: string | null, data: Record<string, unknown> = {}) {
  return { id: randomUUID() as string, caseId, at: at.toISOString(), actor: actor.name, actorRole: actor.role, action, text, fromStatus: from, toStatus: to, data };
}

export async function mustReadCase(w: Writer, caseId: string): Promise<EntityRow> {
  const row = await w.read('feedback_case', caseId);
  if (!row) throw new CommandRejected('not_found', `No feedback case with id ${caseId}`);
  return row;
}

/**
 * Apply one workflow action to a stored case: refuses with a CommandRejected (the workflow's code)
 * or writes the new row (with recomputed SLA fields) and its history event. Returns both.
 */
export async function applyCaseAction(
  w: Writer,
  caseId: string,
  action: FeedbackAction,
  actor: Actor,
  now: Date,
  cfg: FeedbackConfig,
): Promise<{ row: EntityRow; event: FeedbackEvent }> {
  const row = await mustReadCase(w, caseId);
  const names = new Map<string, string>();
  for (const id of [action.type === 'assign' || action.type === 'refer' ? action.agencyId : null]) {
    if (!id) continue;
    const agency = await w.read('agency', id);
    if (!agency) throw new CommandRejected('not_found', `No agency with id ${id}`);
    names.set(id, String(agency.name));
  }
  const before = toPakn(row);
  const r = transition(before, action, { actor: { id: actor.name, role: actor.role }, nowMs: now.getTime(), reopenWindowMs: cfg.reopenWindowMs });
  if (!r.ok) throw new CommandRejected(r.code, r.message);
  const after: PaknCase = { ...before, ...r.next };
  // History first, the case row last (a command's seq is its last change: the case itself).
  const text = eventText(r.event, (id) => names.get(id) ?? id);
  await w.upsert('case_event', [caseEventRow(caseId, now, actor, r.event.type, text, r.event.from, r.event.to, r.event.data)]);
  const [written] = await w.upsert('feedback_case', [{ ...row, ...fromPakn(after, cfg.sla, now.getTime()), updatedAt: now.toISOString() }]);
  return { row: written, event: r.event };
}

export const stateLabel = (s: string) => (isFeedbackState(s) ? FEEDBACK_STATE_LABELS[s].vi : s);
