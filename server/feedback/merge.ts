import { CommandRejected } from '../sync/commands/rejected';
import type { Writer } from '../sync/writer';
import { type Actor, applyCaseAction, caseEventRow, type FeedbackConfig, mustReadCase } from './case-model';

/**
 * "Duplicate of" / merge: `dupId` leaves the workflow as a duplicate of `masterId` (the workflow's
 * markDuplicate: allowed from received/triage/assigned), the master lists it in `duplicates` and
 * gets a 'merged' event. Both cases keep their own history; each points at the other.
 */
export async function mergeCase(w: Writer, dupId: string, masterId: string, actor: Actor, now: Date, cfg: FeedbackConfig): Promise<void> {
  if (dupId === masterId) throw new CommandRejected('invalid_argument', 'A case cannot be merged into itself');
  const master = await mustReadCase(w, masterId);
  if (master.status === 'duplicate') {
    throw new CommandRejected('master_is_duplicate', `Case ${masterId} is itself a duplicate of ${master.duplicateOf}; merge into that one`);
  }
  const dup = await mustReadCase(w, dupId);
  const children = Array.isArray(dup.duplicates) ? (dup.duplicates as string[]) : [];
  if (children.length) throw new CommandRejected('case_has_duplicates', `Case ${dupId} already has duplicates (${children.join(', ')}); merge the other way round`);
  const { row } = await applyCaseAction(w, dupId, { type: 'markDuplicate', of: masterId }, actor, now, cfg);
  const list = Array.isArray(master.duplicates) ? (master.duplicates as string[]) : [];
  await w.upsert('feedback_case', [{ ...master, duplicates: [...new Set([...list, dupId])], updatedAt: now.toISOString() }]);
  await w.upsert('case_event', [
    caseEventRow(masterId, now, actor, 'merged', `Gộp phản ánh trùng ${dupId}: ${String(row.title)}`, String(master.status), String(master.status), { duplicateId: dupId }),
  ]);
}
