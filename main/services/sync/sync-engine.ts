import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Entity } from '../../../shared/domain/entities';
import { COMMANDS, CommandName, optimisticPatch } from '../../../shared/sync/commands';
import { ApiError, MAX_PULL_LIMIT, MAX_PUSH_BATCH, PROTOCOL_HEADER, PROTOCOL_VERSION, PullResponse, PushResponse, type PushRequest, type Role } from '../../../shared/sync/protocol';
import type { Logger } from '../../core/dispatcher';
import type { CacheRepo } from '../../db/cache.repo';
import type { HealthReport } from '../system/health.service';
import { Backoff } from './backoff';
import { ForbiddenCommandError, InvalidCommandError, SyncRequestError } from './errors';
import { SseParser } from './sse';

export type SyncState = 'online' | 'degraded' | 'standby';
/** Stable codes for the UI to translate; `reason` is the English fallback. */
export type SyncReasonCode = 'starting' | 'ok' | 'live_down' | 'server_error' | 'slow' | 'server_unreachable' | 'session_expired' | 'no_session' | 'stopped';

export interface SyncStatus {
  state: SyncState;
  reasonCode: SyncReasonCode;
  reason: string;
  /** When this state + reasonCode began (ISO). */
  since: string;
  /** Server time of the last successful pull: what the wall shows as "as of". */
  asOf: string | null;
  /** Local time of the last answer from the server (any request, or live channel bytes). */
  lastContactAt: string | null;
  queued: number;
  rejected: number;
  cursor: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncEngineOptions {
  pullLimit: number;
  /** Fallback pull when no live notification arrives. */
  pullIntervalMs: number;
  /** Live notifications within this window become one pull (must stay well under 1 s). */
  liveCoalesceMs: number;
  requestTimeoutMs: number;
  /** A request slower than this marks the link degraded. */
  slowRequestMs: number;
  /** No bytes (not even a heartbeat) on the live channel for this long → reconnect. */
  liveIdleMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  statusDebounceMs: number;
  dataDebounceMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncEngineOptions = {
  pullLimit: MAX_PULL_LIMIT,
  pullIntervalMs: 30_000,
  liveCoalesceMs: 150,
  requestTimeoutMs: 15_000,
  slowRequestMs: 5_000,
  liveIdleMs: 45_000, // three missed 15 s pings
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  statusDebounceMs: 100,
  dataDebounceMs: 50,
};

export interface SyncEngineDeps {
  repo: CacheRepo;
  serverUrl: string;
  /** The current session token, or null when nobody is logged in. */
  getToken: () => string | null;
  /** Defaults to the id persisted in the cache (generated once). */
  clientId?: string;
  fetch?: typeof fetch;
  log?: Logger;
  now?: () => Date;
  timers?: Timers;
  random?: () => number;
  /** Called after each authenticated request that succeeded (the session store extends the 72 h window). */
  onAuthenticated?: () => void;
  options?: Partial<SyncEngineOptions>;
}

const REASONS: Record<SyncReasonCode, string> = {
  starting: 'Connecting to the server',
  ok: 'Connected, live updates on',
  live_down: 'Server reachable but live updates are down; polling',
  server_error: 'The server answers with errors',
  slow: 'The server is slow to answer',
  server_unreachable: 'Server unreachable; showing cached data',
  session_expired: 'Session expired; log in again',
  no_session: 'Not logged in',
  stopped: 'Sync stopped',
};

const STATE_OF: Record<SyncReasonCode, SyncState> = {
  starting: 'standby',
  ok: 'online',
  live_down: 'degraded',
  server_error: 'degraded',
  slow: 'degraded',
  server_unreachable: 'standby',
  session_expired: 'standby',
  no_session: 'standby',
  stopped: 'standby',
};

/** A live connection that lasted this long was healthy: its drop starts backoff from the beginning. */
const LIVE_HEALTHY_MS = 10_000;

/**
 * Keeps the local cache in step with the central server and carries operator commands to it.
 * Everything it needs arrives through the constructor (no Electron), so tests run it against a
 * real HTTP server with real SQLite. It only speaks shared/sync/protocol.ts.
 */
export class SyncEngine {
  readonly clientId: string;
  private readonly repo: CacheRepo;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly timers: Timers;
  private readonly opts: SyncEngineOptions;

  private started = false;
  private disposed = false;
  private readonly handles = new Set<unknown>();
  private readonly requests = new Set<AbortController>();

  // link facts, from which the state is derived
  private lastRequest: 'none' | 'ok' | 'slow' | 'unreachable' | 'http_error' = 'none';
  private lastError = '';
  private authExpired = false;
  private liveUp = false;
  /**
   * Set while the live channel's first attempt (since start or a new login) is in flight: the state
   * reads "starting", not "live channel interrupted", while it connects (at most requestTimeoutMs).
   */
  private liveGraceTimer: unknown = null;
  private lastContactAt: string | null = null;
  private current: { code: SyncReasonCode; reason: string; since: string };

  // push
  private pushing = false;
  private pushTimer: unknown = null;
  private readonly pushBackoff: Backoff;

  // pull
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  /** A pull is under way and its last page said more are waiting. */
  private moreToPull = false;
  private pullTimer: { handle: unknown; due: number } | null = null;
  private readonly pullBackoff: Backoff;

  // live
  private liveCtl: AbortController | null = null;
  private liveTimer: unknown = null;
  private liveIdle: unknown = null;
  private readonly liveBackoff: Backoff;

  // listeners
  private readonly statusListeners = new Set<(s: SyncStatus) => void>();
  private readonly dataListeners = new Set<(entities: Set<Entity>) => void>();
  private statusTimer: unknown = null;
  private lastEmitted = '';
  private dataTimer: unknown = null;
  private touched = new Set<Entity>();

  constructor(private readonly deps: SyncEngineDeps) {
    this.repo = deps.repo;
    this.baseUrl = deps.serverUrl.replace(/\/+$/, '');
    this.fetchImpl = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.log = deps.log ?? (() => {});
    this.now = deps.now ?? (() => new Date());
    this.timers = deps.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.opts = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
    this.clientId = deps.clientId ?? this.repo.clientId();
    const random = deps.random ?? Math.random;
    this.pushBackoff = new Backoff(this.opts.backoffBaseMs, this.opts.backoffMaxMs, random);
    this.pullBackoff = new Backoff(this.opts.backoffBaseMs, this.opts.backoffMaxMs, random);
    this.liveBackoff = new Backoff(this.opts.backoffBaseMs, this.opts.backoffMaxMs, random);
    this.current = { code: 'stopped', reason: REASONS.stopped, since: this.now().toISOString() };
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.beginLiveGrace();
    this.refreshState();
    this.connectLive();
    this.requestPull(0);
    this.kickPush();
  }

  /** After a new login: forget "session expired", reconnect at once. */
  reconnect(): void {
    if (!this.started || this.disposed) return;
    this.authExpired = false;
    this.pushBackoff.reset();
    this.pullBackoff.reset();
    this.liveBackoff.reset();
    this.beginLiveGrace();
    this.refreshState();
    this.clear(this.liveTimer);
    this.clear(this.pushTimer);
    this.pushTimer = null;
    this.connectLive();
    this.requestPull(0);
    this.kickPush();
  }

  /** Abort every request, close the live channel, clear every timer, drop listeners. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const ctl of this.requests) ctl.abort();
    this.requests.clear();
    this.liveCtl?.abort();
    this.liveCtl = null;
    for (const h of this.handles) this.timers.clearTimeout(h);
    this.handles.clear();
    this.statusListeners.clear();
    this.dataListeners.clear();
  }

  // ---- commands -----------------------------------------------------------------------------

  /**
   * Validate and queue an operator command. Returns after the outbox row and its overlay are
   * committed (synchronous=FULL: on disk), so the UI may confirm the action.
   */
  enqueue(name: string, args: unknown, actor: string, opts: { role?: Role } = {}): { mutationId: string; clientSeq: number } {
    const cmd = CommandName.safeParse(name);
    if (!cmd.success) throw new InvalidCommandError(`Unknown command: ${String(name).slice(0, 64)}`);
    const parsed = COMMANDS[cmd.data].args.safeParse(args);
    if (!parsed.success) {
      throw new InvalidCommandError(
        `Invalid arguments for ${cmd.data}`,
        parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(args)', message: i.message })),
      );
    }
    if (opts.role && !COMMANDS[cmd.data].roles.includes(opts.role)) throw new ForbiddenCommandError(`Role ${opts.role} may not send ${cmd.data}`);
    const item = this.queue(cmd.data, parsed.data, actor);
    return { mutationId: item.mutationId, clientSeq: item.clientSeq };
  }

  /** Send a rejected command again as a NEW mutation (new id, new client_seq). */
  retryRejected(mutationId: string, currentActor = ''): { mutationId: string; clientSeq: number } | null {
    const old = this.repo.getRejected(mutationId);
    if (!old) return null;
    const actor = old.actor || currentActor;
    const createdAt = this.now().toISOString();
    const item = this.repo.requeueRejected(mutationId, {
      mutationId: randomUUID(),
      name: old.name,
      args: old.args,
      createdAt,
      actor,
      patches: optimisticPatch(old.name, old.args, actor, createdAt),
    });
    if (!item) return null;
    this.afterQueue(item.mutationId);
    return { mutationId: item.mutationId, clientSeq: item.clientSeq };
  }

  discardRejected(mutationId: string): boolean {
    const gone = this.repo.discardRejected(mutationId);
    if (gone) this.emitStatusSoon();
    return gone;
  }

  private queue(name: CommandName, args: unknown, actor: string) {
    const createdAt = this.now().toISOString();
    const item = this.repo.addMutation({ mutationId: randomUUID(), name, args, createdAt, actor, patches: optimisticPatch(name, args, actor, createdAt) });
    this.afterQueue(item.mutationId);
    return item;
  }

  private afterQueue(mutationId: string): void {
    this.touch(this.repo.overlayEntities(mutationId));
    this.emitStatusSoon();
    this.kickPush();
  }

  // ---- status -------------------------------------------------------------------------------

  status(): SyncStatus {
    const meta = this.repo.meta();
    return {
      state: STATE_OF[this.current.code],
      reasonCode: this.current.code,
      reason: this.current.reason,
      since: this.current.since,
      asOf: meta.asOf,
      lastContactAt: this.lastContactAt,
      queued: this.repo.outboxCount(),
      rejected: this.repo.rejectedCount(),
      cursor: meta.cursor,
    };
  }

  onStatus(listener: (s: SyncStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Fired (coalesced) when cached rows or overlays changed, with the entities touched. */
  onData(listener: (entities: Set<Entity>) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  healthReport(): HealthReport {
    if (!this.started || this.disposed) return { state: 'idle', detail: REASONS.stopped };
    const s = this.status();
    const state = s.state === 'online' ? 'ok' : s.state === 'degraded' ? 'degraded' : 'down';
    return { state, detail: `${s.reason}; ${s.queued} queued, ${s.rejected} rejected; as of ${s.asOf ?? 'never'}` };
  }

  private derive(): { code: SyncReasonCode; reason: string } {
    const code: SyncReasonCode = !this.started
      ? 'stopped'
      : this.authExpired
        ? 'session_expired'
        : !this.deps.getToken()
          ? 'no_session'
          : this.lastRequest === 'unreachable'
            ? 'server_unreachable'
            : !this.liveUp && (this.lastRequest === 'none' || (this.liveGraceTimer !== null && this.lastRequest === 'ok'))
              ? 'starting'
              : this.lastRequest === 'http_error'
                ? 'server_error'
                : !this.liveUp
                  ? 'live_down'
                  : this.lastRequest === 'slow'
                    ? 'slow'
                    : 'ok';
    const detail = code === 'server_unreachable' || code === 'server_error' || code === 'slow' ? this.lastError : '';
    return { code, reason: detail ? `${REASONS[code]} (${detail})` : REASONS[code] };
  }

  private refreshState(): void {
    const next = this.derive();
    if (next.code !== this.current.code) {
      this.log(next.code === 'ok' ? 'info' : 'warn', 'sync state changed', { from: this.current.code, to: next.code, reason: next.reason });
      this.current = { ...next, since: this.now().toISOString() };
    } else {
      this.current.reason = next.reason;
    }
    this.emitStatusSoon();
  }

  private emitStatusSoon(): void {
    if (this.disposed || this.statusTimer !== null || !this.statusListeners.size) return;
    this.statusTimer = this.later(() => {
      this.statusTimer = null;
      const s = this.status();
      const key = JSON.stringify(s);
      if (key === this.lastEmitted) return;
      this.lastEmitted = key;
      for (const l of [...this.statusListeners]) l(s);
    }, this.opts.statusDebounceMs);
  }

  private touch(entities: Iterable<Entity>): void {
    for (const e of entities) this.touched.add(e);
    if (this.disposed || !this.touched.size || this.dataTimer !== null) return;
    this.dataTimer = this.later(() => {
      this.dataTimer = null;
      const batch = this.touched;
      this.touched = new Set();
      for (const l of [...this.dataListeners]) l(batch);
    }, this.opts.dataDebounceMs);
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  /** One authenticated JSON request; records what it tells about the link, throws SyncRequestError. */
  private async call<T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    if (this.disposed) throw new SyncRequestError('disposed', 'disposed');
    const token = this.deps.getToken();
    if (!token) {
      this.refreshState();
      throw new SyncRequestError('no_session', 'not logged in');
    }
    const ctl = new AbortController();
    this.requests.add(ctl);
    const timeout = this.later(() => ctl.abort(new Error(`timeout after ${this.opts.requestTimeoutMs} ms`)), this.opts.requestTimeoutMs);
    const t0 = Date.now();
    try {
      let res: Response;
      let text: string;
      try {
        res = await this.fetchImpl(this.baseUrl + path, {
          method,
          headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: ctl.signal,
        });
        text = await res.text();
      } catch (err) {
        if (this.disposed) throw new SyncRequestError('disposed', 'disposed');
        const why = ctl.signal.aborted ? String((ctl.signal.reason as Error)?.message ?? 'aborted') : describeNetworkError(err);
        this.note('unreachable', why);
        throw new SyncRequestError('unreachable', why);
      }
      this.lastContactAt = this.now().toISOString();
      if (res.status === 401) {
        this.authExpired = true;
        this.refreshState();
        throw new SyncRequestError('session_expired', 'session expired', 401);
      }
      if (!res.ok) {
        const why = `HTTP ${res.status}${apiMessage(text)}`;
        this.note('http_error', why);
        throw new SyncRequestError('http', why, res.status);
      }
      const parsed = schema.safeParse(safeJson(text));
      if (!parsed.success) {
        this.note('http_error', `unexpected answer to ${path.split('?')[0]}`);
        throw new SyncRequestError('protocol', `unexpected answer to ${path}`);
      }
      const ms = Date.now() - t0;
      if (ms > this.opts.slowRequestMs) this.note('slow', `${ms} ms`);
      else this.note('ok', '');
      this.deps.onAuthenticated?.();
      return parsed.data;
    } finally {
      this.clear(timeout);
      this.requests.delete(ctl);
    }
  }

  private note(result: SyncEngine['lastRequest'], error: string): void {
    const wasFailing = this.lastRequest === 'unreachable' || this.lastRequest === 'http_error';
    this.lastRequest = result;
    this.lastError = error;
    // Only a request that got through proves the token works again.
    if (result === 'ok' || result === 'slow') this.authExpired = false;
    this.refreshState();
    if (wasFailing && (result === 'ok' || result === 'slow')) this.linkBack();
  }

  /**
   * A request got through after failures: the link is back. Queued actions waiting out the push's
   * backoff (up to 30 s after a long outage) go now, so the room catches up as soon as it can.
   */
  private linkBack(): void {
    if (this.pushTimer === null || this.authExpired) return;
    this.clear(this.pushTimer);
    this.pushTimer = null;
    this.pushBackoff.reset();
    this.kickPush();
  }

  // ---- push ---------------------------------------------------------------------------------

  private kickPush(): void {
    if (!this.started || this.disposed || this.pushing || this.pushTimer !== null) return;
    void this.pushLoop();
  }

  private schedulePush(delayMs: number): void {
    this.clear(this.pushTimer);
    this.pushTimer = this.later(() => {
      this.pushTimer = null;
      this.kickPush();
    }, delayMs);
  }

  /** Send the outbox oldest first, one batch at a time, until it is empty or the link fails. */
  private async pushLoop(): Promise<void> {
    this.pushing = true;
    try {
      while (!this.disposed && !this.authExpired) {
        const batch = this.repo.outboxBatch(MAX_PUSH_BATCH);
        if (!batch.length) return;
        const ids = batch.map((b) => b.mutationId);
        this.repo.markInflight(ids);
        const request: PushRequest = {
          protocol: PROTOCOL_VERSION,
          clientId: this.clientId,
          // Same id on every resend: the server's (clientId, id) dedup is what makes it exactly-once.
          mutations: batch.map((b) => ({ id: b.mutationId, clientSeq: b.clientSeq, name: b.name, args: b.args, createdAt: b.createdAt })),
        };
        let res: PushResponse;
        try {
          res = await this.call('POST', '/api/v1/sync/push', request, PushResponse);
        } catch (err) {
          if (this.disposed) return;
          const e = err as SyncRequestError;
          const delay = this.pushBackoff.next();
          this.repo.markRetry(ids, e.message, this.now().getTime() + delay);
          if (e.kind !== 'session_expired' && e.kind !== 'no_session') this.schedulePush(delay);
          this.log('warn', 'push failed', { error: e.message, queued: ids.length, retryInMs: delay });
          return;
        }
        if (this.disposed) return; // the owner may close the DB right after dispose()
        const delay = this.pushBackoff.next();
        const outcome = this.repo.settle(ids, res.results, this.now().toISOString(), this.now().getTime() + delay);
        if (outcome.rejected.length) this.log('warn', 'commands rejected by the server', { ids: outcome.rejected });
        this.touch(outcome.entities);
        this.emitStatusSoon();
        // The applied rows come back through the change log.
        if (outcome.applied.length) this.requestPull(0);
        if (outcome.retry.length) {
          this.schedulePush(delay);
          return;
        }
        this.pushBackoff.reset();
      }
    } catch (err) {
      // A local failure (e.g. SQLite busy or I/O): nothing was lost, try again later.
      if (this.disposed) return;
      this.log('error', 'push loop failed', { error: (err as Error).message });
      this.schedulePush(this.pushBackoff.next());
    } finally {
      this.pushing = false;
    }
  }

  // ---- pull ---------------------------------------------------------------------------------

  /** Ask for a pull in `delayMs` (coalesced with any pull already due sooner or running). */
  requestPull(delayMs: number): void {
    if (!this.started || this.disposed) return;
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    const due = Date.now() + delayMs;
    if (this.pullTimer && this.pullTimer.due <= due) return;
    this.clear(this.pullTimer?.handle);
    this.pullTimer = {
      due,
      handle: this.later(() => {
        this.pullTimer = null;
        void this.pullNow();
      }, delayMs),
    };
  }

  /** Pull every page available now; resolves when done (or failed: the state tells). */
  pullNow(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.pulling) {
      this.pullAgain = true;
      return this.pulling;
    }
    this.clear(this.pullTimer?.handle);
    this.pullTimer = null;
    this.pulling = this.pullPages().then((next) => {
      this.pulling = null;
      // A live notification during the pull may concern changes after its last page.
      if (this.pullAgain) next = 0;
      this.pullAgain = false;
      if (next !== null) this.requestPull(next);
    });
    return this.pulling;
  }

  /**
   * Pull until caught up; returns when to pull next (null: not until reconnect()). The next page is
   * requested before the current one is written: the server reads it while SQLite writes this one
   * (an initial sync of 100k rows spent ~4 s waiting on the server between pages). A page that
   * fails to apply leaves the cursor where it was, and the early request's answer is dropped.
   */
  private async pullPages(): Promise<number | null> {
    try {
      let since = this.repo.cursor();
      let next = this.pullPage(since);
      for (;;) {
        const page = await next;
        if (this.disposed) return null;
        // hasMore without progress would loop forever on a misbehaving server.
        const more = page.hasMore && page.cursor > since;
        if (more) {
          next = this.pullPage(page.cursor);
          next.catch(() => {}); // awaited (and its failure handled) on the next turn, if there is one
        }
        const { entities } = this.repo.applyPage(page.changes, page.cursor, page.serverTime, this.now().toISOString());
        this.moreToPull = more;
        this.touch(entities);
        this.emitStatusSoon();
        if (!more) break;
        since = page.cursor;
      }
      this.pullBackoff.reset();
      return this.opts.pullIntervalMs;
    } catch (err) {
      this.moreToPull = false;
      const kind = err instanceof SyncRequestError ? err.kind : 'protocol';
      if (this.disposed || kind === 'session_expired' || kind === 'no_session' || kind === 'disposed') return null;
      if (!(err instanceof SyncRequestError)) this.log('error', 'pull failed', { error: (err as Error).message });
      return Math.min(this.opts.pullIntervalMs, this.pullBackoff.next());
    }
  }

  /**
   * True while a pull is part-way through the change log (the last page said more are waiting),
   * e.g. during an initial sync. Work that depends on the whole batch can wait for the end.
   */
  catchingUp(): boolean {
    return this.moreToPull && !this.disposed;
  }

  private pullPage(since: number): Promise<PullResponse> {
    return this.call('GET', `/api/v1/sync/pull?since=${since}&limit=${this.opts.pullLimit}`, undefined, PullResponse);
  }

  // ---- live channel -------------------------------------------------------------------------

  private beginLiveGrace(): void {
    this.clear(this.liveGraceTimer);
    this.liveGraceTimer = this.later(() => this.endLiveGrace(), this.opts.requestTimeoutMs);
  }

  private endLiveGrace(): void {
    if (this.liveGraceTimer === null) return;
    this.clear(this.liveGraceTimer);
    this.liveGraceTimer = null;
    this.refreshState();
  }

  private connectLive(): void {
    if (this.disposed || this.liveCtl || this.authExpired || !this.deps.getToken()) return;
    const ctl = new AbortController();
    this.liveCtl = ctl;
    const opened = Date.now();
    void this.readLive(ctl).finally(() => {
      if (this.liveCtl === ctl) this.liveCtl = null;
      this.clear(this.liveIdle);
      const wasUp = this.liveUp;
      this.liveUp = false;
      if (this.disposed) return;
      this.endLiveGrace();
      this.refreshState();
      if (wasUp) {
        // Catch up on what the dropped channel may have missed, and learn whether the server is still there.
        this.requestPull(0);
        if (Date.now() - opened > LIVE_HEALTHY_MS) this.liveBackoff.reset();
      }
      if (!this.authExpired) {
        this.liveTimer = this.later(() => {
          this.liveTimer = null;
          this.connectLive();
        }, this.liveBackoff.next());
      }
    });
  }

  private async readLive(ctl: AbortController): Promise<void> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}/api/v1/sync/live`, {
        headers: { authorization: `Bearer ${this.deps.getToken()}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), accept: 'text/event-stream' },
        signal: ctl.signal,
      });
    } catch (err) {
      if (!this.disposed && !ctl.signal.aborted) this.note('unreachable', describeNetworkError(err));
      return;
    }
    this.lastContactAt = this.now().toISOString();
    if (res.status === 401 || !res.ok || !res.body) {
      await res.body?.cancel().catch(() => {});
      if (res.status === 401) {
        this.authExpired = true;
        this.refreshState();
      } else this.log('warn', 'live channel refused', { status: res.status });
      return;
    }
    this.liveUp = true;
    this.endLiveGrace();
    this.refreshState();
    this.requestPull(0);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const armIdle = () => {
      this.clear(this.liveIdle);
      this.liveIdle = this.later(() => ctl.abort(new Error('live channel silent')), this.opts.liveIdleMs);
    };
    armIdle();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        armIdle();
        this.lastContactAt = this.now().toISOString();
        for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (ev.event === 'changed') this.requestPull(this.opts.liveCoalesceMs);
        }
      }
    } catch {
      // aborted (dispose, idle watchdog) or the connection dropped: connectLive() decides what next
    }
  }

  // ---- timers -------------------------------------------------------------------------------

  /** setTimeout that dispose() can find again. */
  private later(fn: () => void, ms: number): unknown {
    const h = this.timers.setTimeout(() => {
      this.handles.delete(h);
      if (!this.disposed) fn();
    }, ms);
    this.handles.add(h);
    return h;
  }

  private clear(h: unknown): void {
    if (h === null || h === undefined) return;
    this.timers.clearTimeout(h);
    this.handles.delete(h);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function apiMessage(text: string): string {
  const e = ApiError.safeParse(safeJson(text));
  return e.success ? `: ${e.data.error.code}` : '';
}

/** fetch() hides the useful part ("ECONNREFUSED") in err.cause. */
function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}
