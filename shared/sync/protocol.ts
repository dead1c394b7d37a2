import { z } from 'zod';
import { Entity } from '../domain/entities';
import { CommandName } from './commands';

/**
 * Sync protocol between the desktop cache and the central server (documented in server/README.md).
 *
 * Pull:  GET  /api/v1/sync/pull?since=<seq>&limit=<n>  → PullResponse (changes with seq > since, ascending)
 * Live:  GET  /api/v1/sync/live  (text/event-stream)    → `event: changed` / `data: {"seq":N}` whenever the
 *        change log grows (coalesced, within 1 s), `: ping` every 15 s
 * Push:  POST /api/v1/sync/push  PushRequest            → PushResponse (one result per mutation, same order)
 * All three need `Authorization: Bearer <session token>` and `X-IOC-Protocol: 1`.
 */
export const PROTOCOL_VERSION = 1;
export const PROTOCOL_HEADER = 'x-ioc-protocol';

/** Headers of a signed-in request to the central server's staff API: the session token and the protocol. */
export const staffHeaders = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
export const MAX_PULL_LIMIT = 5000;
export const MAX_PUSH_BATCH = 500;

export const Change = z.object({
  /** Position in the server's change log: strictly increasing, gap-free per committed transaction order. */
  seq: z.number().int().positive(),
  entity: Entity,
  id: z.string().min(1).max(200),
  op: z.enum(['upsert', 'delete']),
  /**
   * The whole row after the change (upsert) or null (delete). Checked as a JSON object only: a
   * z.record walked and copied every field of every row (~1.4 s of an initial pull of 100k cases);
   * each view validates the rows it reads against its entity schema anyway.
   */
  data: z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object').nullable(),
});
export type Change = z.infer<typeof Change>;

export const PullResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  changes: z.array(Change),
  /** Pass as `since` next time: the seq of the last change returned (or `since` if none). */
  cursor: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  serverTime: z.string(),
});
export type PullResponse = z.infer<typeof PullResponse>;

export const Mutation = z.object({
  /** Client-generated UUID; (clientId, id) is applied at most once, ever. */
  id: z.uuid(),
  /** Per-client counter, strictly increasing in the order the operator acted. */
  clientSeq: z.number().int().positive(),
  name: CommandName,
  args: z.unknown(),
  /** When the operator acted (ISO with offset), for the audit log. */
  createdAt: z.string().min(10).max(40),
});
export type Mutation = z.infer<typeof Mutation>;

export const PushRequest = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  clientId: z.uuid(),
  mutations: z.array(Mutation).min(1).max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof PushRequest>;

export const MutationResult = z.discriminatedUnion('status', [
  /** Applied now or earlier (`duplicate: true` when this id had been applied before). */
  z.object({ id: z.string(), status: z.literal('applied'), duplicate: z.boolean(), seq: z.number().int().nullable() }),
  /** Will never apply (validation, permission, state conflict): goes to the operator's rejected list. */
  z.object({ id: z.string(), status: z.literal('rejected'), code: z.string(), reason: z.string() }),
  /** Not applied, try again later (transient); every later mutation of the batch is answered retry too. */
  z.object({ id: z.string(), status: z.literal('retry'), reason: z.string() }),
]);
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  results: z.array(MutationResult),
});
export type PushResponse = z.infer<typeof PushResponse>;

/** Error body of every 4xx/5xx of the API (except Open311, which has its own format). */
export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof ApiError>;

export const Role = z.enum(['operator', 'leader', 'admin']);
export type Role = z.infer<typeof Role>;

/** POST /api/v1/auth/login {username, password} → LoginResponse; POST /api/v1/auth/logout; GET /api/v1/auth/me */
export const LoginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
export const LoginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: Role }),
});
export type LoginResponse = z.infer<typeof LoginResponse>;
