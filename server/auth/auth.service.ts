import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { LoginResponse, Role } from '../../shared/sync/protocol';
import { audit } from '../audit';
import type { Database } from '../db/client';
import { sessions, users } from '../db/schema';
import { dummyPasswordHash, verifyPassword } from './passwords';
import type { LoginRateLimiter } from './rate-limit';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export type LoginOutcome =
  | { kind: 'ok'; response: LoginResponse }
  | { kind: 'invalid' }
  | { kind: 'locked'; retryAfterSeconds: number };

/** 32 random bytes, base64url: exactly 43 characters. Anything else is rejected before the DB. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly sessionMs: number,
    private readonly limiter: LoginRateLimiter,
  ) {}

  async login(username: string, password: string, ip: string): Promise<LoginOutcome> {
    const retryAfterSeconds = this.limiter.retryAfterSeconds(username, ip);
    if (retryAfterSeconds > 0) {
      await audit(this.db.orm, { actor: username, ip, action: 'auth.login', result: 'rate_limited' });
      return { kind: 'locked', retryAfterSeconds };
    }
    const [user] = await this.db.orm.select().from(users).where(eq(users.username, username));
    // Always run scrypt, so a missing user costs as much time as a wrong password.
    const ok = (await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()))) && !!user && !user.disabled;
    if (!ok || !user) {
      this.limiter.recordFailure(username, ip);
      await audit(this.db.orm, { userId: user?.id, actor: username, ip, action: 'auth.login', result: 'failed' });
      return { kind: 'invalid' };
    }
    this.limiter.recordSuccess(username, ip);
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.sessionMs);
    await this.db.orm.transaction(async (tx) => {
      await tx.delete(sessions).where(lt(sessions.expiresAt, now)); // housekeeping, cheap with the index
      await tx.insert(sessions).values({ tokenHash: tokenHash(token), userId: user.id, createdAt: now, expiresAt });
      await audit(tx, { userId: user.id, actor: user.username, ip, action: 'auth.login', result: 'ok' });
    });
    return {
      kind: 'ok',
      response: {
        token,
        expiresAt: expiresAt.toISOString(),
        user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role as Role },
      },
    };
  }

  /** The session's user, or null when the token is malformed, unknown, expired or the user disabled. */
  async authenticate(token: string): Promise<{ user: SessionUser; expiresAt: Date } | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const [row] = await this.db.orm
      .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash(token)), gt(sessions.expiresAt, this.now()), eq(users.disabled, false)));
    if (!row) return null;
    const { expiresAt, ...user } = row;
    return { user: { ...user, role: user.role as Role }, expiresAt };
  }

  async logout(token: string, user: SessionUser, ip: string): Promise<void> {
    await this.db.orm.transaction(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
      await audit(tx, { userId: user.id, actor: user.username, ip, action: 'auth.logout', result: 'ok' });
    });
  }
}
