import { z } from 'zod';

/** A camera's stream profiles: the sub-stream feeds grid tiles, the main stream an enlarged tile. */
export const PROFILES = ['main', 'sub'] as const;
export const StreamProfile = z.enum(PROFILES);
export type StreamProfile = z.infer<typeof StreamProfile>;

export const SourceType = z.enum(['rtsp', 'http', 'hls', 'file', 'synthetic']);
export type SourceType = z.infer<typeof SourceType>;

/**
 * One stream source. `http` covers MPEG-TS and FLV over http(s) (and relay URLs such as
 * MediaMTX/go2rtc); `file` is looped; `synthetic` is an ffmpeg test pattern with the camera's name and
 * a millisecond clock (demo). Credentials are never part of a synced source: they live in the local
 * credential store, keyed by camera id.
 */
export const StreamSource = z.looseObject({
  type: SourceType,
  url: z.string().min(1).max(2000),
  /** Codec hint: 'h264' is remuxed; 'h265' / 'mjpeg' are transcoded to H.264 (Chromium cannot play them). */
  codec: z.enum(['h264', 'h265', 'mjpeg']).optional(),
  backup: z.looseObject({ type: SourceType, url: z.string().min(1).max(2000), codec: z.enum(['h264', 'h265', 'mjpeg']).optional() }).optional(),
});
export type StreamSource = z.infer<typeof StreamSource>;

export const StreamState = z.enum(['idle', 'starting', 'live', 'reconnecting', 'failed']);
export type StreamState = z.infer<typeof StreamState>;

/** Health of one (camera, profile) pull, published as a contract event. */
export const StreamHealth = z.object({
  cameraId: z.string(),
  profile: StreamProfile,
  state: StreamState,
  /** 'primary' or 'backup' source in use. */
  source: z.enum(['primary', 'backup']),
  viewers: z.number().int().nonnegative(),
  fps: z.number().nonnegative(),
  bitrateKbps: z.number().nonnegative(),
  /** ISO time of the last bytes received from ffmpeg. */
  lastDataAt: z.string().nullable(),
  restarts: z.number().int().nonnegative(),
  /** Redacted (never contains credentials). */
  lastError: z.string().nullable(),
  startedAt: z.string().nullable(),
});
export type StreamHealth = z.infer<typeof StreamHealth>;

/** `ws://127.0.0.1:<port>/stream/<cameraId>/<profile>?token=<token>` — binary MPEG-TS frames. */
export function streamUrl(endpoint: { baseUrl: string; token: string }, cameraId: string, profile: StreamProfile): string {
  return `${endpoint.baseUrl}/stream/${encodeURIComponent(cameraId)}/${profile}?token=${encodeURIComponent(endpoint.token)}`;
}
