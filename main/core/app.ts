import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appContract, type AppImpl } from '../../shared/contracts';
import { systemContract } from '../../shared/contracts/system.contract';
import { dataContract } from '../../shared/contracts/data.contract';
import { CentralService, type CentralOptions } from '../services/central/central.service';
import { ConfigStore } from '../services/config/config.service';
import { basemapOrigins } from '../../shared/map/basemap';
import { FeedbackService } from '../services/feedback/feedback.service';
import { MapService } from '../services/map/map.service';
import { KpiService } from '../services/kpi/kpi.service';
import { BriefingService } from '../services/briefing/briefing.service';
import { MosaicService } from '../services/mosaic/mosaic.service';
import type { HealthReport } from '../services/system/health.service';
import type { Camera } from '../../shared/domain/entities';
import type { StreamHealth } from '../../shared/video/streams';
import { IocError } from '../../shared/contracts/rpc';
import { streamsContract } from '../../shared/contracts/streams.contract';
import { HealthRegistry } from '../services/system/health.service';
import { WallService } from '../services/wall/wall.service';
import type { DisplaySource } from '../services/wall/window-manager';
import { createDispatcher, type Dispatcher, type Logger } from './dispatcher';
import { EventBus } from './events';

export interface AppServicesOptions {
  dataDir: string;
  runtime: 'electron' | 'host';
  version: string;
  electronVersion?: string | null;
  displays: DisplaySource;
  log: Logger;
  /** Central server link: a configured URL, or how to run the embedded one. */
  central: Pick<CentralOptions, 'serverUrl' | 'embedded' | 'cipher' | 'syncOptions'>;
  /** Where KPI CSV exports are written (default: ~/Downloads in the desktop app, none in the host). */
  exportDir?: string;
  /** Camera ingest (ffmpeg StreamHub + stream server); absent in tests that do not need video. */
  streams?: (deps: { dataDir: string; log: Logger; cameras: () => Camera[] }) => StreamsFacade;
}

/** What the composition needs from main/services/streams. */
export interface StreamsFacade {
  start(): Promise<void>;
  endpoint(): { baseUrl: string; token: string };
  health(): StreamHealth[];
  onHealth(listener: (all: StreamHealth[]) => void): () => void;
  healthReport(): HealthReport;
  credentialIds(): string[];
  setCredentials(cameraId: string, creds: { username: string; password: string } | null): void;
  dispose(): Promise<void>;
}

export interface AppServices {
  bus: EventBus;
  config: ConfigStore;
  health: HealthRegistry;
  wall: WallService;
  central: CentralService;
  mosaic: MosaicService;
  streams: StreamsFacade | null;
  impl: AppImpl;
  dispatcher: Dispatcher;
  /** Start what takes time (the embedded server, the first sync); the contract is served meanwhile. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The main-process services and the contract implementation, free of Electron: the desktop app
 * (main/index.ts) and the headless host (main/host) both build exactly this.
 */
export function createAppServices(opts: AppServicesOptions): AppServices {
  mkdirSync(opts.dataDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const bus = new EventBus((channel, message) => opts.log('error', 'event dropped: payload breaks its contract', { channel, message }));
  const config = new ConfigStore(opts.dataDir, opts.log);
  const health = new HealthRegistry();
  const wall = new WallService({ displays: opts.displays, config, bus, log: opts.log });
  const central = new CentralService({ ...opts.central, dataDir: opts.dataDir, bus, log: opts.log });
  const feedback = new FeedbackService({
    db: () => central.cacheConnection(),
    enqueue: (name, args) => central.enqueueCommand(name, args),
    log: opts.log,
    onCacheChanged: (fn) => bus.subscribe((channel, payload) => channel === dataContract.onChanged.channel && fn((payload as { entities: string[] }).entities)),
    syncCatchingUp: () => central.syncCatchingUp(),
    mediaDir: join(opts.dataDir, 'feedback-media'),
    serverAuth: () => central.serverAuth(),
    retryRejected: (mutationId) => void central.retryRejected(mutationId),
  });
  const kpi = new KpiService({
    db: () => central.cacheConnection(),
    cacheAsOf: () => central.status().asOf,
    feedbackQuery: (input) => feedback.query(input),
    // The desktop app saves exports to the user's Downloads; the host's page downloads the text itself.
    exportDir: () => opts.exportDir ?? (opts.runtime === 'electron' ? join(homedir(), 'Downloads') : null),
    log: opts.log,
  });
  const cameras = () => central.cameras();
  const mosaic = new MosaicService({ config, bus, log: opts.log, cameras });
  const streams = opts.streams?.({ dataDir: opts.dataDir, log: opts.log, cameras }) ?? null;
  const needStreams = (): StreamsFacade => {
    if (!streams) throw new IocError('unavailable', 'Video is not available in this runtime');
    return streams;
  };
  const offStreams = streams?.onHealth((all) => bus.publish(streamsContract.onHealth, all));
  const map = new MapService({ db: () => central.cacheConnection(), bus, health: () => streams?.health() ?? [], log: opts.log });
  const offMapHealth = streams?.onHealth(() => map.onHealth());
  const briefing = new BriefingService({ bus, config, log: opts.log });
  const offMapData = bus.subscribe((channel, payload) => {
    if (channel === dataContract.onChanged.channel) map.onDataChanged((payload as { entities: string[] }).entities);
  });
  if (streams) health.register('streams', () => streams.healthReport());

  health.register('config', () => {
    const problem = config.problem();
    return problem ? { state: 'degraded', detail: problem } : { state: 'ok', detail: config.path };
  });
  health.register('wall', () => {
    const s = wall.state();
    const withClients = s.resolved.filter((r) => r.clients > 0).length;
    return {
      state: s.displays.length ? 'ok' : 'down',
      detail: `${s.displays.length} displays, ${withClients} showing`,
    };
  });
  health.register('sync', () => central.healthReport());
  health.register('central-server', () => central.embeddedHealth() ?? { state: 'idle', detail: opts.central.serverUrl ? `configured: ${opts.central.serverUrl}` : 'not started' });
  const offHealth = health.onChange((all) => bus.publish(systemContract.onHealth, all));

  const impl: AppImpl = {
    system: {
      getInfo: () => ({
        name: 'IOC Wall',
        version: opts.version,
        runtime: opts.runtime,
        platform: `${process.platform}-${process.arch}`,
        nodeVersion: process.versions.node,
        electronVersion: opts.electronVersion ?? null,
        startedAt,
        timeZone: 'Asia/Ho_Chi_Minh',
      }),
      getHealth: () => health.snapshot(),
    },
    wall: {
      getState: () => wall.state(),
      assignView: (input) => wall.assignView(input),
    },
    sync: {
      getStatus: () => central.status(),
      login: (input) => central.login(input.username, input.password),
      logout: () => central.logout(),
      listRejected: () => central.listRejected(),
      retryRejected: (input) => central.retryRejected(input.mutationId),
      discardRejected: (input) => central.discardRejected(input.mutationId),
    },
    data: {
      summary: () => central.summary(),
      listAlerts: (input) => central.listAlerts(input.open, input.limit),
      acknowledgeAlert: (input) => central.acknowledgeAlert(input.alertId, input.note),
    },
    streams: {
      getEndpoint: () => needStreams().endpoint(),
      listCameras: () => cameras(),
      getHealth: () => needStreams().health(),
      credentialStatus: () => {
        const stored = new Set(needStreams().credentialIds());
        return cameras().map((c) => ({ cameraId: c.id, hasCredentials: stored.has(c.id), needsCredentials: Object.values(c.sources).some((s) => s.type === 'rtsp' || s.type === 'http' || s.type === 'hls') }));
      },
      setCredentials: (input) => {
        if (!cameras().some((c) => c.id === input.cameraId)) throw new IocError('not_found', `No camera ${input.cameraId}`);
        needStreams().setCredentials(input.cameraId, input.clear ? null : { username: input.username, password: input.password });
        return { ok: true as const };
      },
    },
    feedback: {
      query: (input) => feedback.query(input),
      get: (input) => feedback.get(input.id),
      lookups: () => feedback.lookups(),
      assign: (input) => feedback.assign(input.caseId, input.agencyId, input.officer),
      setStatus: (input) => feedback.setStatus(input.caseId, input.status, input.reason),
      addNote: (input) => feedback.addNote(input.caseId, input.text),
      act: (input) => feedback.act(input.name, input.args),
      attachPhoto: (input) => feedback.attachPhoto(input.type, input.dataBase64),
      photo: (input) => feedback.photo(input.ref),
      routingRules: () => feedback.routingRules(),
      saveRoutingRules: (input) => feedback.saveRoutingRules(input.rules),
    },
    kpi: {
      board: (input) => kpi.board(input.board, input.scope),
      drill: (input) => kpi.drill(input),
      worklist: (input) => kpi.worklist(input),
      exportCsv: (input) => kpi.exportCsv(input),
    },
    mosaic: {
      getState: (input) => mosaic.get(input.displayId),
      setState: (input) => mosaic.set(input),
      pushCamera: (input) => mosaic.pushCamera(input.displayId, input.cameraId, input.tile),
    },
    map: {
      getLayer: (input) => map.getLayer(input.layer),
      getIndicators: () => map.getIndicators(),
      select: (input, ctx) => map.select(input, ctx.displayId ?? null),
      getSelection: () => map.getSelection(),
      getBasemap: () => config.get().map.basemap,
    },
    briefing: {
      getState: () => briefing.getState(),
      go: (input, ctx) => briefing.go(input, ctx.displayId ?? null),
    },
  };
  const dispatcher = createDispatcher(appContract, impl, opts.log);
  wall.start();
  health.start();

  return {
    bus,
    config,
    health,
    wall,
    central,
    mosaic,
    streams,
    impl,
    dispatcher,
    async start() {
      await streams?.start();
      await central.start();
    },
    async dispose() {
      offHealth();
      offStreams?.();
      offMapHealth?.();
      offMapData();
      map.dispose();
      briefing.dispose();
      await streams?.dispose();
      wall.dispose();
      feedback.dispose();
      health.dispose();
      await central.dispose();
      bus.dispose();
    },
  };
}

/** Origins of a configured online basemap (none by default): pages' CSP connect-src must allow them. */
export function basemapConnectOrigins(services: Pick<AppServices, 'config'>): string[] {
  return basemapOrigins(services.config.get().map.basemap);
}

/** The stream server's ws:// origin once it listens (pages' CSP connect-src must allow it). */
export function streamOrigins(services: Pick<AppServices, 'streams'>): string[] {
  try {
    return services.streams ? [new URL(services.streams.endpoint().baseUrl).origin] : [];
  } catch {
    return [];
  }
}
