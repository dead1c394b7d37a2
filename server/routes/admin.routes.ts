import { desc, lt } from 'drizzle-orm';
import { z } from 'zod';
import { Role } from '../../shared/sync/protocol';
import { audit } from '../audit';
import { upsertUser } from '../auth/users';
import type { Database } from '../db/client';
import { auditLog, users } from '../db/schema';
import { HttpError } from '../http/errors';
import type { RouteDef } from '../http/route-table';

const ADMIN_ONLY: readonly Role[] = ['admin'];

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
const UserBody = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,64}$/),
  password: z.string().min(10).max(256),
  role: Role,
  displayName: z.string().trim().min(1).max(200).optional(),
});

/** Admin-only: user management and the audit trail. */
export function adminRoutes(db: Database, now: () => Date): RouteDef[] {
  return [
    {
      method: 'GET',
      url: '/api/v1/admin/audit',
      access: ADMIN_ONLY,
      async handler(req) {
        const q = AuditQuery.safeParse(req.query);
        if (!q.success) throw new HttpError(400, 'invalid_request', 'limit 1..1000, before: audit id');
        const rows = await db.orm
          .select()
          .from(auditLog)
          .where(q.data.before ? lt(auditLog.id, q.data.before) : undefined)
          .orderBy(desc(auditLog.id))
          .limit(q.data.limit);
        return { entries: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/admin/users',
      access: ADMIN_ONLY,
      async handler() {
        const rows = await db.orm
          .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, disabled: users.disabled })
          .from(users)
          .orderBy(users.username);
        return { users: rows };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/admin/users',
      access: ADMIN_ONLY,
      async handler(req, _reply, a) {
        const body = UserBody.safeParse(req.body);
        if (!body.success) throw new HttpError(400, 'invalid_request', 'username [a-z0-9._-]{2,64}, password ≥ 10 chars, role operator|leader|admin');
        return db.orm.transaction(async (tx) => {
          const { id, created } = await upsertUser(tx, body.data, now());
          const { password: _password, ...summary } = body.data;
          await audit(tx, { userId: a.user.id, actor: a.user.username, ip: req.ip, action: created ? 'user.create' : 'user.update', target: id, args: summary, result: 'ok' });
          return { id, created };
        });
      },
    },
  ];
}
