import { LoginRequest } from '../../shared/sync/protocol';
import type { AuthService } from '../auth/auth.service';
import { HttpError } from '../http/errors';
import { ALL_ROLES, type RouteDef } from '../http/route-table';

export function authRoutes(auth: AuthService): RouteDef[] {
  return [
    {
      method: 'POST',
      url: '/api/v1/auth/login',
      access: 'public',
      async handler(req, reply) {
        const parsed = LoginRequest.safeParse(req.body);
        if (!parsed.success) throw new HttpError(400, 'invalid_request', 'Expected {"username": string, "password": string}');
        const outcome = await auth.login(parsed.data.username, parsed.data.password, req.ip);
        if (outcome.kind === 'locked') {
          throw new HttpError(429, 'rate_limited', 'Too many failed logins; try again later', { 'retry-after': String(outcome.retryAfterSeconds) });
        }
        if (outcome.kind === 'invalid') throw new HttpError(401, 'invalid_credentials', 'Wrong username or password');
        return reply.send(outcome.response);
      },
    },
    {
      method: 'POST',
      url: '/api/v1/auth/logout',
      access: ALL_ROLES,
      async handler(req, reply, a) {
        await auth.logout(a.token, a.user, req.ip);
        return reply.code(204).send();
      },
    },
    {
      method: 'GET',
      url: '/api/v1/auth/me',
      access: ALL_ROLES,
      handler: (_req, _reply, a) => ({ user: a.user, expiresAt: a.expiresAt.toISOString() }),
    },
  ];
}
