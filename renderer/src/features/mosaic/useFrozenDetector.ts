import { useEffect, useRef, useState } from 'react';

/** A live stream with no new decoded frame for this long is "frozen" (VIDEO.md: 15 fps sources). */
export const FROZEN_AFTER_MS = 2000;
/** A fresh player gets longer for its first frame: a cold ffmpeg start measured 1.6 s, warm 2.4 s. */
const FIRST_FRAME_GRACE_MS = 5000;
/** Nothing at all (no bytes, no frames) for this long: the socket is open but dead. */
const STALLED_AFTER_MS = 10_000;

export interface FrameInfo {
  /** Decoded frames since the tile mounted (survives player reloads, so it only ever grows). */
  frames: number;
  /** When the last new frame was seen (ms epoch), null before the first. */
  lastFrameAt: number | null;
  frozen: boolean;
}

interface Options {
  /** Changes on every player (re)creation: restarts the grace period. */
  generation: number;
  /** Bytes arrive or the stream's health says live: only then is "no frames" a decoder problem. */
  receiving: boolean;
  onFrozen: () => void;
  /** Neither bytes nor frames for STALLED_AFTER_MS (once per episode). */
  onStalled: () => void;
}

/**
 * Counts decoded frames two ways — `requestVideoFrameCallback` (each composited frame) and
 * `getVideoPlaybackQuality().totalVideoFrames` (polled) — because either alone can miss: rVFC does
 * not fire while the page is not painting; the counter keeps its old value across MSE resets. A
 * stream that keeps delivering bytes but whose frames stop is frozen (corrupt GOP, decoder stall):
 * that calls `onFrozen` once per episode, and the caller reloads the player.
 */
export function useFrozenDetector(video: HTMLVideoElement | null, { generation, receiving, onFrozen, onStalled }: Options): FrameInfo {
  const [info, setInfo] = useState<FrameInfo>({ frames: 0, lastFrameAt: null, frozen: false });
  const lastFrameAt = useRef<number | null>(null);
  // Counters outlive player reloads (each reload is a new effect run) so `frames` never goes back.
  const counters = useRef({ rvfc: 0, decodedBase: 0, lastTotal: 0 });
  const receivingRef = useRef(receiving);
  const callbacks = useRef({ onFrozen, onStalled });
  useEffect(() => {
    receivingRef.current = receiving;
    callbacks.current = { onFrozen, onStalled };
  });

  useEffect(() => {
    if (!video) return;
    const genStart = Date.now();
    const c = counters.current;
    let frameThisGen = false;
    let reported = false;
    let stallReported = false;
    let handle = 0;
    const seen = () => {
      lastFrameAt.current = Date.now();
      frameThisGen = true;
    };
    const onFrame = () => {
      c.rvfc += 1;
      seen();
      handle = video.requestVideoFrameCallback(onFrame);
    };
    if ('requestVideoFrameCallback' in video) handle = video.requestVideoFrameCallback(onFrame);

    const poll = () => {
      const total = video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
      if (total < c.lastTotal) c.decodedBase += c.lastTotal; // new MediaSource: its counter restarted at 0
      else if (total > c.lastTotal) seen();
      c.lastTotal = total;
      const now = Date.now();
      const since = now - Math.max(lastFrameAt.current ?? 0, genStart);
      const frozen = receivingRef.current && since > (frameThisGen ? FROZEN_AFTER_MS : FIRST_FRAME_GRACE_MS);
      if (frozen && !reported) {
        reported = true;
        callbacks.current.onFrozen();
      }
      if (!frozen) reported = false;
      const stalled = !receivingRef.current && since > STALLED_AFTER_MS;
      if (stalled && !stallReported) {
        stallReported = true;
        callbacks.current.onStalled();
      }
      if (!stalled) stallReported = false;
      const frames = Math.max(c.decodedBase + total, c.rvfc);
      setInfo((prev) => (prev.frames === frames && prev.lastFrameAt === lastFrameAt.current && prev.frozen === frozen ? prev : { frames, lastFrameAt: lastFrameAt.current, frozen }));
    };
    const timer = setInterval(poll, 1000);
    return () => {
      clearInterval(timer);
      if (handle && 'cancelVideoFrameCallback' in video) video.cancelVideoFrameCallback(handle);
    };
  }, [video, generation]);

  return info;
}
