import { inArray, isNull, notInArray, or } from 'drizzle-orm';
import { FEEDBACK_STATES } from '../../shared/feedback';
import { toEntity } from '../db/entity-tables';
import { feedbackCases } from '../db/schema';
import type { Logger } from '../log';
import { withWriteTx, type WriteContext } from '../sync/writer';
import { type FeedbackConfig, fromPakn, toPakn } from './case-model';

/** Statuses of servers before the workflow (FixMyStreet words) → workflow states. */
const LEGACY: Record<string, (typeof FEEDBACK_STATES)[number]> = {
  investigating: 'triage',
  reopened: 'triage',
  action_scheduled: 'scheduled',
  fixed: 'resolved',
  unable_to_fix: 'resolved',
  closed: 'published',
};

/**
 * Once per start: cases stored with a legacy status or without SLA fields (written before
 * 0003_feedback_workflow) get the workflow state and SLA fields, through the sync write path so
 * every wall's cache follows. A no-op (one SELECT) once done.
 */
export async function backfillFeedback(ctx: WriteContext, cfg: FeedbackConfig, now: Date, log: Logger): Promise<number> {
  const rows = await ctx.db.orm
    .select()
    .from(feedbackCases)
    .where(or(notInArray(feedbackCases.status, [...FEEDBACK_STATES]), isNull(feedbackCases.slaPhase), inArray(feedbackCases.status, Object.keys(LEGACY))));
  if (!rows.length) return 0;
  const fixed = rows.map((raw) => {
    const row = toEntity(raw);
    const status = LEGACY[String(row.status)] ?? (FEEDBACK_STATES.includes(row.status as never) ? String(row.status) : 'received');
    const closed = ['resolved', 'published'].includes(status);
    const c = toPakn({
      ...row,
      status,
      acceptedAt: row.acceptedAt ?? (status === 'received' ? null : row.receivedAt),
      resolvedAt: row.resolvedAt ?? (closed ? row.updatedAt : null),
      publishedAt: row.publishedAt ?? (status === 'published' ? row.updatedAt : null),
    });
    return { ...row, ...fromPakn(c, cfg.sla, now.getTime()) };
  });
  await withWriteTx(ctx, async (w) => {
    await w.upsert('feedback_case', fixed);
  });
  log('info', 'feedback cases brought to the workflow', { count: fixed.length });
  return fixed.length;
}
