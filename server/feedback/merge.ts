import { CommandRejected } from '../sync/commands/rejected';
import type { Writer } from '../sync/writer';
import { type Actor, applyCaseAction, caseEventRow, type FeedbackConfig, mustReadCase } from './case-model';

/**
 * "Duplicate of" / merge: `dupId` leaves the workflow as a duplicate of `masterId` (the workflow's
 * markDuplicate: allowed from received/triage/assigned), the master lists it in `duplicates` and
 * gets a 'merged' event. Both cases keep their own history; each points at the other. Cases already
 * merged into `dupId` follow it: they point at `masterId` now (a 'repointed' event each), the master
 * lists them too, so every duplicate names the one case still being handled (no chains).
 */
export async function mergeCase(w: Writer, dupId: string, masterId: string, actor: Actor, now: Date, cfg: FeedbackConfig): Promise<void> {
  if (dupId === masterId) throw new CommandRejected('invalid_argument', 'A case cannot be merged into itself');
  const master = await mustReadCase(w, masterId);
  if (master.status === 'duplicate') {
    throw new CommandRejected('master_is_duplicate', `Case ${masterId} is itself a duplicate of ${master.duplicateOf}; merge into that one`);
  }
  const dup = await mustReadCase(w, dupId);
  const children = (Array.isArray(dup.duplicates) ? (dup.duplicates as string[]) : []).filter((id) => id !== masterId);
  const { row } = await applyCaseAction(w, dupId, { type: 'markDuplicate', of: masterId }, actor, now, cfg);
  const moved: string[] = [];
  for (const childId of children) {
    const child = await w.read('feedback_case', childId);
    if (!child || child.duplicateOf !== dupId) continue; // a stale list entry: nothing points here
    await w.upsert('feedback_case', [{ ...child, duplicateOf: masterId, updatedAt: now.toISOString() }]);
    await w.upsert('case_event', [
      caseEventRow(childId, now, actor, 'repointed', `Phản ánh gốc ${dupId} đã được gộp vào ${masterId}; phản ánh này nay trùng với ${masterId}.`, String(child.status), String(child.status), { from: dupId, duplicateOf: masterId }),
    ]);
    moved.push(childId);
  }
  if (children.length) await w.upsert('feedback_case', [{ ...row, duplicates: [], updatedAt: now.toISOString() }]);
  const list = Array.isArray(master.duplicates) ? (master.duplicates as string[]) : [];
  await w.upsert('feedback_case', [{ ...master, duplicates: [...new Set([...list, dupId, ...moved])], updatedAt: now.toISOString() }]);
  await w.upsert('case_event', [
    caseEventRow(masterId, now, actor, 'merged', `Gộp phản ánh trùng ${dupId}: ${String(row.title)}${moved.length ? ` (cùng ${moved.length} phản ánh đã gộp vào nó: ${moved.join(', ')})` : ''}`, String(master.status), String(master.status), { duplicateId: dupId, ...(moved.length ? { moved } : {}) }),
  ]);
}
