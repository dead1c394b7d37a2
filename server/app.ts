import { homedir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { version } from '../package.json';
import type { Role } from '../shared/sync/protocol';
import { audit } from './audit';
import { AuthService } from './auth/auth.service';
import { LoginRateLimiter } from './auth/rate-limit';
import { upsertUser, type UserSpec } from './auth/users';
import { type Database, openDatabase } from './db/client';
import { migrate } from './db/migrate';
import { adminUnits, facilities, serverMeta } from './db/schema';
import { installErrorHandling } from './http/errors';
import { registerRoutes } from './http/route-table';
import { installTextGuard } from './http/text-guard';
import { DEFAULT_KEYWORD_PACKS } from './kpi/feeds';
import { feedsFromEnv, KpiScheduler, type KpiOptions } from './kpi/scheduler';
import { type Logger, type LogLevel, safeLogger, silentLogger } from './log';
import { DAY_MS, DEFAULT_REOPEN_WINDOW_MS, DEFAULT_SLA_POLICY, slaPolicy, type SlaTarget } from '../shared/feedback';
import { backfillFeedback } from './feedback/backfill';
import type { FeedbackConfig } from './feedback/case-model';
import { SlaJob } from './feedback/sla-job';
import { feedbackRoutes, installImageParser } from './routes/feedback.routes';
import { DEFAULT_DEMO_API_KEY } from './open311/catalog';
import { MediaStore } from './open311/media';
import { OPEN311_PREFIX, open311Plugin } from './open311/routes';
import { adminRoutes } from './routes/admin.routes';
import { cameraRoutes } from './routes/cameras.routes';
import { authRoutes } from './routes/auth.routes';
import { healthRoutes } from './routes/health.routes';
import { kpiRoutes } from './routes/kpi.routes';
import { syncRoutes } from './routes/sync.routes';
import { DEFAULT_DEMO_PASSWORD, DEMO_KPI_MARKER, seedDemo, seedDemoKpi, topUpDemoFacilities } from './seed/demo-seed';
import { seedOpen311 } from './seed/open311-seed';
import { Simulator } from './seed/simulator';
import { ChangeFeed } from './sync/change-feed';
import { LiveChannel } from './sync/live';
import { PushService, type PushHooks } from './sync/push';
import { currentSeq, NOTIFY_CHANNEL, withWriteTx, type WriteContext } from './sync/writer';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = join(homedir(), '.ioc-wall', 'server');
export const BODY_LIMIT = 1024 * 1024;

export interface StartServerOptions {
  /** postgres://… selects a real PostgreSQL; otherwise embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** PGlite data folder (default ~/.ioc-wall/server); 'memory://' for a throw-away database. */
  dataDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** true: seed if not seeded yet; false: never; undefined: seed when the database is empty. */
  seedDemo?: boolean;
  /** With the demo seed: also write the demo's year of KPI data in the background (default: on, or env IOC_DEMO_KPI=0 for off). */
  demoKpi?: boolean;
  /** Password of the demo users (default DEFAULT_DEMO_PASSWORD). */
  demoPassword?: string;
  simulate?: boolean | { intervalMs: number };
  /** Created, or reset to this password/role, at every start. */
  bootstrapUsers?: Array<{ username: string; password: string; role: Role; displayName?: string }>;
  sessionHours?: number;
  log?: (level: LogLevel, msg: string, meta?: Record<string, unknown>) => void;
  /** Test seams: clock, SSE heartbeat period, push fault injection. */
  now?: () => Date;
  heartbeatMs?: number;
  pushHooks?: PushHooks;
  /** Open311 GeoReport v2 (/open311/v2): see server/README.md. */
  /** Citizen feedback workflow and SLA (server/feedback). */
  feedback?: {
    /** Handling targets of normal / complex cases (urgent is 4 working hours by rule): default 5 / 10 working days. */
    handle?: Partial<Record<'normal' | 'complex', SlaTarget>>;
    /** Citizen re-open window after resolution/publication, days (default 7). */
    reopenWindowDays?: number;
    /** SLA job period (due-soon/overdue flags, escalation); default 60 000 ms; 0 = not started (tests tick it). */
    slaJobIntervalMs?: number;
  };
  open311?: {
    /** Registered with the demo district; default env OPEN311_DEMO_API_KEY or 'demo-bac-tra-my-2026'; null = none. */
    demoApiKey?: string | null;
    /** Uploaded photos (default <dataDir>/open311-media). */
    mediaDir?: string;
    /** POSTs per API key per minute (default 60; a key may carry its own). */
    rateLimitPerMin?: number;
  };
  /** KPI computation and cyberspace feeds (server/kpi); feeds default to env IOC_KPI_FEEDS. */
  kpi?: KpiOptions;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  /** Every route Fastify registered (for the "all routes need auth" test). */
  routes: Array<{ method: string; url: string }>;
  simulator: Simulator | null;
  /** The SLA job (tests call tick()). */
  slaJob: SlaJob;
  feedback: FeedbackConfig;
  /** Settles when the demo's year of KPI data (written in the background after start) is in. */
  demoKpiReady: Promise<void>;
  close(): Promise<void>;
}

async function shouldSeed(db: Database, seedDemo: boolean | undefined): Promise<boolean> {
  if (seedDemo === false) return false;
  if (seedDemo === true) return (await db.orm.select().from(serverMeta).where(eq(serverMeta.key, 'demo_seed'))).length === 0;
  return (await db.orm.select({ id: adminUnits.id }).from(adminUnits).limit(1)).length === 0;
}

async function bootstrap(db: Database, specs: UserSpec[], now: Date, log: Logger) {
  for (const spec of specs) {
    await db.orm.transaction(async (tx) => {
      const { id, created } = await upsertUser(tx, spec, now);
      await audit(tx, { userId: id, actor: 'system', action: created ? 'user.bootstrap_create' : 'user.bootstrap_update', target: spec.username, args: { role: spec.role }, result: 'ok' });
    });
    log('info', 'bootstrap user ready', { username: spec.username, role: spec.role });
  }
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const log = opts.log ? safeLogger(opts.log) : silentLogger;
  const now = opts.now ?? (() => new Date());
  const db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir ?? DEFAULT_DATA_DIR, log });
  const cleanup: Array<() => Promise<void> | void> = [() => db.close()];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const fn of [...cleanup].reverse()) await fn();
    })());
  try {
    await migrate(db, log);
    const feed = new ChangeFeed();
    cleanup.push(() => feed.dispose());
    const ctx: WriteContext = { db, feed };

    const dataDir = opts.dataDir && !opts.dataDir.includes('://') ? opts.dataDir : DEFAULT_DATA_DIR;
    const mediaDir = opts.open311?.mediaDir ?? join(dataDir, 'open311-media');
    const media = new MediaStore(mediaDir);
    const feedback: FeedbackConfig = {
      sla: slaPolicy({ handle: { ...DEFAULT_SLA_POLICY.handle, ...opts.feedback?.handle } }),
      reopenWindowMs: (opts.feedback?.reopenWindowDays ?? DEFAULT_REOPEN_WINDOW_MS / DAY_MS) * DAY_MS,
      mediaExists: (ref) => media.exists(ref),
    };

    if (await shouldSeed(db, opts.seedDemo)) {
      const t0 = Date.now();
      const counts = await withWriteTx(ctx, (w) => seedDemo(w, now(), opts.demoPassword ?? DEFAULT_DEMO_PASSWORD, { feedback, mediaDir }));
      log('info', 'demo district seeded', { ms: Date.now() - t0, counts });
    }
    await bootstrap(db, opts.bootstrapUsers ?? [], now(), log);
    const demoSeeded = (await db.orm.select().from(serverMeta).where(eq(serverMeta.key, 'demo_seed'))).length > 0;
    if (demoSeeded) {
      // A demo district seeded before migration 0004 gets its schools and health stations too.
      const existing = (await db.orm.select({ id: facilities.id }).from(facilities).limit(1)).length;
      const added = existing ? 0 : await withWriteTx(ctx, (w) => topUpDemoFacilities(w, existing));
      if (added) log('info', 'demo facilities added', { count: added });
    }
    const demoApiKey = opts.open311?.demoApiKey !== undefined ? opts.open311.demoApiKey : process.env.OPEN311_DEMO_API_KEY || DEFAULT_DEMO_API_KEY;
    await seedOpen311(db.orm, { demoApiKey: demoSeeded ? demoApiKey : null });
    await backfillFeedback(ctx, feedback, now(), log);

    feed.publish(await currentSeq(db.orm));
    if (db.listen) {
      // Other server instances on the same PostgreSQL commit changes too: relay their NOTIFYs.
      const unlisten = await db.listen(NOTIFY_CHANNEL, (payload) => feed.publish(Number(payload)));
      cleanup.push(unlisten);
    }

    const auth = new AuthService(db, now, (opts.sessionHours ?? 12) * 3_600_000, new LoginRateLimiter(() => now().getTime()));
    const live = new LiveChannel(feed);
    const push = new PushService(ctx, now, log, opts.pushHooks, feedback);
    const kpi = new KpiScheduler(ctx, now, { ...opts.kpi, feeds: opts.kpi?.feeds ?? feedsFromEnv(process.env.IOC_KPI_FEEDS), keywordPacks: opts.kpi?.keywordPacks ?? DEFAULT_KEYWORD_PACKS }, log);
    cleanup.push(() => kpi.stop());

    let kpiSeeding = false;
    const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, exposeHeadRoutes: false, forceCloseConnections: true, return503OnClosing: true });
    const routes: RunningServer['routes'] = [];
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url });
    });
    app.addHook('onResponse', async (req, reply) => {
      log('info', 'request', { method: req.method, route: req.routeOptions.url ?? '(none)', status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
    });
    installErrorHandling(app, log);
    installTextGuard(app);
    installImageParser(app);
    // Dataset imports (server/routes/kpi.routes.ts) take CSV as raw bytes: the importer decodes and
    // reports bad encodings itself.
    app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    registerRoutes(
      app,
      [
        ...healthRoutes(db, version, () => kpiSeeding),
        ...authRoutes(auth),
        ...syncRoutes({ db, auth, push, live, now, heartbeatMs: opts.heartbeatMs ?? 15_000 }),
        ...adminRoutes(db, now),
        ...cameraRoutes(ctx),
        ...feedbackRoutes({ db, media }),
        ...kpiRoutes(ctx, now, kpi),
      ],
      auth,
    );
    await app.register(
      open311Plugin({ ctx, auth, now, log, mediaDir, feedback, rateLimitPerMin: opts.open311?.rateLimitPerMin }),
      { prefix: OPEN311_PREFIX },
    );
    // Open SSE streams would keep app.close() waiting forever.
    app.addHook('preClose', async () => live.closeAll());
    await app.listen({ host: opts.host ?? DEFAULT_HOST, port: opts.port ?? DEFAULT_PORT });
    cleanup.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULT_PORT);
    const host = opts.host ?? DEFAULT_HOST;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

    // The demo's KPI year is large: written in short transactions (resumable), awaited before ready below.
    const needKpiSeed = demoSeeded && opts.seedDemo !== false && (opts.demoKpi ?? process.env.IOC_DEMO_KPI !== '0') && (await db.orm.select().from(serverMeta).where(eq(serverMeta.key, DEMO_KPI_MARKER))).length === 0;
    let closing = false;
    kpiSeeding = needKpiSeed;
    const demoKpiReady = needKpiSeed
      ? (async () => {
          const t0 = Date.now();
          const counts = await seedDemoKpi((fn) => withWriteTx(ctx, fn), now());
          log('info', 'demo KPI year seeded', { ms: Date.now() - t0, counts });
        })()
          .catch((err: unknown) => {
            if (!closing) log('error', 'demo KPI seed failed', { error: String(err) });
          })
          .finally(() => (kpiSeeding = false))
      : Promise.resolve();
    cleanup.push(async () => {
      closing = true;
      await demoKpiReady;
    });

    // Measured in CI: a client whose first requests meet the seed's transactions times out over and
    // over (PGlite has one connection), so the server says ready only once the KPI year is in.
    await demoKpiReady;

    kpi.start();
    let simulator: Simulator | null = null;
    if (opts.simulate) {
      simulator = new Simulator(ctx, now, typeof opts.simulate === 'object' ? opts.simulate.intervalMs : 5000, log, feedback);
      simulator.start();
      cleanup.push(() => simulator?.stop());
    }
    const slaJob = new SlaJob(ctx, feedback, now, log);
    const slaEvery = opts.feedback?.slaJobIntervalMs ?? 60_000;
    if (slaEvery > 0) {
      slaJob.start(slaEvery);
      cleanup.push(() => slaJob.stop());
    }
    log('info', 'server listening', { url, database: db.kind, simulate: !!simulator });
    return { url, port, db, routes, simulator, slaJob, feedback, demoKpiReady, close };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
