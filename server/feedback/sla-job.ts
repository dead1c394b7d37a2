import { and, isNotNull, isNull, lt, lte, not, or, sql } from 'drizzle-orm';
import { toVnIso } from '../../shared/feedback';
import { feedbackCases } from '../db/schema';
import type { Logger } from '../log';
import { withWriteTx, type WriteContext } from '../sync/writer';
import { type Actor, caseEventRow, type FeedbackConfig, toPakn } from './case-model';
import { slaFields } from './sla-fields';

export const SLA_ACTOR: Actor = { name: 'Hệ thống (giám sát thời hạn)', role: 'system' };

export interface SlaTickResult {
  /** Cases whose due-soon / overdue flags changed. */
  updated: string[];
  /** Cases escalated now (case_event 'escalated' + alert feedback_overdue), at either level. */
  escalated: string[];
  /** Those of `escalated` raised to level 2 now (overdue past the threshold). */
  escalatedLevel2: string[];
}

/**
 * Time alone turns a case "due soon" (T−24 h) and then overdue; nobody writes the row then, so this
 * job does: every interval it recomputes the SLA fields of the cases whose stored flags are stale,
 * and escalates each overdue deadline at most twice — level 1 when it passes, level 2 when it is
 * overdue by the policy's escalateAfterMinutes working minutes (stored as escalate_at) — each time
 * a case_event and an alert of kind feedback_overdue whose id is derived from (case, due instant,
 * level), so a second tick, a second server or a crash between the two cannot raise it twice. A
 * case first seen past its level-2 instant (the server was down) is escalated once, at level 2.
 * A paused case has no due instant: its clock is stopped.
 */
export class SlaJob {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: WriteContext,
    private readonly cfg: FeedbackConfig,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick()).catch((err) => this.log('warn', 'SLA job tick failed', { err }));
    }, intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async tick(): Promise<SlaTickResult> {
    const now = this.now();
    const nowMs = now.getTime();
    const result: SlaTickResult = { updated: [], escalated: [], escalatedLevel2: [] };
    await withWriteTx(this.ctx, async (w) => {
      const c = feedbackCases;
      const stale = await w.tx
        .select({ id: c.id })
        .from(c)
        .where(
          and(
            isNotNull(c.dueAt),
            or(
              and(lte(c.dueSoonAt, now), not(c.dueSoon), not(c.overdue)),
              and(lt(c.dueAt, now), not(c.overdue)),
              and(lt(c.dueAt, now), sql`${c.escalatedDueAt} IS DISTINCT FROM ${c.dueAt}`),
              and(lt(c.escalateAt, now), sql`(${c.escalatedDueAt} IS DISTINCT FROM ${c.dueAt} OR ${c.escalatedLevel} < 2)`),
              isNull(c.escalateAt), // rows written before escalate_at existed: computed once
            ),
          ),
        )
        .orderBy(c.dueAt)
        .limit(2000);
      for (const { id } of stale) {
        const row = await w.read('feedback_case', id);
        if (!row) continue;
        const pakn = toPakn(row);
        const sla = slaFields(pakn, this.cfg.sla, nowMs);
        const next: Record<string, unknown> = { ...row, ...sla };
        // The level already escalated for this deadline (rows from before levels were stored: 1).
        const done = row.escalatedDueAt === sla.dueAt && sla.dueAt !== null ? Math.max(1, Number(row.escalatedLevel ?? 0)) : 0;
        const level = !sla.overdue || sla.dueAt === null ? 0 : sla.escalateAt !== null && Date.parse(sla.escalateAt) < nowMs ? 2 : 1;
        const escalate = level > done;
        if (escalate) {
          const what = sla.slaPhase === 'accept' ? 'tiếp nhận' : 'xử lý';
          const due = toVnIso(Date.parse(sla.dueAt!)).slice(0, 16).replace('T', ' ');
          const hours = Math.round((this.cfg.sla.escalateAfterMinutes / 60) * 10) / 10;
          Object.assign(next, { escalatedAt: now.toISOString(), escalatedDueAt: sla.dueAt, escalatedLevel: level });
          await w.upsert('case_event', [
            caseEventRow(
              id,
              now,
              SLA_ACTOR,
              'escalated',
              level === 2 ? `Quá hạn ${what} hơn ${hours} giờ làm việc (hạn ${due}); báo lãnh đạo lần ${done === 1 ? 2 : 1}, mức khẩn.` : `Quá hạn ${what} (hạn ${due}); đã báo lãnh đạo.`,
              String(row.status),
              String(row.status),
              { phase: sla.slaPhase, dueAt: sla.dueAt, level },
            ),
          ]);
          await w.upsert('alert', [
            {
              id: `al-sla-${id}-${Date.parse(sla.dueAt!)}${level === 2 ? '-2' : ''}`,
              kind: 'feedback_overdue',
              severity: level >= 2 || row.level === 'urgent' ? 'critical' : 'warning',
              title: level === 2 ? `Phản ánh quá hạn ${what} hơn ${hours} giờ làm việc: ${String(row.title).slice(0, 120)} (${id})` : `Phản ánh quá hạn ${what}: ${String(row.title).slice(0, 120)} (${id})`,
              unitId: (row.unitId as string | null) ?? null,
              raisedAt: now.toISOString(),
              acknowledgedAt: null,
              acknowledgedBy: null,
              note: null,
            },
          ]);
          result.escalated.push(id);
          if (level === 2) result.escalatedLevel2.push(id);
        }
        const changed = escalate || sla.dueSoon !== row.dueSoon || sla.overdue !== row.overdue || sla.dueAt !== row.dueAt || sla.escalateAt !== (row.escalateAt ?? null);
        if (changed) {
          await w.upsert('feedback_case', [next]);
          result.updated.push(id);
        }
      }
    });
    if (result.escalated.length) this.log('info', 'feedback cases escalated', { count: result.escalated.length });
    return result;
  }
}
