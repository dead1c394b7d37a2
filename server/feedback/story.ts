/**
 * A case's life written without a database round trip per step: intake (received + routing), and
 * the seed's histories. Every step still goes through the workflow's `transition`, so seeded and
 * simulated cases obey the same rules as operator commands.
 */
import { type FeedbackAction, type PaknCase, transition } from '../../shared/feedback';
import type { EntityRow } from '../db/entity-tables';
import { type Actor, caseEventRow, type FeedbackConfig, fromPakn, toPakn } from './case-model';
import { loadRoutingRules, routeFor, type RoutingRule } from './routing';

export const ROUTING_ACTOR: Actor = { name: 'Hệ thống (quy tắc phân luồng)', role: 'system' };

type EventRow = ReturnType<typeof caseEventRow>;

export class CaseStory {
  c: PaknCase;
  readonly events: EventRow[] = [];
  routingRuleId: string | null = null;
  private n = 0;

  constructor(
    private readonly row: EntityRow,
    private readonly agencyName: (id: string) => string,
    /** Deterministic event ids (seed) or random ones. */
    private readonly eventId?: (n: number) => string,
  ) {
    this.c = toPakn(row);
  }

  private push(e: EventRow) {
    this.n++;
    this.events.push(this.eventId ? { ...e, id: this.eventId(this.n) } : e);
  }

  received(actor: Actor, text: string | null) {
    this.push(caseEventRow(this.c.id, new Date(this.c.receivedAt), actor, 'received', text, null, 'received'));
  }

  /** Routing rules at intake: propose the agency, or assign at once (autoAssign). */
  route(rules: readonly RoutingRule[], unitId: string | null, at: Date) {
    const rule = routeFor(rules, this.c.category, unitId);
    if (!rule) return null;
    this.routingRuleId = rule.id;
    if (rule.autoAssign) this.apply({ type: 'assign', agencyId: rule.agencyId }, ROUTING_ACTOR, at.getTime(), `${this.agencyName(rule.agencyId)} (tự động theo quy tắc phân luồng)`);
    else {
      this.c = { ...this.c, agencyId: rule.agencyId };
      this.push(caseEventRow(this.c.id, at, ROUTING_ACTOR, 'routed', `Đề xuất giao: ${this.agencyName(rule.agencyId)}`, this.c.state, this.c.state, { agencyId: rule.agencyId, ruleId: rule.id }));
    }
    return rule;
  }

  /** One workflow step; throws on a refusal (a seed bug, never user input). */
  apply(action: FeedbackAction, actor: Actor, atMs: number, text?: string | null) {
    const r = transition(this.c, action, { actor: { id: actor.name, role: actor.role }, nowMs: atMs, reopenWindowMs: Number.MAX_SAFE_INTEGER });
    if (!r.ok) throw new Error(`${this.c.id}: ${action.type} refused: ${r.code} ${r.message}`);
    this.c = { ...this.c, ...r.next };
    const d = r.event.data as Record<string, unknown>;
    const fallback = typeof d.reason === 'string' ? d.reason : typeof d.answer === 'string' ? d.answer : typeof d.text === 'string' ? d.text : null;
    this.push(caseEventRow(this.c.id, new Date(atMs), actor, r.event.type, text === undefined ? fallback : text, r.event.from, r.event.to, r.event.data));
  }

  /** The row with workflow + SLA fields as of `nowMs`. */
  toRow(cfg: FeedbackConfig, nowMs: number, updatedAtMs: number): Record<string, unknown> {
    return { ...this.row, ...fromPakn(this.c, cfg.sla, nowMs), routingRuleId: this.routingRuleId ?? this.row.routingRuleId ?? null, updatedAt: new Date(updatedAtMs).toISOString() };
  }
}

/**
 * A new case arriving (Open311 POST, simulator): the 'received' event, the routing rules, SLA
 * fields; written through the sync writer. Returns the stored row.
 */
export async function intakeCase(
  w: import('../sync/writer').Writer,
  row: Record<string, unknown> & { id: string; unitId: string | null },
  actor: Actor,
  receivedText: string | null,
  cfg: FeedbackConfig,
  now: Date,
  eventId?: (n: number) => string,
): Promise<EntityRow> {
  const rules = await loadRoutingRules(w.tx);
  const rule = routeFor(rules, String(row.category), row.unitId);
  const name = rule ? String((await w.read('agency', rule.agencyId))?.name ?? rule.agencyId) : '';
  const story = new CaseStory({ ...row, status: 'received' } as EntityRow, (id) => (rule && id === rule.agencyId ? name : id), eventId);
  story.received(actor, receivedText);
  story.route(rules, row.unitId, now);
  const [written] = await w.upsert('feedback_case', [story.toRow(cfg, now.getTime(), now.getTime())]);
  await w.upsert('case_event', story.events);
  return written;
}
