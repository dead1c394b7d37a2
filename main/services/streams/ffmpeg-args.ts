import { STRIPE_BLOCKS, STRIPE_DATA_BITS, DAY_MS, stripeBlockPx } from './stripe';

/**
 * ffmpeg command lines per source. Pure: tested table-driven, no I/O.
 * Flags measured on this ffmpeg (static 2018 build ≈ 4.1), see shared/notes/VIDEO.md:
 * - RTSP socket timeout is `-stimeout <µs>`; `-timeout` would make the client LISTEN.
 * - `-analyzeduration 0 -probesize 32` gives the first TS byte in ~80 ms; `-fflags nobuffer` is slower.
 */

export type SourceKind = 'rtsp' | 'http' | 'hls' | 'file' | 'synthetic';
export type Codec = 'h264' | 'h265' | 'mjpeg';

export interface ArgsSource {
  type: SourceKind;
  url: string;
  codec?: Codec;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface BuildArgsOptions {
  source: ArgsSource;
  /** Burnt into synthetic streams. */
  cameraName: string;
  /** Injected into rtsp/http(s) URLs (never stored in the synced row). */
  credentials?: Credentials | null;
  /** Network read timeout (RTSP `-stimeout`, HTTP `-rw_timeout`), ms. */
  timeoutMs?: number;
  /** Local-time offset for the synthetic clock and stripe (−getTimezoneOffset()·60 000). */
  tzOffsetMs?: number;
  fonts?: { regular: string; bold: string };
  /** -output_ts_offset: keeps timestamps monotonic when a pull restarts under connected viewers. */
  tsOffsetSec?: number;
}

export const DEFAULT_FONTS = {
  regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
};

/** Same output for every source: video only, MPEG-TS, no mux delay, flushed per packet, on stdout. */
export const OUTPUT_ARGS = ['-an', '-sn', '-dn', '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1', 'pipe:1'];

/** Chromium cannot play HEVC / MJPEG through MSE: those are transcoded, H.264 is remuxed. */
export const TRANSCODE_ARGS = ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-bf', '0', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p'];

export function parseSynthetic(url: string): { width: number; height: number; rate: number } {
  const q = url.includes('?') ? new URLSearchParams(url.slice(url.indexOf('?') + 1)) : new URLSearchParams();
  const m = /^(\d{2,4})x(\d{2,4})$/.exec(q.get('size') ?? '');
  const even = (n: number) => Math.max(64, Math.min(3840, n - (n % 2)));
  const width = m ? even(Number(m[1])) : 640;
  const height = m ? even(Number(m[2])) : 360;
  const r = Number(q.get('rate'));
  const rate = Number.isInteger(r) && r >= 1 && r <= 60 ? r : 15;
  return { width, height, rate };
}

/** user:password@ into an rtsp/http(s) URL; an URL that already carries credentials is left as it is. */
export function injectCredentials(url: string, creds: Credentials | null | undefined): string {
  if (!creds) return url;
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!m || m[2].includes('@')) return url;
  return `${m[1]}${encodeURIComponent(creds.username)}:${encodeURIComponent(creds.password)}@${m[2]}${m[3]}`;
}

/** Text for drawtext inside a single-quoted option: no quote/backslash, ':' escaped for the option parser. */
export function drawtextLiteral(s: string): string {
  return s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/['\\]/g, '')
    .replace(/:/g, '\\:')
    .slice(0, 120);
}

/**
 * Filter chain of a synthetic source: pts := wall clock (ms), then the stripe and the clock are drawn
 * from `t` (so they show when the frame was really made, not ffmpeg's start time + n/rate), then pts is
 * made constant-rate again for the encoder. The stripe uses drawbox with per-frame `enable` expressions:
 * 32 small fills are cheaper than a per-pixel geq over a second input.
 */
export function syntheticFilter(o: { width: number; height: number; rate: number; name: string; tzOffsetMs: number; fonts: { regular: string; bold: string } }): string {
  const B = stripeBlockPx(o.width);
  const off = ((Math.round(o.tzOffsetMs) % DAY_MS) + DAY_MS) % DAY_MS;
  // V = ms since local midnight at this frame (see stripe.ts).
  const V = `mod(floor(t*1000+0.5)+${off},${DAY_MS})`;
  const bit = (b: number) => `mod(floor(${V}/${2 ** b}),2)`;
  const box = (i: number, enable?: string) => `drawbox=x=${i * B}:y=0:w=${B}:h=${B}:color=white:t=fill${enable ? `:enable='${enable}'` : ''}`;
  const parts: string[] = ['settb=1/1000', 'setpts=floor(RTCTIME/1000)', `drawbox=x=0:y=0:w=${STRIPE_BLOCKS * B}:h=${B}:color=black:t=fill`, box(0), box(30)];
  const dataBits: number[] = [];
  for (let k = 0; k < STRIPE_DATA_BITS; k++) dataBits.push(STRIPE_DATA_BITS - 1 - k);
  dataBits.forEach((b, k) => parts.push(box(2 + k, bit(b))));
  parts.push(box(29, `mod(${dataBits.map(bit).join('+')},2)`));
  const two = (expr: string) => `%{eif\\:${expr}\\:d\\:2}`;
  const clock =
    `${two(`mod(floor((t*1000+${off})/3600000),24)`)}\\:${two(`mod(floor((t*1000+${off})/60000),60)`)}\\:` +
    `${two(`mod(floor((t*1000+${off})/1000),60)`)}.%{eif\\:mod(floor(t*1000+0.5),1000)\\:d\\:3}`;
  const clockSize = Math.max(12, Math.round(o.height / 14));
  const nameSize = Math.max(10, Math.round(o.height / 18));
  parts.push(
    `drawtext=fontfile=${o.fonts.bold}:fontsize=${clockSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=w-tw-12:y=h-th-12:text='${clock}'`,
    `drawtext=fontfile=${o.fonts.regular}:expansion=none:fontsize=${nameSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=w-tw-12:y=h-th-${clockSize + 24}:text='${drawtextLiteral(o.name)}'`,
    'settb=1/90000',
    `setpts=N*${Math.round(90000 / o.rate)}`,
  );
  return parts.join(',');
}

function fileUrlToPath(url: string): string {
  return url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
}

/** The full ffmpeg argv (without the binary) for one source. */
export function buildFfmpegArgs(o: BuildArgsOptions): string[] {
  const { source } = o;
  const timeoutUs = String(Math.round((o.timeoutMs ?? 5000) * 1000));
  const head = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];
  const transcode = source.codec === 'h265' || source.codec === 'mjpeg';
  const offset = o.tsOffsetSec ? ['-output_ts_offset', o.tsOffsetSec.toFixed(3)] : [];
  const video = (tc: boolean) => ['-map', '0:v:0', ...(tc ? TRANSCODE_ARGS : ['-c:v', 'copy']), ...offset];
  switch (source.type) {
    case 'rtsp':
      return [...head, '-rtsp_transport', 'tcp', '-stimeout', timeoutUs, '-analyzeduration', '0', '-probesize', '32', '-i', injectCredentials(source.url, o.credentials), ...video(transcode), ...OUTPUT_ARGS];
    case 'http': {
      const isHls = /\.m3u8(\?|$)/i.test(source.url);
      if (isHls) return buildFfmpegArgs({ ...o, source: { ...source, type: 'hls' } });
      // MPEG-TS / FLV over http(s), e.g. a MediaMTX/go2rtc relay. A live stream has no length:
      // reconnect_streamed lets ffmpeg reconnect it; rw_timeout ends a stalled read.
      return [
        ...head,
        '-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '2', '-rw_timeout', timeoutUs,
        '-analyzeduration', '500000', '-probesize', '500000',
        '-i', injectCredentials(source.url, o.credentials), ...video(transcode), ...OUTPUT_ARGS,
      ];
    }
    case 'hls':
      // Start at the newest segment: the wall wants now, not 3 segments ago.
      return [...head, '-live_start_index', '-1', '-rw_timeout', timeoutUs, '-i', injectCredentials(source.url, o.credentials), ...video(transcode), ...OUTPUT_ARGS];
    case 'file':
      return [...head, '-re', '-stream_loop', '-1', '-i', fileUrlToPath(source.url), ...video(transcode), ...OUTPUT_ARGS];
    case 'synthetic': {
      const s = parseSynthetic(source.url);
      const filter = syntheticFilter({ ...s, name: o.cameraName, tzOffsetMs: o.tzOffsetMs ?? 0, fonts: o.fonts ?? DEFAULT_FONTS });
      // crf 28: a test pattern needs no more, and it saves ~25 % CPU and half the bitrate per demo camera.
      return [...head, '-re', '-f', 'lavfi', '-i', `testsrc2=size=${s.width}x${s.height}:rate=${s.rate}`, '-vf', filter, ...video(true), '-crf', '28', ...OUTPUT_ARGS];
    }
  }
}
