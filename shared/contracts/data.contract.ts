import { z } from 'zod';
import { call, event } from './rpc';
import { Alert, Entity } from '../domain/entities';

/** A cached row plus whether an operator action on it is still waiting for the server. */
const WithPending = <T extends z.ZodType>(row: T) => z.object({ row, pending: z.boolean() });

export const DataSummary = z.object({
  asOf: z.string().nullable(),
  counts: z.record(Entity, z.number().int().nonnegative()),
});
export type DataSummary = z.infer<typeof DataSummary>;

export const AlertItem = WithPending(Alert);
export type AlertItem = z.infer<typeof AlertItem>;

export const QueuedAction = z.object({ mutationId: z.string(), queued: z.literal(true) });

export const dataContract = {
  /** What the local cache holds, per entity, and as of when. */
  summary: call('data:summary', z.void(), DataSummary),
  listAlerts: call('data:listAlerts', z.object({ open: z.boolean().default(true), limit: z.number().int().min(1).max(500).default(50) }), z.array(AlertItem)),
  /** Operator action: written to the outbox before this returns, applied on the server exactly once. */
  acknowledgeAlert: call('data:acknowledgeAlert', z.object({ alertId: z.string().min(1).max(200), note: z.string().trim().max(1000).optional() }), QueuedAction),
  /** The cache changed (a pull or an operator action): views reload what they show. */
  onChanged: event('data:changed', z.object({ entities: z.array(Entity) })),
};
