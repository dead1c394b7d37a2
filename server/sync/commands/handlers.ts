import { randomUUID } from 'node:crypto';
import type { Entity } from '../../../shared/domain/entities';
import type { CommandArgs, CommandName } from '../../../shared/sync/commands';
import type { SessionUser } from '../../auth/auth.service';
import type { EntityRow } from '../../db/entity-tables';
import type { Writer } from '../writer';
import { FINAL_STATUSES, isCaseStatus } from './case-status';

/** A definitive "no" (answered as `rejected` with this code); throw it before writing anything. */
export class CommandRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CommandContext {
  user: SessionUser;
  now: Date;
}

type Handler<N extends CommandName> = (w: Writer, args: CommandArgs<N>, c: CommandContext) => Promise<void>;

async function mustRead(w: Writer, entity: Entity, id: string): Promise<EntityRow> {
  const row = await w.read(entity, id);
  if (!row) throw new CommandRejected('not_found', `No ${entity} with id ${id}`);
  return row;
}

/** Every change to a case leaves a history row (the citizen-facing timeline is built from these). */
async function caseEvent(w: Writer, caseId: string, c: CommandContext, action: string, text: string | null) {
  await w.upsert('case_event', [{ id: randomUUID(), caseId, at: c.now.toISOString(), actor: c.user.displayName, action, text }]);
}

export const HANDLERS: { [N in CommandName]: Handler<N> } = {
  async 'alert.acknowledge'(w, a, c) {
    const alert = await mustRead(w, 'alert', a.alertId);
    if (alert.acknowledgedAt) {
      throw new CommandRejected('already_acknowledged', `Already acknowledged by ${alert.acknowledgedBy} at ${alert.acknowledgedAt}`);
    }
    await w.upsert('alert', [{ ...alert, acknowledgedAt: c.now.toISOString(), acknowledgedBy: c.user.displayName, note: a.note ?? null }]);
  },

  async 'case.addNote'(w, a, c) {
    const fc = await mustRead(w, 'feedback_case', a.caseId);
    await caseEvent(w, a.caseId, c, 'note', a.text);
    await w.upsert('feedback_case', [{ ...fc, noteCount: Number(fc.noteCount ?? 0) + 1, updatedAt: c.now.toISOString() }]);
  },

  async 'case.assign'(w, a, c) {
    const fc = await mustRead(w, 'feedback_case', a.caseId);
    const agency = await mustRead(w, 'agency', a.agencyId);
    if (FINAL_STATUSES.has(String(fc.status))) {
      throw new CommandRejected('case_closed', `Case is ${fc.status}; reopen it before assigning`);
    }
    const text = a.officer ? `${agency.name} – ${a.officer}` : String(agency.name);
    await caseEvent(w, a.caseId, c, 'assigned', text);
    await w.upsert('feedback_case', [{ ...fc, agencyId: a.agencyId, status: 'assigned', updatedAt: c.now.toISOString() }]);
  },

  async 'case.setStatus'(w, a, c) {
    if (!isCaseStatus(a.status)) throw new CommandRejected('invalid_status', `Unknown case status '${a.status}'`);
    const fc = await mustRead(w, 'feedback_case', a.caseId);
    if (fc.status === a.status) throw new CommandRejected('no_change', `Case is already ${a.status}`);
    await caseEvent(w, a.caseId, c, `status:${a.status}`, a.reason ?? null);
    await w.upsert('feedback_case', [{ ...fc, status: a.status, updatedAt: c.now.toISOString() }]);
  },
};

/** The row a command is about, for the audit log. */
export function commandTarget(args: Record<string, unknown>): string | null {
  const id = args.alertId ?? args.caseId;
  return typeof id === 'string' ? id : null;
}
