import { z } from 'zod';
import { PROTOCOL_VERSION, PushRequest, type PushResponse } from '../../shared/sync/protocol';
import type { AuthService } from '../auth/auth.service';
import type { Database } from '../db/client';
import { HttpError } from '../http/errors';
import { ALL_ROLES, type RouteDef } from '../http/route-table';
import { computeDigest } from '../sync/digest';
import type { LiveChannel } from '../sync/live';
import { clampLimit, pullPage } from '../sync/pull';
import type { PushService } from '../sync/push';

// Strict: an unknown or misspelt parameter (e.g. `since[]`) is an error, not a silent full pull.
const PullQuery = z.strictObject({
  since: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export interface SyncDeps {
  db: Database;
  auth: AuthService;
  push: PushService;
  live: LiveChannel;
  now: () => Date;
  heartbeatMs: number;
}

function invalid(error: z.ZodError): HttpError {
  const issue = error.issues[0];
  return new HttpError(400, 'invalid_request', `${issue.path.join('.') || 'body'}: ${issue.message}`.slice(0, 300));
}

export function syncRoutes(d: SyncDeps): RouteDef[] {
  return [
    {
      method: 'GET',
      url: '/api/v1/sync/pull',
      access: ALL_ROLES,
      protocol: true,
      async handler(req, reply) {
        const q = PullQuery.safeParse(req.query);
        if (!q.success) throw invalid(q.error);
        const body = await pullPage(d.db.orm, q.data.since, clampLimit(q.data.limit), d.now());
        return reply.type('application/json; charset=utf-8').send(body);
      },
    },
    {
      method: 'GET',
      url: '/api/v1/sync/live',
      access: ALL_ROLES,
      protocol: true,
      handler(req, reply, auth) {
        d.live.serve(req, reply, {
          heartbeatMs: d.heartbeatMs,
          stillAuthorized: async () => (await d.auth.authenticate(auth.token)) !== null,
        });
      },
    },
    {
      method: 'POST',
      url: '/api/v1/sync/push',
      access: ALL_ROLES,
      protocol: true,
      async handler(req, _reply, auth): Promise<PushResponse> {
        const body = req.body as { protocol?: unknown } | null;
        if (body && typeof body === 'object' && 'protocol' in body && body.protocol !== PROTOCOL_VERSION) {
          throw new HttpError(400, 'protocol_mismatch', `This server speaks protocol ${PROTOCOL_VERSION}`);
        }
        const parsed = PushRequest.safeParse(body);
        if (!parsed.success) throw invalid(parsed.error);
        return { protocol: PROTOCOL_VERSION, results: await d.push.push(parsed.data, auth.user, req.ip) };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/sync/digest',
      access: ALL_ROLES,
      protocol: true,
      handler: () => computeDigest(d.db),
    },
  ];
}
