import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../../core/dispatcher';
import type { StreamHealth, StreamProfile, StreamSource, StreamState } from '../../../shared/video/streams';
import { buildFfmpegArgs, type ArgsSource, type Credentials } from './ffmpeg-args';
import { GopCache } from './gop-cache';
import { FfmpegProcesses, killChild } from './process-registry';

/** One WebSocket (or test sink) watching a stream. */
export interface Viewer {
  send(data: Buffer): void;
  /** Bytes queued but not yet written to the socket. */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface ResolvedStream {
  name: string;
  source: StreamSource;
}

export interface StreamHubOptions {
  ffmpegPath: string;
  dataDir: string;
  log: Logger;
  /** Current camera config: the hub never caches it, so edits apply on the next (re)start. */
  resolve(cameraId: string, profile: StreamProfile): ResolvedStream | null;
  credentials?: (cameraId: string) => Credentials | null;
  /** Applied to every log line and lastError. */
  redact?: (s: string) => string;
  /** Keep ffmpeg running this long after the last viewer left (a tile flipping main↔sub, a re-layout). */
  idleGraceMs?: number;
  /** No bytes for this long → kill and restart. */
  watchdogMs?: number;
  /** Network read timeout handed to ffmpeg (RTSP -stimeout). */
  sourceTimeoutMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Consecutive failures of a source before switching to the other one. */
  failoverAfter?: number;
  /** While on the backup, try the primary again this often. */
  primaryRetryMs?: number;
  /** A viewer with more than this queued is dropped (it never slows the others). */
  maxViewerBufferBytes?: number;
  killGraceMs?: number;
  /** Linux: kernel kills ffmpeg when this process dies (setpriv --pdeathsig). Default true. */
  parentDeathSignal?: boolean;
  tzOffsetMs?: () => number;
  now?: () => number;
}

/** Close codes sent to viewers. */
export const CLOSE = {
  slowConsumer: 4008,
  unavailable: 4004,
  shuttingDown: 1001,
} as const;

const TICK_MS = 250;

interface Pull {
  cameraId: string;
  profile: StreamProfile;
  viewers: Set<Viewer>;
  child: ChildProcess | null;
  /** Why the current child is being killed (watchdog / switch / stop); null = it died on its own. */
  killReason: string | null;
  gop: GopCache;
  state: StreamState;
  onBackup: boolean;
  probingPrimary: boolean;
  failures: number;
  backoffAttempt: number;
  restarts: number;
  spawnedAt: number;
  lastDataAt: number | null;
  startedAt: number | null;
  /** First time this pull started, for -output_ts_offset (timestamps stay monotonic across restarts). */
  epochAt: number | null;
  lastError: string | null;
  lastStderr: string;
  fps: number;
  bitrateKbps: number;
  statsAt: number;
  restartTimer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
  primaryRetryTimer: NodeJS.Timeout | null;
  dtsWarnedAt: number;
}

/**
 * At most one ffmpeg per (camera, profile), shared by all viewers: started by the first viewer,
 * stopped `idleGraceMs` after the last one left. Keeps the last GOP so a new viewer gets a picture
 * at once; restarts stalled/dead sources with capped backoff; fails over to the backup source.
 */
export class StreamHub {
  private readonly pulls = new Map<string, Pull>();
  private readonly procs: FfmpegProcesses;
  private readonly o: Required<Omit<StreamHubOptions, 'credentials' | 'redact' | 'tzOffsetMs' | 'now' | 'parentDeathSignal'>> & StreamHubOptions;
  private readonly redact: (s: string) => string;
  private readonly now: () => number;
  private readonly tzOffsetMs: () => number;
  private tick: NodeJS.Timeout | null = null;
  private healthListeners = new Set<(all: StreamHealth[]) => void>();
  private lastEmitAt = 0;
  private lastEmitted = '';
  private disposed = false;

  constructor(opts: StreamHubOptions) {
    this.o = {
      idleGraceMs: 10_000,
      watchdogMs: 5_000,
      sourceTimeoutMs: 5_000,
      backoffMinMs: 500,
      backoffMaxMs: 10_000,
      failoverAfter: 2,
      primaryRetryMs: 60_000,
      maxViewerBufferBytes: 4 * 1024 * 1024,
      killGraceMs: 2_000,
      ...(Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as StreamHubOptions),
    };
    this.redact = opts.redact ?? ((s) => s);
    this.now = opts.now ?? Date.now;
    this.tzOffsetMs = opts.tzOffsetMs ?? (() => -new Date().getTimezoneOffset() * 60_000);
    this.procs = new FfmpegProcesses({ dataDir: opts.dataDir, ffmpegPath: opts.ffmpegPath, parentDeathSignal: opts.parentDeathSignal });
  }

  /** Kill ffmpeg processes a previous run of the app left behind. */
  reap(): number {
    const n = this.procs.reap();
    if (n > 0) this.o.log('warn', 'killed leftover ffmpeg processes from a previous run', { count: n });
    return n;
  }

  /** Whether (camera, profile) can be watched at all. */
  canServe(cameraId: string, profile: StreamProfile): boolean {
    return this.o.resolve(cameraId, profile) !== null;
  }

  /** Add a viewer; returns its unsubscribe. The viewer gets PAT+PMT+last GOP first when the stream is warm. */
  subscribe(cameraId: string, profile: StreamProfile, viewer: Viewer): () => void {
    if (this.disposed) throw new Error('stream hub disposed');
    const key = `${cameraId}\u0000${profile}`;
    let p = this.pulls.get(key);
    if (!p) {
      p = this.newPull(cameraId, profile);
      this.pulls.set(key, p);
    }
    const pull = p;
    if (pull.idleTimer) clearTimeout(pull.idleTimer);
    pull.idleTimer = null;
    pull.viewers.add(viewer);
    const cached = pull.child ? pull.gop.snapshot() : null;
    if (cached) viewer.send(cached);
    if (!pull.child && !pull.restartTimer) this.spawn(pull);
    this.ensureTick();
    return () => this.unsubscribe(pull, viewer);
  }

  /**
   * Restart every running pull of a camera at once (its credentials or source changed): the new
   * ffmpeg picks up the new settings, viewers stay connected and see the picture come back.
   */
  restart(cameraId: string): number {
    let n = 0;
    for (const p of this.pulls.values()) {
      if (p.cameraId !== cameraId || p.state === 'idle') continue;
      n++;
      p.failures = p.backoffAttempt = 0;
      p.onBackup = p.probingPrimary = false;
      if (p.restartTimer) {
        clearTimeout(p.restartTimer);
        p.restartTimer = null;
      }
      if (p.child) {
        p.killReason = 'switch';
        void killChild(p.child, this.o.killGraceMs);
      } else {
        this.spawn(p);
      }
    }
    if (n) this.o.log('info', 'stream restarted (settings changed)', { cameraId, pulls: n });
    return n;
  }

  health(): StreamHealth[] {
    return [...this.pulls.values()].map((p) => this.healthOf(p));
  }

  /** Snapshot of every stream, at most once per second, only when something changed. */
  onHealth(listener: (all: StreamHealth[]) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** pids of running ffmpeg processes (tests, diagnostics). */
  pids(): number[] {
    return [...this.pulls.values()].flatMap((p) => (p.child?.pid ? [p.child.pid] : []));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
    const waits: Promise<void>[] = [];
    for (const p of this.pulls.values()) {
      for (const v of p.viewers) v.close(CLOSE.shuttingDown, 'shutting down');
      p.viewers.clear();
      this.clearTimers(p);
      if (p.child) {
        p.killReason = 'dispose';
        waits.push(killChild(p.child, this.o.killGraceMs));
      }
    }
    await Promise.all(waits);
    this.healthListeners.clear();
  }

  // ---- internals ---------------------------------------------------------------------------

  private newPull(cameraId: string, profile: StreamProfile): Pull {
    return {
      cameraId, profile, viewers: new Set(), child: null, killReason: null, gop: new GopCache(), state: 'idle',
      onBackup: false, probingPrimary: false, failures: 0, backoffAttempt: 0, restarts: 0, spawnedAt: 0,
      lastDataAt: null, startedAt: null, epochAt: null, lastError: null, lastStderr: '', fps: 0, bitrateKbps: 0, statsAt: 0,
      restartTimer: null, idleTimer: null, primaryRetryTimer: null, dtsWarnedAt: 0,
    };
  }

  private unsubscribe(p: Pull, viewer: Viewer): void {
    if (p.viewers.delete(viewer) && p.viewers.size === 0) this.scheduleIdle(p);
  }

  private scheduleIdle(p: Pull): void {
    if (this.disposed) return;
    if (p.idleTimer) clearTimeout(p.idleTimer);
    p.idleTimer = setTimeout(() => {
      p.idleTimer = null;
      if (p.viewers.size === 0) this.stop(p);
    }, this.o.idleGraceMs);
  }

  /** Stop pulling: no viewers left after the grace period. */
  private stop(p: Pull): void {
    this.clearTimers(p);
    p.state = 'idle';
    p.onBackup = p.probingPrimary = false;
    p.failures = p.backoffAttempt = 0;
    p.fps = p.bitrateKbps = 0;
    p.epochAt = null;
    p.gop.reset();
    if (p.child) {
      // Detached at once: a viewer arriving while it dies starts a fresh ffmpeg.
      const child = p.child;
      p.child = null;
      void killChild(child, this.o.killGraceMs);
    }
    this.o.log('info', 'stream stopped (no viewers)', { cameraId: p.cameraId, profile: p.profile });
  }

  private clearTimers(p: Pull): void {
    for (const t of [p.restartTimer, p.idleTimer, p.primaryRetryTimer]) if (t) clearTimeout(t);
    p.restartTimer = p.idleTimer = p.primaryRetryTimer = null;
  }

  private currentSource(p: Pull, resolved: ResolvedStream): ArgsSource {
    const s = resolved.source;
    if (p.onBackup && s.backup) return { type: s.backup.type, url: s.backup.url, codec: s.backup.codec };
    return { type: s.type, url: s.url, codec: s.codec };
  }

  private spawn(p: Pull): void {
    if (this.disposed) return;
    const resolved = this.o.resolve(p.cameraId, p.profile);
    if (!resolved) {
      p.state = 'failed';
      p.lastError = 'camera or profile not configured';
      for (const v of p.viewers) v.close(CLOSE.unavailable, 'camera or profile not available');
      p.viewers.clear();
      return;
    }
    if (p.onBackup && !resolved.source.backup) p.onBackup = false;
    const source = this.currentSource(p, resolved);
    const now = this.now();
    p.epochAt ??= now;
    let args: string[];
    try {
      args = buildFfmpegArgs({
        source,
        cameraName: resolved.name,
        credentials: source.type === 'rtsp' || source.type === 'http' || source.type === 'hls' ? (this.o.credentials?.(p.cameraId) ?? null) : null,
        timeoutMs: this.o.sourceTimeoutMs,
        tzOffsetMs: this.tzOffsetMs(),
        // Timestamps continue across restarts, so a player that stays connected sees time move forward.
        tsOffsetSec: (now - p.epochAt) / 1000,
      });
    } catch (err) {
      p.state = 'failed';
      p.lastError = this.redact(`bad source: ${(err as Error).message}`);
      return;
    }
    p.gop.reset();
    p.killReason = null;
    p.lastStderr = '';
    p.spawnedAt = now;
    p.state = p.state === 'idle' || p.state === 'failed' || p.state === 'starting' ? 'starting' : 'reconnecting';
    const child = this.procs.spawn(args, { cameraId: p.cameraId, profile: p.profile });
    p.child = child;
    this.o.log('info', 'ffmpeg started', { cameraId: p.cameraId, profile: p.profile, source: p.onBackup ? 'backup' : 'primary', pid: child.pid, url: this.redact(source.url) });

    child.stdout!.on('data', (chunk: Buffer) => this.onData(p, child, chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => this.onStderr(p, text));
    child.on('error', (err) => {
      p.lastError = this.redact(`ffmpeg could not start: ${err.message}`);
      this.o.log('error', 'ffmpeg spawn failed', { cameraId: p.cameraId, error: p.lastError });
    });
    child.on('close', (code, signal) => this.onExit(p, child, code, signal));
  }

  private onData(p: Pull, child: ChildProcess, chunk: Buffer): void {
    if (p.child !== child) return;
    const packets = p.gop.push(chunk);
    const now = this.now();
    p.lastDataAt = now;
    if (p.state !== 'live') {
      p.state = 'live';
      p.startedAt = now;
      p.failures = 0;
      p.backoffAttempt = 0;
      if (p.probingPrimary) {
        p.probingPrimary = false;
        p.onBackup = false;
        if (p.primaryRetryTimer) clearTimeout(p.primaryRetryTimer);
        p.primaryRetryTimer = null;
        this.o.log('info', 'back on the primary source', { cameraId: p.cameraId, profile: p.profile });
      }
      if (p.onBackup && !p.primaryRetryTimer) this.schedulePrimaryRetry(p);
    }
    if (packets.length === 0) return;
    for (const v of p.viewers) {
      if (v.bufferedAmount() > this.o.maxViewerBufferBytes) {
        p.viewers.delete(v);
        v.close(CLOSE.slowConsumer, 'viewer too slow');
        this.o.log('warn', 'dropped a slow viewer', { cameraId: p.cameraId, profile: p.profile });
        if (p.viewers.size === 0) this.scheduleIdle(p);
        continue;
      }
      v.send(packets);
    }
  }

  private onStderr(p: Pull, text: string): void {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const safe = this.redact(line).slice(0, 400);
      p.lastStderr = safe;
      if (/Non-monotonous DTS/.test(line)) {
        // Multi-slice IDR from some cameras: ffmpeg splits the keyframe and Chromium shows corruption.
        if (this.now() - p.dtsWarnedAt > 60_000) {
          p.dtsWarnedAt = this.now();
          this.o.log('warn', 'camera sends keyframes ffmpeg splits (Non-monotonous DTS): expect corruption in the tile', { cameraId: p.cameraId, profile: p.profile });
        }
        continue;
      }
      this.o.log('debug', 'ffmpeg', { cameraId: p.cameraId, profile: p.profile, line: safe });
    }
  }

  private onExit(p: Pull, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (p.child !== child) return;
    p.child = null;
    p.fps = p.bitrateKbps = 0;
    const reason = p.killReason;
    p.killReason = null;
    if (reason === 'idle' || reason === 'dispose' || this.disposed) return;
    if (reason === 'switch') {
      this.spawn(p);
      return;
    }
    const why = reason ?? `ffmpeg exited (${code ?? signal})${p.lastStderr ? `: ${p.lastStderr}` : ''}`;
    this.failure(p, why);
  }

  private failure(p: Pull, why: string): void {
    p.lastError = this.redact(why).slice(0, 500);
    p.restarts++;
    p.failures++;
    p.state = 'reconnecting';
    this.o.log('warn', 'stream failed; restarting', { cameraId: p.cameraId, profile: p.profile, source: p.onBackup ? 'backup' : 'primary', error: p.lastError, failures: p.failures });
    if (p.viewers.size === 0 && !p.idleTimer) {
      this.stop(p);
      return;
    }
    const hasBackup = !!this.o.resolve(p.cameraId, p.profile)?.source.backup;
    let delay: number;
    if (hasBackup && p.probingPrimary) {
      // The primary is still down: straight back to the backup.
      p.probingPrimary = false;
      p.onBackup = true;
      p.failures = 0;
      this.schedulePrimaryRetry(p);
      delay = 0;
    } else if (hasBackup && p.failures >= this.o.failoverAfter) {
      p.onBackup = !p.onBackup;
      p.failures = 0;
      p.backoffAttempt = 0;
      this.o.log('warn', `failing over to the ${p.onBackup ? 'backup' : 'primary'} source`, { cameraId: p.cameraId, profile: p.profile });
      if (!p.onBackup && p.primaryRetryTimer) {
        clearTimeout(p.primaryRetryTimer);
        p.primaryRetryTimer = null;
      }
      delay = 0;
    } else {
      delay = Math.min(this.o.backoffMaxMs, this.o.backoffMinMs * 2 ** p.backoffAttempt);
      p.backoffAttempt++;
    }
    if (p.restartTimer) clearTimeout(p.restartTimer);
    p.restartTimer = setTimeout(() => {
      p.restartTimer = null;
      if (!p.child && p.state !== 'idle') this.spawn(p);
    }, delay);
  }

  private schedulePrimaryRetry(p: Pull): void {
    if (p.primaryRetryTimer) clearTimeout(p.primaryRetryTimer);
    p.primaryRetryTimer = setTimeout(() => {
      p.primaryRetryTimer = null;
      if (!p.onBackup || p.state === 'idle') return;
      this.o.log('info', 'trying the primary source again', { cameraId: p.cameraId, profile: p.profile });
      p.onBackup = false;
      p.probingPrimary = true;
      if (p.child) {
        p.killReason = 'switch';
        void killChild(p.child, this.o.killGraceMs);
      } else if (!p.restartTimer) {
        this.spawn(p);
      }
    }, this.o.primaryRetryMs);
  }

  private ensureTick(): void {
    if (this.tick || this.disposed) return;
    this.tick = setInterval(() => this.onTick(), TICK_MS);
  }

  private onTick(): void {
    const now = this.now();
    let active = false;
    for (const p of this.pulls.values()) {
      if (p.child || p.restartTimer || p.viewers.size > 0) active = true;
      if (p.child) {
        const since = Math.max(p.spawnedAt, p.lastDataAt ?? 0);
        if (now - since > this.o.watchdogMs && !p.killReason) {
          p.killReason = `no data for ${Math.round((now - since) / 1000)} s (watchdog)`;
          p.state = 'reconnecting';
          p.lastError = p.killReason;
          this.o.log('warn', 'stream stalled; killing ffmpeg', { cameraId: p.cameraId, profile: p.profile });
          void killChild(p.child, this.o.killGraceMs);
        }
        if (now - p.statsAt >= 1000) {
          const s = p.gop.takeStats();
          const dt = p.statsAt ? now - p.statsAt : 1000;
          p.fps = Math.round((s.frames * 1000 * 10) / dt) / 10;
          p.bitrateKbps = Math.round((s.bytes * 8) / dt);
          p.statsAt = now;
        }
      }
    }
    if (now - this.lastEmitAt >= 1000) {
      const all = this.health();
      const json = JSON.stringify(all.map((h) => ({ ...h, lastDataAt: null })));
      // lastDataAt moves constantly; every other change (state, fps, viewers…) is worth telling.
      if (json !== this.lastEmitted || (active && now - this.lastEmitAt >= 5000)) {
        this.lastEmitted = json;
        this.lastEmitAt = now;
        for (const l of [...this.healthListeners]) l(all);
      }
    }
    if (!active && this.tick && JSON.stringify(this.health().map((h) => ({ ...h, lastDataAt: null }))) === this.lastEmitted) {
      clearInterval(this.tick);
      this.tick = null;
    }
  }

  private healthOf(p: Pull): StreamHealth {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      cameraId: p.cameraId,
      profile: p.profile,
      state: p.state,
      source: p.onBackup ? 'backup' : 'primary',
      viewers: p.viewers.size,
      fps: p.fps,
      bitrateKbps: p.bitrateKbps,
      lastDataAt: iso(p.lastDataAt),
      restarts: p.restarts,
      lastError: p.lastError,
      startedAt: p.state === 'live' ? iso(p.startedAt) : null,
    };
  }
}
