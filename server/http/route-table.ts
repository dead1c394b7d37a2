import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, type Role } from '../../shared/sync/protocol';
import type { AuthService, SessionUser } from '../auth/auth.service';
import { HttpError } from './errors';

export const ALL_ROLES: readonly Role[] = ['operator', 'leader', 'admin'];

export interface AuthContext {
  user: SessionUser;
  token: string;
  expiresAt: Date;
}

type Handler<A> = (req: FastifyRequest, reply: FastifyReply, auth: A) => unknown;

/**
 * One line per endpoint: who may call it and whether it speaks the sync protocol. Registering only
 * through this table is what makes "every route checks a role" true by construction (and
 * app.test.ts checks the routes Fastify actually has).
 */
export type RouteDef = {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  /** Requires `X-IOC-Protocol: 1` (after authentication). */
  protocol?: boolean;
  bodyLimit?: number;
} & ({ access: 'public'; handler: Handler<null> } | { access: readonly Role[]; handler: Handler<AuthContext> });

function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer ([^\s]+)$/.exec(h) : null;
  return m ? m[1] : null; // deliberately no `?token=`: tokens in URLs end up in logs and histories
}

const unauthorized = () =>
  new HttpError(401, 'unauthorized', 'A valid session token is required (Authorization: Bearer …)', { 'www-authenticate': 'Bearer' });

export function checkProtocol(req: FastifyRequest): void {
  if (req.headers[PROTOCOL_HEADER] !== String(PROTOCOL_VERSION)) {
    throw new HttpError(400, 'protocol_mismatch', `Unsupported or missing ${PROTOCOL_HEADER} header; this server speaks protocol ${PROTOCOL_VERSION}`);
  }
}

export function registerRoutes(app: FastifyInstance, defs: RouteDef[], auth: AuthService): void {
  for (const def of defs) {
    const contexts = new WeakMap<FastifyRequest, AuthContext>();
    app.route({
      method: def.method,
      url: def.url,
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      // Authenticate before the body is even parsed: anonymous callers cost no parsing.
      onRequest: async (req) => {
        if (def.access === 'public') return;
        const token = bearerToken(req);
        const session = token ? await auth.authenticate(token) : null;
        if (!token || !session) throw unauthorized();
        if (!def.access.includes(session.user.role)) {
          throw new HttpError(403, 'forbidden', `Role '${session.user.role}' may not call ${def.method} ${def.url}`);
        }
        if (def.protocol) checkProtocol(req);
        contexts.set(req, { ...session, token });
      },
      handler: async (req, reply) => {
        if (def.access === 'public') return def.handler(req, reply, null);
        const ctx = contexts.get(req);
        if (!ctx) throw unauthorized(); // unreachable: onRequest either set it or threw
        return def.handler(req, reply, ctx);
      },
    });
  }
}
