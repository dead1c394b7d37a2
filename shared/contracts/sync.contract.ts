import { z } from 'zod';
import { call, event } from './rpc';
import { CommandName } from '../sync/commands';
import { Role } from '../sync/protocol';

export const SyncState = z.enum(['online', 'degraded', 'standby']);
export type SyncState = z.infer<typeof SyncState>;

export const SessionUser = z.object({ username: z.string(), displayName: z.string(), role: Role });
export type SessionUser = z.infer<typeof SessionUser>;

export const SyncStatus = z.object({
  state: SyncState,
  /** Stable code the UI translates (e.g. 'ok', 'server_unreachable', 'session_expired', 'live_down'). */
  reasonCode: z.string(),
  /** Human detail (English), shown as a tooltip. */
  reason: z.string(),
  since: z.string(),
  /** Server time of the data the cache shows (last successful pull), null before the first pull. */
  asOf: z.string().nullable(),
  lastContactAt: z.string().nullable(),
  queued: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  serverUrl: z.string().nullable(),
  /** True when this app started the central server itself (demo / single-room default). */
  embedded: z.boolean(),
  user: SessionUser.nullable(),
  /** No usable session: the login screen is shown. */
  needsLogin: z.boolean(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const RejectedCommand = z.object({
  mutationId: z.string(),
  name: CommandName,
  args: z.unknown(),
  createdAt: z.string(),
  code: z.string(),
  reason: z.string(),
  rejectedAt: z.string(),
});
export type RejectedCommand = z.infer<typeof RejectedCommand>;

export const LoginInput = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

const MutationRef = z.object({ mutationId: z.string().min(1).max(64) });

export const syncContract = {
  getStatus: call('sync:getStatus', z.void(), SyncStatus),
  login: call('sync:login', LoginInput, SyncStatus),
  logout: call('sync:logout', z.void(), SyncStatus),
  listRejected: call('sync:listRejected', z.void(), z.array(RejectedCommand)),
  retryRejected: call('sync:retryRejected', MutationRef, z.object({ mutationId: z.string() })),
  discardRejected: call('sync:discardRejected', MutationRef, z.object({ ok: z.literal(true) })),
  onStatus: event('sync:status', SyncStatus),
};
