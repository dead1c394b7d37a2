import { z } from 'zod';
import type { Role } from './protocol';

/**
 * Operator actions travel as commands, not row overwrites. Each has an args schema (checked on the
 * client before it is queued and again by the server), the roles allowed to send it, and an
 * optimistic patch the desktop shows (marked "pending") until the server answers.
 */
export const COMMAND_NAMES = ['alert.acknowledge', 'case.addNote', 'case.assign', 'case.setStatus'] as const;
export const CommandName = z.enum(COMMAND_NAMES);
export type CommandName = z.infer<typeof CommandName>;

const Id = z.string().min(1).max(200);
const Text = z.string().trim().min(1).max(4000);

export const COMMANDS = {
  'alert.acknowledge': {
    args: z.object({ alertId: Id, note: z.string().trim().max(1000).optional() }),
    roles: ['operator', 'leader', 'admin'] as Role[],
  },
  'case.addNote': {
    args: z.object({ caseId: Id, text: Text }),
    roles: ['operator', 'leader', 'admin'] as Role[],
  },
  'case.assign': {
    args: z.object({ caseId: Id, agencyId: Id, officer: z.string().trim().max(200).optional() }),
    roles: ['operator', 'admin'] as Role[],
  },
  'case.setStatus': {
    args: z.object({ caseId: Id, status: z.string().min(1).max(40), reason: z.string().trim().max(2000).optional() }),
    roles: ['operator', 'admin'] as Role[],
  },
} as const satisfies Record<CommandName, { args: z.ZodType; roles: Role[] }>;

export type CommandArgs<N extends CommandName> = z.infer<(typeof COMMANDS)[N]['args']>;

/** A row patch the desktop overlays on its cache while the command is pending. */
export interface OptimisticPatch {
  entity: 'alert' | 'feedback_case';
  id: string;
  patch: Record<string, unknown>;
}

export function optimisticPatch(name: CommandName, args: unknown, actor: string, now: string): OptimisticPatch[] {
  switch (name) {
    case 'alert.acknowledge': {
      const a = COMMANDS[name].args.parse(args);
      return [{ entity: 'alert', id: a.alertId, patch: { acknowledgedAt: now, acknowledgedBy: actor, note: a.note ?? null } }];
    }
    case 'case.assign': {
      const a = COMMANDS[name].args.parse(args);
      return [{ entity: 'feedback_case', id: a.caseId, patch: { agencyId: a.agencyId, status: 'assigned', updatedAt: now } }];
    }
    case 'case.setStatus': {
      const a = COMMANDS[name].args.parse(args);
      return [{ entity: 'feedback_case', id: a.caseId, patch: { status: a.status, updatedAt: now } }];
    }
    case 'case.addNote':
      return [];
  }
}
