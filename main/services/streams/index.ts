import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Logger } from '../../core/dispatcher';
import type { HealthReport } from '../system/health.service';
import type { Camera } from '../../../shared/domain/entities';
import { StreamSource, type StreamHealth, type StreamProfile } from '../../../shared/video/streams';
import { CredentialStore, type SecretCipher } from './credentials';
import { DEFAULT_FONTS } from './ffmpeg-args';
import { makeRedactor } from './redaction';
import { StreamHub, type StreamHubOptions } from './stream-hub';
import { StreamServer } from './stream-server';

export { CredentialStore, fileKeyCipher, type SecretCipher } from './credentials';
export { buildFfmpegArgs } from './ffmpeg-args';
export { decodeTimestampStripe, stripeAgeMs, msSinceLocalMidnight } from './stripe';
export { StreamHub, type Viewer } from './stream-hub';
export { StreamServer } from './stream-server';

export interface StreamsServiceOptions {
  dataDir: string;
  log: Logger;
  /** Default: the binary of `@ffmpeg-installer/ffmpeg` (asar-unpacked path inside a packaged app). */
  ffmpegPath?: string;
  cameras: () => Camera[];
  /** Browser origins allowed on the stream server (e.g. the host's http origin, `app://ioc`). */
  allowedOrigins: string[];
  idleGraceMs?: number;
  watchdogMs?: number;
  /** Electron passes a safeStorage-backed cipher; otherwise a key file in the data dir is used. */
  cipher?: SecretCipher;
  /** Fine-tuning for tests (backoff, failover, timeouts). */
  hub?: Partial<Pick<StreamHubOptions, 'sourceTimeoutMs' | 'backoffMinMs' | 'backoffMaxMs' | 'failoverAfter' | 'primaryRetryMs' | 'maxViewerBufferBytes' | 'killGraceMs' | 'parentDeathSignal'>>;
}

export interface StreamsService {
  start(): Promise<void>;
  endpoint(): { baseUrl: string; token: string };
  health(): StreamHealth[];
  onHealth(listener: (all: StreamHealth[]) => void): () => void;
  healthReport(): HealthReport;
  /** Camera credentials (local only, encrypted at rest). */
  credentials: CredentialStore;
  /** Which cameras have stored credentials (never the secrets themselves). */
  credentialIds(): string[];
  /** Store (or with `null` remove) a camera's credentials and restart its running streams with them. */
  setCredentials(cameraId: string, creds: { username: string; password: string } | null): void;
  /** Running ffmpeg pids (diagnostics, tests). */
  pids(): number[];
  dispose(): Promise<void>;
}

export function defaultFfmpegPath(): string {
  const require = createRequire(import.meta.url);
  const p = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  // Inside a packaged app the binary is asarUnpacked: it cannot run from inside the archive.
  return p.includes('app.asar/') ? p.replace('app.asar/', 'app.asar.unpacked/') : p;
}

/** npm 11 may skip @ffmpeg-installer's chmod postinstall: make the binary executable or say clearly why not. */
export function ensureExecutable(path: string): void {
  if (!existsSync(path)) throw new Error(`ffmpeg not found at ${path}`);
  try {
    accessSync(path, constants.X_OK);
    return;
  } catch {
    /* try to fix below */
  }
  try {
    chmodSync(path, statSync(path).mode | 0o755);
    accessSync(path, constants.X_OK);
  } catch (err) {
    throw new Error(`ffmpeg at ${path} is not executable and chmod failed (${(err as Error).message}); run: chmod +x "${path}"`);
  }
}

function redactDeep(v: unknown, r: (s: string) => string, depth = 0): unknown {
  if (typeof v === 'string') return r(v);
  if (depth > 4 || !v || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, r, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x, r, depth + 1)]));
}

export function createStreamsService(opts: StreamsServiceOptions): StreamsService {
  const ffmpegPath = opts.ffmpegPath ?? defaultFfmpegPath();
  const credentials = new CredentialStore({ dataDir: opts.dataDir, cipher: opts.cipher });
  const redact = makeRedactor(() => credentials.secrets());
  const log: Logger = (level, msg, meta) => opts.log(level, redact(msg), meta ? (redactDeep(meta, redact) as Record<string, unknown>) : undefined);

  const resolve = (cameraId: string, profile: StreamProfile) => {
    const cam = opts.cameras().find((c) => c.id === cameraId);
    if (!cam || !cam.enabled) return null;
    const parsed = StreamSource.safeParse(cam.sources[profile]);
    return parsed.success ? { name: cam.name, source: parsed.data } : null;
  };

  const hub = new StreamHub({
    ...opts.hub,
    ffmpegPath,
    dataDir: opts.dataDir,
    log,
    resolve,
    credentials: (id) => credentials.get(id),
    redact,
    idleGraceMs: opts.idleGraceMs,
    watchdogMs: opts.watchdogMs,
  });
  const server = new StreamServer({ hub, log, allowedOrigins: opts.allowedOrigins });
  let started = false;

  return {
    credentials,
    credentialIds: () => credentials.ids(),
    setCredentials(cameraId, creds) {
      if (creds) credentials.set(cameraId, creds);
      else credentials.delete(cameraId);
      log('info', creds ? 'camera credentials stored' : 'camera credentials removed', { cameraId });
      hub.restart(cameraId);
    },
    async start() {
      ensureExecutable(ffmpegPath);
      for (const f of Object.values(DEFAULT_FONTS)) if (!existsSync(f)) log('warn', 'font for synthetic cameras missing (apt-get install fonts-dejavu-core)', { font: f });
      hub.reap();
      await server.start();
      started = true;
    },
    endpoint: () => server.endpoint(),
    health: () => hub.health(),
    onHealth: (l) => hub.onHealth(l),
    pids: () => hub.pids(),
    healthReport(): HealthReport {
      if (!started) return { state: 'down', detail: 'stream server not started' };
      const all = hub.health().filter((h) => h.state !== 'idle');
      if (all.length === 0) return { state: 'idle', detail: 'no stream watched' };
      const bad = all.filter((h) => h.state === 'reconnecting' || h.state === 'failed');
      const live = all.filter((h) => h.state === 'live').length;
      if (bad.length === 0) return { state: 'ok', detail: `${live} live stream(s)` };
      const first = bad[0];
      return {
        state: live === 0 && all.every((h) => h.state === 'failed') ? 'down' : 'degraded',
        detail: `${live} live, ${bad.length} not: ${first.cameraId}/${first.profile} ${first.state}${first.lastError ? ` (${first.lastError.slice(0, 120)})` : ''}`,
      };
    },
    async dispose() {
      await server.close();
      await hub.dispose();
    },
  };
}
