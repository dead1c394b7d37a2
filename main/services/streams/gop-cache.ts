/**
 * MPEG-TS reader that keeps what a new viewer needs to show a picture at once:
 * the latest PAT and PMT, plus every packet since the last video keyframe (GOP cache).
 *
 * A keyframe is a video PES start whose adaptation field has random_access_indicator set (ffmpeg's
 * muxer sets it) or whose first packet carries an H.264 IDR (NAL 5) / SPS (NAL 7), or an HEVC IRAP
 * (NAL 16–21) / VPS (32), so streams muxed elsewhere work too.
 */

export const TS_PACKET = 188;
const SYNC = 0x47;

export interface TsStats {
  /** Video PES starts (≈ frames) seen since the last `takeStats()`. */
  frames: number;
  keyframes: number;
  bytes: number;
}

export class GopCache {
  private rest: Buffer | null = null;
  private pat: Buffer | null = null;
  private pmt: Buffer | null = null;
  private pmtPid = -1;
  private videoPid = -1;
  private streamType = -1;
  private gop: Buffer[] = [];
  private gopBytes = 0;
  private haveKeyframe = false;
  private stats: TsStats = { frames: 0, keyframes: 0, bytes: 0 };

  /** Upper bound for the cache: a camera that never sends a keyframe must not grow memory. */
  constructor(private readonly maxGopBytes = 8 * 1024 * 1024) {}

  /**
   * Feed raw bytes from ffmpeg. Returns the whole packets in this chunk (aligned, possibly empty),
   * which is what live viewers get: cache + everything returned afterwards is a continuous stream.
   */
  push(chunk: Buffer): Buffer {
    let buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    // Resync if ffmpeg's output ever starts mid-packet.
    let start = 0;
    while (start < buf.length && !(buf[start] === SYNC && (start + TS_PACKET >= buf.length || buf[start + TS_PACKET] === SYNC))) start++;
    if (start > 0) buf = buf.subarray(start);
    const whole = buf.length - (buf.length % TS_PACKET);
    if (whole < buf.length) this.rest = Buffer.from(buf.subarray(whole));
    const out = buf.subarray(0, whole);
    for (let off = 0; off < whole; off += TS_PACKET) this.packet(out.subarray(off, off + TS_PACKET));
    this.stats.bytes += whole;
    return out;
  }

  /** PAT + PMT + packets since the last keyframe; null until a keyframe was seen. */
  snapshot(): Buffer | null {
    if (!this.pat || !this.pmt || !this.haveKeyframe) return null;
    return Buffer.concat([this.pat, this.pmt, ...this.gop]);
  }

  /** H.264 = 0x1b, HEVC = 0x24; -1 until the PMT was seen. */
  videoStreamType(): number {
    return this.streamType;
  }

  takeStats(): TsStats {
    const s = this.stats;
    this.stats = { frames: 0, keyframes: 0, bytes: 0 };
    return s;
  }

  reset(): void {
    this.rest = null;
    this.pat = this.pmt = null;
    this.pmtPid = this.videoPid = this.streamType = -1;
    this.gop = [];
    this.gopBytes = 0;
    this.haveKeyframe = false;
  }

  private packet(p: Buffer): void {
    if (p[0] !== SYNC) return;
    const pusi = (p[1] & 0x40) !== 0;
    const pid = ((p[1] & 0x1f) << 8) | p[2];
    const afc = (p[3] >> 4) & 3;
    let payload = 4;
    let rai = false;
    if (afc & 2) {
      const afLen = p[4];
      if (afLen > 0) rai = (p[5] & 0x40) !== 0;
      payload = 5 + afLen;
    }
    const hasPayload = (afc & 1) !== 0 && payload < TS_PACKET;

    if (pid === 0) {
      this.pat = Buffer.from(p);
      if (pusi && hasPayload) this.parsePat(p.subarray(payload));
      return;
    }
    if (pid === this.pmtPid) {
      this.pmt = Buffer.from(p);
      if (pusi && hasPayload) this.parsePmt(p.subarray(payload));
      return;
    }
    if (pid === this.videoPid && pusi) {
      this.stats.frames++;
      if (rai || (hasPayload && this.payloadHasKeyframe(p.subarray(payload)))) {
        this.stats.keyframes++;
        this.haveKeyframe = true;
        this.gop = [];
        this.gopBytes = 0;
      }
    }
    if (!this.haveKeyframe) return;
    if (this.gopBytes + TS_PACKET > this.maxGopBytes) {
      // Too long without a keyframe: forget it; the next keyframe starts a fresh cache.
      this.haveKeyframe = false;
      this.gop = [];
      this.gopBytes = 0;
      return;
    }
    this.gop.push(Buffer.from(p));
    this.gopBytes += TS_PACKET;
  }

  /** Section payload after pointer_field. */
  private section(payload: Buffer): Buffer | null {
    if (payload.length < 1) return null;
    const s = 1 + payload[0];
    return s < payload.length ? payload.subarray(s) : null;
  }

  private parsePat(payload: Buffer): void {
    const sec = this.section(payload);
    if (!sec || sec[0] !== 0x00 || sec.length < 8) return;
    const len = ((sec[1] & 0x0f) << 8) | sec[2];
    const end = Math.min(sec.length, 3 + len - 4);
    for (let i = 8; i + 4 <= end; i += 4) {
      const program = (sec[i] << 8) | sec[i + 1];
      if (program !== 0) {
        this.pmtPid = ((sec[i + 2] & 0x1f) << 8) | sec[i + 3];
        return;
      }
    }
  }

  private parsePmt(payload: Buffer): void {
    const sec = this.section(payload);
    if (!sec || sec[0] !== 0x02 || sec.length < 12) return;
    const len = ((sec[1] & 0x0f) << 8) | sec[2];
    const end = Math.min(sec.length, 3 + len - 4);
    const infoLen = ((sec[10] & 0x0f) << 8) | sec[11];
    for (let i = 12 + infoLen; i + 5 <= end; ) {
      const type = sec[i];
      const pid = ((sec[i + 1] & 0x1f) << 8) | sec[i + 2];
      const esLen = ((sec[i + 3] & 0x0f) << 8) | sec[i + 4];
      if (type === 0x1b || type === 0x24 || type === 0x02 || type === 0x10) {
        this.videoPid = pid;
        this.streamType = type;
        return;
      }
      i += 5 + esLen;
    }
  }

  /** Scan the first packet of a PES for an IDR/SPS (H.264) or IRAP/VPS (HEVC) NAL. */
  private payloadHasKeyframe(pl: Buffer): boolean {
    let i = 0;
    if (pl.length >= 9 && pl[0] === 0 && pl[1] === 0 && pl[2] === 1) i = 9 + pl[8]; // skip PES header
    const hevc = this.streamType === 0x24;
    for (; i + 3 < pl.length; i++) {
      if (pl[i] === 0 && pl[i + 1] === 0 && pl[i + 2] === 1) {
        const b = pl[i + 3];
        if (hevc) {
          const t = (b >> 1) & 0x3f;
          if ((t >= 16 && t <= 21) || t === 32) return true;
        } else {
          const t = b & 0x1f;
          if (t === 5 || t === 7) return true;
        }
        i += 2;
      }
    }
    return false;
  }
}
