import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Entity } from '../../../shared/domain/entities';
import { ENTITIES } from '../../../shared/domain/entities';
import { digestLines } from '../../../shared/sync/canonical';
import { COMMANDS } from '../../../shared/sync/commands';
import {
  type Change,
  LoginRequest,
  type LoginResponse,
  MAX_PULL_LIMIT,
  type MutationResult,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PushRequest,
  type Role,
} from '../../../shared/sync/protocol';

/**
 * A small but faithful sync server for tests (NOT the real one in server/): in-memory change log,
 * idempotent push by (clientId, mutation id), SSE live channel, login. Knobs simulate the failures
 * the engine must survive; counters let tests prove exactly-once.
 */

interface User {
  id: string;
  username: string;
  password: string;
  displayName: string;
  role: Role;
}

export interface FakeServerKnobs {
  /** Answer pushes with this HTTP status (e.g. 503) instead of processing them. */
  failPush: number | null;
  failPull: number | null;
  /** Apply the next push, then drop the connection without answering (a lost response). */
  dropNextPushResponse: boolean;
  /** Answer the next N mutations with retry (and the rest of their batch too, as the protocol says). */
  retryNext: number;
  /** Make login answer 429. */
  loginRateLimited: boolean;
  /** Delay before answering pull/push, ms. */
  delayMs: number;
  /** Extra delay before the live channel answers, ms (a slow connect). */
  liveDelayMs: number;
  /** Answer the live channel with this status instead of opening it. */
  failLive: number | null;
}

export class FakeSyncServer {
  readonly log: Change[] = [];
  readonly rows = new Map<string, Record<string, unknown>>();
  /** mutation id → how many times its effect was applied (exactly-once ⇒ always 1). */
  readonly effects = new Map<string, number>();
  readonly pushes: PushRequest[] = [];
  readonly knobs: FakeServerKnobs = { failPush: null, failPull: null, dropNextPushResponse: false, retryNext: 0, loginRateLimited: false, delayMs: 0, liveDelayMs: 0, failLive: null };
  readonly tokens = new Map<string, User>();
  readonly users: User[] = [{ id: 'u1', username: 'op1', password: 'secret', displayName: 'Trực ban 1', role: 'operator' }];
  /** Requests to each path (pull, push, live, login). */
  readonly hits = new Map<string, number>();

  private readonly done = new Map<string, MutationResult>();
  private readonly sse = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private notifyTimer: NodeJS.Timeout | null = null;
  private port = 0;
  private inFlight = 0;

  private constructor(private readonly opts: { pingMs: number; notifyCoalesceMs: number }) {}

  static async start(opts: { pingMs?: number; notifyCoalesceMs?: number; port?: number } = {}): Promise<FakeSyncServer> {
    const s = new FakeSyncServer({ pingMs: opts.pingMs ?? 15_000, notifyCoalesceMs: opts.notifyCoalesceMs ?? 50 });
    s.port = opts.port ?? 0;
    await s.listen();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A token as if `op1` had logged in. */
  issueToken(username = 'op1'): string {
    const token = randomUUID();
    this.tokens.set(token, this.users.find((u) => u.username === username)!);
    return token;
  }

  openLiveConnections(): number {
    return this.sse.size;
  }

  /** Requests received and not yet answered or abandoned (the live channel counts while open). */
  activeRequests(): number {
    return this.inFlight;
  }

  openSockets(): number {
    return this.sockets.size;
  }

  /** Simulate the server dying: every connection cut, port closed. */
  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    for (const res of this.sse) res.destroy();
    this.sse.clear();
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = null;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }

  /** Back on the same port with the same data. */
  async restart(): Promise<void> {
    await this.listen();
  }

  // ---- data ---------------------------------------------------------------------------------

  upsert(entity: Entity, row: Record<string, unknown> & { id: string }): number {
    this.rows.set(`${entity}\u0000${row.id}`, row);
    return this.append({ entity, id: row.id, op: 'upsert', data: row });
  }

  remove(entity: Entity, id: string): number {
    this.rows.delete(`${entity}\u0000${id}`);
    return this.append({ entity, id, op: 'delete', data: null });
  }

  row(entity: Entity, id: string): Record<string, unknown> | undefined {
    return this.rows.get(`${entity}\u0000${id}`);
  }

  digest(): Record<Entity, { count: number; sha256: string }> {
    const out = {} as Record<Entity, { count: number; sha256: string }>;
    for (const e of ENTITIES) {
      const rows = [...this.rows.entries()].filter(([k]) => k.startsWith(`${e}\u0000`)).map(([, data]) => ({ id: String(data.id), data }));
      out[e] = { count: rows.length, sha256: createHash('sha256').update(digestLines(rows)).digest('hex') };
    }
    return out;
  }

  private append(c: Omit<Change, 'seq'>): number {
    const seq = this.log.length + 1;
    this.log.push({ seq, ...c });
    this.scheduleNotify();
    return seq;
  }

  private scheduleNotify(): void {
    if (this.notifyTimer || !this.server) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      for (const res of this.sse) res.write(`event: changed\ndata: ${JSON.stringify({ seq: this.log.length })}\n\n`);
    }, this.opts.notifyCoalesceMs);
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.inFlight++;
    res.on('close', () => this.inFlight--);
    this.hits.set(url.pathname, (this.hits.get(url.pathname) ?? 0) + 1);
    const body = await readBody(req);
    if (this.knobs.delayMs) await new Promise((r) => setTimeout(r, this.knobs.delayMs));

    if (req.method === 'POST' && url.pathname === '/api/v1/auth/login') return this.login(body, res);
    if (req.headers[PROTOCOL_HEADER] !== String(PROTOCOL_VERSION)) return error(res, 400, 'protocol', 'X-IOC-Protocol: 1 required');
    const user = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return error(res, 401, 'unauthorized', 'session expired or invalid');

    if (req.method === 'GET' && url.pathname === '/api/v1/sync/pull') {
      if (this.knobs.failPull) return error(res, this.knobs.failPull, 'unavailable', 'pull failing');
      const since = Number(url.searchParams.get('since') ?? 0);
      const limit = Math.min(MAX_PULL_LIMIT, Math.max(1, Number(url.searchParams.get('limit') ?? MAX_PULL_LIMIT)));
      const changes = this.log.filter((c) => c.seq > since).slice(0, limit);
      const cursor = changes.length ? changes[changes.length - 1].seq : since;
      return json(res, 200, { protocol: PROTOCOL_VERSION, changes, cursor, hasMore: cursor < this.log.length, serverTime: new Date().toISOString() });
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/sync/live') {
      if (this.knobs.liveDelayMs) await new Promise((r) => setTimeout(r, this.knobs.liveDelayMs));
      if (this.knobs.failLive) return error(res, this.knobs.failLive, 'unavailable', 'live channel failing');
      return this.live(res);
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/sync/push') {
      if (this.knobs.failPush) return error(res, this.knobs.failPush, 'unavailable', 'push failing');
      const parsed = PushRequest.safeParse(safeJson(body));
      if (!parsed.success) return error(res, 400, 'invalid_request', parsed.error.message);
      this.pushes.push(parsed.data);
      const results = this.push(parsed.data, user);
      if (this.knobs.dropNextPushResponse) {
        this.knobs.dropNextPushResponse = false;
        req.socket.destroy();
        return;
      }
      return json(res, 200, { protocol: PROTOCOL_VERSION, results });
    }
    return error(res, 404, 'not_found', 'no such endpoint');
  }

  private live(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    this.sse.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), this.opts.pingMs);
    res.on('close', () => {
      clearInterval(ping);
      this.sse.delete(res);
    });
  }

  private login(body: string, res: ServerResponse): void {
    if (this.knobs.loginRateLimited) {
      res.setHeader('retry-after', '30');
      return error(res, 429, 'rate_limited', 'too many attempts');
    }
    const req = LoginRequest.safeParse(safeJson(body));
    const user = req.success && this.users.find((u) => u.username === req.data.username && u.password === req.data.password);
    if (!user) return error(res, 401, 'bad_credentials', 'wrong username or password');
    const token = this.issueToken(user.username);
    const out: LoginResponse = {
      token,
      expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
    };
    json(res, 200, out);
  }

  // ---- commands -----------------------------------------------------------------------------

  private push(req: PushRequest, user: User): MutationResult[] {
    let retrying = false;
    return req.mutations.map((m): MutationResult => {
      const key = `${req.clientId}:${m.id}`;
      const before = this.done.get(key);
      if (before) return before.status === 'applied' ? { ...before, duplicate: true } : before;
      if (retrying || this.knobs.retryNext > 0) {
        retrying = true;
        if (this.knobs.retryNext > 0) this.knobs.retryNext--;
        return { id: m.id, status: 'retry', reason: 'busy' };
      }
      const result = this.apply(m.id, m.name, m.args, user);
      this.done.set(key, result);
      return result;
    });
  }

  private apply(id: string, name: keyof typeof COMMANDS, rawArgs: unknown, user: User): MutationResult {
    const reject = (code: string, reason: string): MutationResult => ({ id, status: 'rejected', code, reason });
    const args = COMMANDS[name].args.safeParse(rawArgs);
    if (!args.success) return reject('invalid_args', 'arguments do not match the command');
    if (!COMMANDS[name].roles.includes(user.role)) return reject('forbidden', `role ${user.role} may not ${name}`);
    const now = new Date().toISOString();
    const a = args.data as Record<string, string>;
    const target = name === 'alert.acknowledge' ? this.row('alert', a.alertId) : this.row('feedback_case', a.caseId);
    if (!target) return reject('not_found', `${name.startsWith('alert') ? 'alert' : 'case'} not found`);
    let seq: number;
    switch (name) {
      case 'alert.acknowledge':
        if (target.acknowledgedAt) return reject('conflict', 'already acknowledged');
        seq = this.upsert('alert', { ...target, id: a.alertId, acknowledgedAt: now, acknowledgedBy: user.username, note: a.note ?? null });
        break;
      case 'case.assign':
        seq = this.upsert('feedback_case', { ...target, id: a.caseId, agencyId: a.agencyId, status: 'assigned', updatedAt: now });
        break;
      case 'case.setStatus':
        if (target.status === 'closed') return reject('conflict', 'case is closed');
        seq = this.upsert('feedback_case', { ...target, id: a.caseId, status: a.status, updatedAt: now });
        break;
      case 'case.addNote':
        this.upsert('case_event', { id: `ev-${id}`, caseId: a.caseId, at: now, actor: user.username, action: 'note', text: a.text });
        seq = this.upsert('feedback_case', { ...target, id: a.caseId, noteCount: Number(target.noteCount ?? 0) + 1, updatedAt: now });
        break;
      default:
        // The other workflow commands are the real server's business (server/sync/commands).
        return reject('unsupported', `the test server does not implement ${name}`);
    }
    this.effects.set(id, (this.effects.get(id) ?? 0) + 1);
    return { id, status: 'applied', duplicate: false, seq };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', () => resolve(s));
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { error: { code, message } });
}

/** Rows the demo district has, in the shapes of shared/domain/entities.ts. */
export function seedAlert(id: string, extra: Record<string, unknown> = {}) {
  return { id, kind: 'water_level', severity: 'warning', title: `Mực nước sông Trường ${id}`, unitId: null, raisedAt: '2026-01-01T07:00:00+07:00', acknowledgedAt: null, acknowledgedBy: null, note: null, ...extra };
}

export function seedCase(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    title: `Phản ánh ${id}`,
    description: 'Đường vào thôn bị sạt lở',
    category: 'roads',
    status: 'received',
    level: 'normal',
    unitId: null,
    location: null,
    address: null,
    agencyId: null,
    receivedAt: '2026-01-01T07:00:00+07:00',
    updatedAt: '2026-01-01T07:00:00+07:00',
    noteCount: 0,
    ...extra,
  };
}
