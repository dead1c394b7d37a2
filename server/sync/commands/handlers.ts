import { type ActorRole, type FeedbackAction, isFeedbackState, statusChangeAction } from '../../../shared/feedback';
import type { Entity } from '../../../shared/domain/entities';
import type { CommandArgs, CommandName } from '../../../shared/sync/commands';
import type { Role } from '../../../shared/sync/protocol';
import type { SessionUser } from '../../auth/auth.service';
import type { EntityRow } from '../../db/entity-tables';
import { type Actor, applyCaseAction, DEFAULT_FEEDBACK_CONFIG, type FeedbackConfig } from '../../feedback/case-model';
import { mergeCase } from '../../feedback/merge';
import type { Writer } from '../writer';
import { CommandRejected } from './rejected';

export { CommandRejected } from './rejected';

export interface CommandContext {
  user: SessionUser;
  now: Date;
  /** SLA policy, re-open window, media lookup (defaults for tests that build a context by hand). */
  feedback?: FeedbackConfig;
}

type Handler<N extends CommandName> = (w: Writer, args: CommandArgs<N>, c: CommandContext) => Promise<void>;

async function mustRead(w: Writer, entity: Entity, id: string): Promise<EntityRow> {
  const row = await w.read(entity, id);
  if (!row) throw new CommandRejected('not_found', `No ${entity} with id ${id}`);
  return row;
}

const WORKFLOW_ROLE: Record<Role, ActorRole> = { operator: 'operator', leader: 'leader', admin: 'operator' };
const actorOf = (c: CommandContext): Actor => ({ name: c.user.displayName, role: WORKFLOW_ROLE[c.user.role] });
const cfgOf = (c: CommandContext) => c.feedback ?? DEFAULT_FEEDBACK_CONFIG;

/** Runs one workflow action on the case (see server/feedback/case-model.ts). */
async function act(w: Writer, caseId: string, action: FeedbackAction, c: CommandContext): Promise<void> {
  await applyCaseAction(w, caseId, action, actorOf(c), c.now, cfgOf(c));
}

function checkPhotos(photos: readonly string[], c: CommandContext) {
  const missing = photos.filter((p) => !cfgOf(c).mediaExists(p));
  if (missing.length) throw new CommandRejected('photo_not_uploaded', `Upload the photo first (POST /api/v1/media): ${missing.join(', ')}`);
}

export const HANDLERS: { [N in CommandName]: Handler<N> } = {
  async 'alert.acknowledge'(w, a, c) {
    const alert = await mustRead(w, 'alert', a.alertId);
    if (alert.acknowledgedAt) {
      throw new CommandRejected('already_acknowledged', `Already acknowledged by ${alert.acknowledgedBy} at ${alert.acknowledgedAt}`);
    }
    await w.upsert('alert', [{ ...alert, acknowledgedAt: c.now.toISOString(), acknowledgedBy: c.user.displayName, note: a.note ?? null }]);
  },

  'case.addNote': (w, a, c) => act(w, a.caseId, { type: 'addNote', text: a.text }, c),
  'case.triage': (w, a, c) => act(w, a.caseId, { type: 'triage' }, c),
  'case.assign': (w, a, c) => act(w, a.caseId, { type: 'assign', agencyId: a.agencyId, ...(a.officer ? { officer: a.officer } : {}) }, c),
  'case.start': (w, a, c) => act(w, a.caseId, { type: 'start' }, c),
  'case.schedule': (w, a, c) => act(w, a.caseId, { type: 'schedule', at: Date.parse(a.at) }, c),
  async 'case.resolve'(w, a, c) {
    checkPhotos(a.photos, c);
    await act(w, a.caseId, { type: 'resolve', answer: a.answer, photos: a.photos }, c);
  },
  'case.publish': (w, a, c) => act(w, a.caseId, { type: 'publish' }, c),
  'case.notResponsible': (w, a, c) => act(w, a.caseId, { type: 'notResponsible', reason: a.reason }, c),
  'case.reject': (w, a, c) => act(w, a.caseId, { type: 'reject', reason: a.reason }, c),
  'case.refer': (w, a, c) => act(w, a.caseId, { type: 'refer', agencyId: a.agencyId, reason: a.reason }, c),
  'case.merge': (w, a, c) => mergeCase(w, a.caseId, a.into, actorOf(c), c.now, cfgOf(c)),
  'case.setLevel': (w, a, c) => act(w, a.caseId, { type: 'setLevel', level: a.level }, c),
  'case.pause': (w, a, c) => act(w, a.caseId, { type: 'pause', reason: a.reason }, c),
  'case.resume': (w, a, c) => act(w, a.caseId, { type: 'resume' }, c),
  'case.reopen': (w, a, c) => act(w, a.caseId, { type: 'reopen', reason: a.reason }, c),

  async 'case.setStatus'(w, a, c) {
    if (!isFeedbackState(a.status)) throw new CommandRejected('invalid_status', `Unknown case status '${a.status}'`);
    const fc = await mustRead(w, 'feedback_case', a.caseId);
    const from = String(fc.status);
    if (from === a.status) throw new CommandRejected('no_change', `Case is already ${a.status}`);
    if (!isFeedbackState(from)) throw new CommandRejected('invalid_state', `Case ${a.caseId} has an unknown status '${from}'`);
    const change = statusChangeAction(from, a.status);
    if (!change) {
      const specific: Record<string, string> = { assigned: 'case.assign', scheduled: 'case.schedule', duplicate: 'case.merge', internal_referral: 'case.refer' };
      if (specific[a.status]) throw new CommandRejected('use_specific_command', `Use ${specific[a.status]} to move a case to '${a.status}'`);
      throw new CommandRejected('not_allowed_from_state', `'${from}' → '${a.status}' is not allowed by the workflow`);
    }
    const text = a.reason?.trim() || undefined;
    if (change.textRequired && !text) throw new CommandRejected('reason_required', `'${a.status}' needs a ${change.textArg === 'answer' ? 'answer for the citizen' : 'reason'}`);
    if (change.action === 'resolve') {
      await act(w, a.caseId, { type: 'resolve', answer: text!, photos: [] }, c);
      return;
    }
    const action = { type: change.action, ...(change.textArg && text ? { [change.textArg]: text } : {}) } as FeedbackAction;
    await act(w, a.caseId, action, c);
  },
};

/**
 * The rows a command will read, guessed from its raw (unvalidated) args: a push batch reads them
 * all in one query per entity up front (Writer.prefetch). A wrong guess only costs a lookup.
 */
export function commandReads(name: string, args: unknown): Array<[Entity, string]> {
  if (args === null || typeof args !== 'object') return [];
  const a = args as Record<string, unknown>;
  const reads: Array<[Entity, string]> = [];
  const add = (entity: Entity, id: unknown) => typeof id === 'string' && id && reads.push([entity, id]);
  if (name.startsWith('case.')) {
    add('feedback_case', a.caseId);
    add('feedback_case', a.into);
    add('agency', a.agencyId);
  } else if (name === 'alert.acknowledge') add('alert', a.alertId);
  return reads;
}

/** The row a command is about, for the audit log. */
export function commandTarget(args: Record<string, unknown>): string | null {
  const id = args.alertId ?? args.caseId;
  return typeof id === 'string' ? id : null;
}
