import mpegts from 'mpegts.js';
import { useCallback, useEffect, useRef, useState } from 'react';

// mpegts.js logs every segment at info level; on a 25-tile wall that drowns the console.
mpegts.LoggingControl.applyConfig({ enableAll: false, enableError: true, enableWarn: true, enableInfo: false, enableDebug: false, enableVerbose: false });

/** Live settings measured on this hardware (shared/notes/VIDEO.md): no stash, no lazy load, latency chasing. */
const PLAYER_CONFIG: mpegts.Config = {
  enableStashBuffer: false,
  lazyLoad: false,
  liveBufferLatencyChasing: true,
  // Chase early: anything between MinRemain and MaxLatency is latency the operator sees (bench:video).
  liveBufferLatencyMaxLatency: 0.45,
  liveBufferLatencyMinRemain: 0.1,
  autoCleanupSourceBuffer: true,
  enableWorker: false,
};

/** Consecutive failures (no frame in between) after which the tile says "offline"; it keeps retrying. */
export const OFFLINE_AFTER_FAILURES = 4;
const MAX_BACKOFF_MS = 15_000;

export type PlayerStatus = 'idle' | 'connecting' | 'retrying';

export interface PlayerHandle {
  status: PlayerStatus;
  /** Bumped on every (re)creation: frame counters use it to restart their grace period. */
  generation: number;
  /** Failures since the last decoded frame. */
  failures: number;
  /** Network throughput reported by mpegts.js (kbit/s), 0 when nothing arrives. */
  kbps: number;
  /** Tear the player down and build a new one after `delayMs` (error, end of stream, frozen frame). */
  reload(reason: string, delayMs?: number): void;
  /** Frames flow again: forget past failures so the next one retries fast. */
  markHealthy(): void;
}

/** Keep the last picture on screen while a player is rebuilt: the poster shows until new frames decode. */
function holdLastFrame(video: HTMLVideoElement) {
  if (video.readyState < 2 || !video.videoWidth) return;
  try {
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    video.poster = canvas.toDataURL('image/jpeg', 0.8);
  } catch {}
}

function destroyPlayer(player: mpegts.Player, video: HTMLVideoElement) {
  // Order matters: stop the element, drop the network/MSE, detach, free; then clear the element so
  // Chromium releases the decoder (a detached blob: src keeps it alive).
  try {
    player.pause();
    player.unload();
    player.detachMediaElement();
    player.destroy();
  } catch {}
  video.removeAttribute('src');
  video.load();
}

/**
 * One mpegts.js player on `video` for `url` (null = none). Recreated with capped exponential backoff
 * on errors and on end of stream (a live WebSocket closing means the stream broke, not that it ended).
 * `startDelayMs` staggers the first start so a 5×5 wall does not open 25 sockets in one frame.
 */
export function useMpegtsPlayer(video: HTMLVideoElement | null, url: string | null, startDelayMs: number): PlayerHandle {
  const [generation, setGeneration] = useState(0);
  const [status, setStatus] = useState<PlayerStatus>('idle');
  const [kbps, setKbps] = useState(0);
  const failures = useRef(0);
  const [failureCount, setFailureCount] = useState(0);
  const pendingDelay = useRef<number | null>(null);
  const holdFrame = useRef(false);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Only the first start is staggered; a tile whose neighbours change must not restart for it.
  const firstDelay = useRef(startDelayMs);

  const reload = useCallback((reason: string, delayMs?: number) => {
    if (retryTimer.current) return; // one retry at a time: errors often come in bursts
    failures.current += 1;
    setFailureCount(failures.current);
    const backoff = delayMs ?? Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures.current - 1));
    console.info(`[mosaic] reload in ${backoff} ms: ${reason}`);
    setStatus('retrying');
    setKbps(0);
    retryTimer.current = setTimeout(() => {
      retryTimer.current = null;
      holdFrame.current = true;
      pendingDelay.current = 0;
      setGeneration((g) => g + 1);
    }, backoff);
  }, []);

  const markHealthy = useCallback(() => {
    if (failures.current) {
      failures.current = 0;
      setFailureCount(0);
    }
  }, []);

  // A new camera/profile starts clean.
  useEffect(() => {
    failures.current = 0;
    setFailureCount(0);
    pendingDelay.current = null;
    return () => {
      if (retryTimer.current) clearTimeout(retryTimer.current);
      retryTimer.current = null;
    };
  }, [url]);

  useEffect(() => {
    if (!video || !url) {
      setStatus('idle');
      return;
    }
    video.muted = true; // React sets `muted` as a property only after mount; autoplay needs it now
    let player: mpegts.Player | null = null;
    let disposed = false;
    const delay = pendingDelay.current ?? firstDelay.current;
    setStatus((s) => (s === 'retrying' ? s : 'connecting'));
    const start = setTimeout(() => {
      if (disposed) return;
      setStatus('connecting');
      player = mpegts.createPlayer({ type: 'mpegts', isLive: true, url }, PLAYER_CONFIG);
      player.on(mpegts.Events.ERROR, (type: string, detail: string) => reload(`${type}: ${detail}`));
      player.on(mpegts.Events.LOADING_COMPLETE, () => reload('stream closed'));
      player.on(mpegts.Events.STATISTICS_INFO, (s: mpegts.MSEPlayerStatisticsInfo) => setKbps(Math.round((s.speed ?? 0) * 8)));
      player.attachMediaElement(video);
      player.load();
      const played = player.play();
      if (played) played.catch(() => {}); // autoplay refusal shows as "no frames", which we handle
    }, delay);
    return () => {
      disposed = true;
      clearTimeout(start);
      if (holdFrame.current) holdLastFrame(video); // a reload, not an unmount: the tile stays
      holdFrame.current = false;
      if (player) destroyPlayer(player, video);
    };
  }, [video, url, generation, reload]);

  return { status, generation, failures: failureCount, kbps, reload, markHealthy };
}
