import { eq } from 'drizzle-orm';
import { LoginRequest, LoginResponse, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../shared/sync/protocol';
import type { CacheDb } from '../../db/open';
import { session } from '../../db/schema';
import { LoginError } from './errors';

/**
 * How long a saved session lets the room start without the server. Long enough for a weekend
 * outage of the district link, short enough that a lost or stolen machine stops showing data.
 */
export const STANDBY_SESSION_MAX_HOURS = 72;
/** Re-validating the session rewrites its row; more often than this is churn. */
const VALIDATE_WRITE_EVERY_MS = 10 * 60_000;

export interface StoredSession {
  serverUrl: string;
  token: string;
  expiresAt: string;
  user: LoginResponse['user'];
  /** Saved, or last validated by a successful request. */
  savedAt: string;
}

/** Optional at-rest protection for the token (main/electron plugs safeStorage in here). */
export interface TokenCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export type SessionCheck =
  | { kind: 'ok'; session: StoredSession; /** Standby start allowed until (ISO). */ standbyUntil: string }
  | { kind: 'needs_login'; reason: 'none' | 'too_old' | 'unreadable' };

/** The one saved login, in the cache DB's `session` table. */
export class SessionStore {
  private readonly now: () => Date;
  private readonly cipher: TokenCipher;

  constructor(
    private readonly db: CacheDb,
    opts: { now?: () => Date; cipher?: TokenCipher } = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.cipher = opts.cipher ?? { encrypt: (s) => s, decrypt: (s) => s };
  }

  save(serverUrl: string, login: LoginResponse): StoredSession {
    const s: StoredSession = { serverUrl, token: login.token, expiresAt: login.expiresAt, user: login.user, savedAt: this.now().toISOString() };
    const row = { id: 1, serverUrl, token: this.cipher.encrypt(s.token), expiresAt: s.expiresAt, user: JSON.stringify(s.user), savedAt: s.savedAt };
    this.db.orm.insert(session).values(row).onConflictDoUpdate({ target: session.id, set: row }).run();
    return s;
  }

  load(): StoredSession | null {
    const row = this.db.orm.select().from(session).where(eq(session.id, 1)).get();
    if (!row) return null;
    const user = LoginResponse.shape.user.safeParse(safeJson(row.user));
    if (!user.success) return null;
    return { serverUrl: row.serverUrl, token: this.cipher.decrypt(row.token), expiresAt: row.expiresAt, user: user.data, savedAt: row.savedAt };
  }

  /** May the room start (in standby if need be) with the saved session? */
  check(): SessionCheck {
    let s: StoredSession | null;
    try {
      s = this.load();
    } catch {
      return { kind: 'needs_login', reason: 'unreadable' }; // e.g. the OS keychain changed
    }
    if (!s) return { kind: 'needs_login', reason: 'none' };
    const until = Date.parse(s.savedAt) + STANDBY_SESSION_MAX_HOURS * 3600_000;
    if (!(this.now().getTime() <= until)) return { kind: 'needs_login', reason: 'too_old' };
    return { kind: 'ok', session: s, standbyUntil: new Date(until).toISOString() };
  }

  /** The server accepted the token just now: the 72 h standby window starts again. */
  markValidated(): void {
    const row = this.db.orm.select({ savedAt: session.savedAt }).from(session).where(eq(session.id, 1)).get();
    const now = this.now();
    if (!row || now.getTime() - Date.parse(row.savedAt) < VALIDATE_WRITE_EVERY_MS) return;
    this.db.orm.update(session).set({ savedAt: now.toISOString() }).where(eq(session.id, 1)).run();
  }

  /** Logout, or the server said the session is gone. */
  clear(): void {
    this.db.orm.delete(session).run();
  }

  /** For SyncEngine's getToken. */
  token(): string | null {
    try {
      return this.load()?.token ?? null;
    } catch {
      return null;
    }
  }
}

/** POST /api/v1/auth/login, with failures the login screen can tell apart. */
export async function login(
  serverUrl: string,
  username: string,
  password: string,
  fetchImpl: typeof fetch = (i, init) => globalThis.fetch(i, init),
  opts: { timeoutMs?: number } = {},
): Promise<LoginResponse> {
  const body = LoginRequest.safeParse({ username, password });
  if (!body.success) throw new LoginError('invalid_input', 'Username and password are required');
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(`${serverUrl.replace(/\/+$/, '')}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
      body: JSON.stringify(body.data),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    text = await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new LoginError('unreachable', `Server unreachable (${cause})`);
  }
  if (res.status === 401 || res.status === 403) throw new LoginError('bad_credentials', 'Wrong username or password');
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    throw new LoginError('rate_limited', 'Too many attempts; wait and try again', Number.isFinite(after) && after > 0 ? after : undefined);
  }
  if (!res.ok) throw new LoginError('server_error', `Server error (HTTP ${res.status})`);
  const parsed = LoginResponse.safeParse(safeJson(text));
  if (!parsed.success) throw new LoginError('invalid_response', 'Unexpected answer from the server');
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
