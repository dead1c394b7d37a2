import { join } from 'node:path';
import type { z } from 'zod';
import { IocError } from '../../../shared/contracts/rpc';
import type { AlertItem, DataSummary, RejectedCommand, SyncStatus } from '../../../shared/contracts';
import { dataContract } from '../../../shared/contracts/data.contract';
import { syncContract } from '../../../shared/contracts/sync.contract';
import { Alert, Camera } from '../../../shared/domain/entities';
import { CacheRepo } from '../../db/cache.repo';
import { CacheCorruptError, moveCorruptAside, openCacheDb, type CacheDb } from '../../db/open';
import type { Logger } from '../../core/dispatcher';
import type { EventBus } from '../../core/events';
import type { HealthReport } from '../system/health.service';
import { ForbiddenCommandError, InvalidCommandError, LoginError } from '../sync/errors';
import { SessionStore, login, type TokenCipher } from '../sync/session';
import { SyncEngine, type SyncEngineOptions } from '../sync/sync-engine';
import { EmbeddedServer } from './embedded-server';

export interface CentralOptions {
  dataDir: string;
  /** A configured central server; null → start the embedded one (demo / single room). */
  serverUrl: string | null;
  /** How to run the embedded server (ignored when serverUrl is set). */
  embedded?: { entry: string; nodePath: string; env?: Record<string, string>; simulate?: boolean };
  bus: EventBus;
  log: Logger;
  cipher?: TokenCipher;
  now?: () => Date;
  syncOptions?: Partial<SyncEngineOptions>;
}

/**
 * The desktop's link to the central server: the local cache, the saved session, the sync engine
 * and (by default) the embedded server. Publishes `sync:status` and `data:changed`.
 */
export class CentralService {
  private db: CacheDb | null = null;
  private repo: CacheRepo | null = null;
  private session: SessionStore | null = null;
  private engine: SyncEngine | null = null;
  private embedded: EmbeddedServer | null = null;
  private serverUrl: string | null;
  private startError: string | null = null;
  /** Until start() has settled, "no engine" means "starting", not "log in". */
  private starting = true;
  private offEngine: Array<() => void> = [];
  private readonly now: () => Date;

  constructor(private readonly opts: CentralOptions) {
    this.serverUrl = opts.serverUrl;
    this.now = opts.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    this.openCache();
    if (!this.serverUrl && this.opts.embedded) {
      this.embedded = new EmbeddedServer({ ...this.opts.embedded, dataDir: join(this.opts.dataDir, 'embedded'), log: this.opts.log });
      try {
        this.serverUrl = await this.embedded.start();
        const creds = this.embedded.credentials();
        const res = await login(this.serverUrl, creds.username, creds.password);
        this.session!.save(this.serverUrl, res);
      } catch (err) {
        this.startError = (err as Error).message;
        this.opts.log('error', 'embedded server failed', { error: this.startError });
      }
    }
    const check = this.session!.check();
    if (check.kind === 'ok') {
      // A saved session for another server is not ours.
      if (this.serverUrl && check.session.serverUrl !== this.serverUrl) this.session!.clear();
      else {
        this.serverUrl ??= check.session.serverUrl;
        this.startEngine();
      }
    }
    this.starting = false;
    this.publishStatus();
  }

  // ---- contract: sync -------------------------------------------------------------------------

  status(): SyncStatus {
    const user = this.session?.load()?.user ?? null;
    const base = this.engine?.status();
    const needsLogin = !this.engine && !this.starting && !this.embedded;
    return {
      state: base?.state ?? 'standby',
      reasonCode: base?.reasonCode ?? (this.starting ? 'starting' : this.startError ? 'server_unreachable' : 'not_logged_in'),
      reason: base?.reason ?? this.startError ?? 'Not logged in',
      since: base?.since ?? this.now().toISOString(),
      asOf: base?.asOf ?? this.repo?.meta().asOf ?? null,
      lastContactAt: base?.lastContactAt ?? null,
      queued: base?.queued ?? this.repo?.outboxCount() ?? 0,
      rejected: base?.rejected ?? this.repo?.rejectedCount() ?? 0,
      serverUrl: this.serverUrl,
      embedded: this.embedded !== null,
      user: user ? { username: user.username, displayName: user.displayName, role: user.role } : null,
      needsLogin,
    };
  }

  async login(username: string, password: string): Promise<SyncStatus> {
    if (!this.serverUrl) throw new IocError('unavailable', 'No central server is configured');
    try {
      const res = await login(this.serverUrl, username, password);
      this.session!.save(this.serverUrl, res);
    } catch (err) {
      if (err instanceof LoginError) throw new IocError(err.code === 'bad_credentials' ? 'unauthorized' : 'unavailable', err.message);
      throw err;
    }
    if (this.engine) this.engine.reconnect();
    else this.startEngine();
    this.publishStatus();
    return this.status();
  }

  logout(): SyncStatus {
    this.session?.clear();
    this.stopEngine();
    this.publishStatus();
    return this.status();
  }

  listRejected(): RejectedCommand[] {
    return (this.repo?.listRejected() ?? []).map((r) => ({
      mutationId: r.mutationId,
      name: r.name,
      args: r.args,
      createdAt: r.createdAt,
      code: r.code,
      reason: r.reason,
      rejectedAt: r.rejectedAt,
    }));
  }

  retryRejected(mutationId: string): { mutationId: string } {
    const again = this.requireEngine().retryRejected(mutationId, this.actor());
    if (!again) throw new IocError('not_found', 'No such rejected action');
    return { mutationId: again.mutationId };
  }

  discardRejected(mutationId: string): { ok: true } {
    if (!this.requireEngine().discardRejected(mutationId)) throw new IocError('not_found', 'No such rejected action');
    return { ok: true };
  }

  // ---- contract: data -------------------------------------------------------------------------

  summary(): DataSummary {
    const repo = this.requireRepo();
    return { asOf: repo.meta().asOf, counts: repo.counts() };
  }

  listAlerts(open: boolean, limit: number): AlertItem[] {
    const rows = this.requireRepo().list('alert', { limit: 100_000 });
    const items: AlertItem[] = [];
    for (const r of rows) {
      const parsed = Alert.safeParse(r.data);
      if (!parsed.success) continue; // a row this version cannot show is skipped, not a crash
      if (open && parsed.data.acknowledgedAt && !r.pending) continue;
      items.push({ row: parsed.data, pending: r.pending });
    }
    const rank = { critical: 0, warning: 1, info: 2 } as const;
    items.sort((a, b) => rank[a.row.severity] - rank[b.row.severity] || b.row.raisedAt.localeCompare(a.row.raisedAt));
    return items.slice(0, limit);
  }

  /** Cameras in the cache, in id order (rows this version cannot read are skipped). */
  cameras(): Camera[] {
    if (!this.repo) return [];
    const out: Camera[] = [];
    for (const r of this.repo.list('camera', { limit: 10_000 })) {
      const parsed = Camera.safeParse(r.data);
      if (parsed.success) out.push(parsed.data);
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  acknowledgeAlert(alertId: string, note: string | undefined): { mutationId: string; queued: true } {
    return { mutationId: this.command('alert.acknowledge', { alertId, ...(note ? { note } : {}) }), queued: true };
  }

  // ---- internals ------------------------------------------------------------------------------

  healthReport(): HealthReport {
    if (this.engine) return this.engine.healthReport();
    return { state: 'idle', detail: this.startError ?? 'waiting for login' };
  }

  embeddedHealth(): HealthReport | null {
    return this.embedded ? this.embedded.healthReport() : null;
  }

  /** For tests and the console: the embedded server's process id, if any. */
  embeddedPid(): number | null {
    return this.embedded?.pid() ?? null;
  }

  /** The cache connection for read-side services (the feedback queue); null until start(). */
  /** Where and as whom to call the central server directly (feedback photo upload), or null. */
  serverAuth(): { url: string; token: string } | null {
    const token = this.engine ? this.session?.token() : null;
    return this.serverUrl && token ? { url: this.serverUrl, token } : null;
  }

  /** The sync engine is part-way through a pull with more pages waiting (SyncEngine.catchingUp). */
  syncCatchingUp(): boolean {
    return this.engine?.catchingUp() ?? false;
  }

  cacheConnection(): CacheDb['sqlite'] | null {
    return this.db?.sqlite ?? null;
  }

  /** Queue an operator command in the outbox (works offline); returns its mutation id. */
  enqueueCommand(name: Parameters<SyncEngine['enqueue']>[0], args: Record<string, unknown>): string {
    return this.command(name, args);
  }

  repoForTests(): CacheRepo {
    return this.requireRepo();
  }

  async dispose(): Promise<void> {
    this.stopEngine();
    await this.embedded?.dispose();
    this.db?.close();
    this.db = null;
  }

  private command(name: Parameters<SyncEngine['enqueue']>[0], args: z.input<typeof dataContract.acknowledgeAlert.input> | Record<string, unknown>): string {
    const engine = this.requireEngine();
    try {
      return engine.enqueue(name, args, this.actor(), { role: this.session?.load()?.user.role }).mutationId;
    } catch (err) {
      if (err instanceof InvalidCommandError) throw new IocError('invalid_input', err.message);
      if (err instanceof ForbiddenCommandError) throw new IocError('forbidden', err.message);
      throw err;
    }
  }

  private actor(): string {
    return this.session?.load()?.user.username ?? '';
  }

  private openCache(): void {
    const file = join(this.opts.dataDir, 'cache.sqlite');
    try {
      this.db = openCacheDb(file);
    } catch (err) {
      if (!(err instanceof CacheCorruptError)) throw err;
      const aside = moveCorruptAside(file);
      this.opts.log('error', 'local cache was corrupt; kept aside, starting empty', { keptAs: aside });
      this.db = openCacheDb(file);
    }
    this.repo = new CacheRepo(this.db);
    this.session = new SessionStore(this.db, { cipher: this.opts.cipher, now: this.opts.now });
  }

  private startEngine(): void {
    if (!this.serverUrl || this.engine) return;
    const session = this.session!;
    const engine = new SyncEngine({
      repo: this.repo!,
      serverUrl: this.serverUrl,
      getToken: () => session.token(),
      log: this.opts.log,
      now: this.opts.now,
      onAuthenticated: () => session.markValidated(),
      options: this.opts.syncOptions,
    });
    this.offEngine = [engine.onStatus(() => this.publishStatus()), engine.onData((entities) => this.opts.bus.publish(dataContract.onChanged, { entities: [...entities] }))];
    this.engine = engine;
    engine.start();
  }

  private stopEngine(): void {
    for (const off of this.offEngine) off();
    this.offEngine = [];
    this.engine?.dispose();
    this.engine = null;
  }

  private publishStatus(): void {
    this.opts.bus.publish(syncContract.onStatus, this.status());
  }

  private requireRepo(): CacheRepo {
    if (!this.repo) throw new IocError('unavailable', 'The local cache is not open');
    return this.repo;
  }

  private requireEngine(): SyncEngine {
    if (!this.engine) throw new IocError('unauthorized', 'Log in first');
    return this.engine;
  }
}
