/** Test helpers: real ffmpeg clips, a real RTSP server (GStreamer), process-table checks. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultFfmpegPath } from '../index';
import type { Viewer } from '../stream-hub';

export const FFMPEG = defaultFfmpegPath();
const RTSP_SCRIPT = join(import.meta.dirname, 'rtsp-server.py');

/** H.264 320x180@15, GOP 30, MPEG-TS. */
export function makeClip(dir: string, name = 'clip.ts', seconds = 120, size = '320x180'): string {
  const out = join(dir, name);
  if (existsSync(out)) return out;
  const r = spawnSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=15`, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-bf', '0', '-t', String(seconds), '-y', out]);
  if (r.status !== 0) throw new Error(`clip failed: ${r.stderr}`);
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export interface RtspServer {
  port: number;
  url(mount: string): string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** GStreamer RTSP server on 127.0.0.1 serving `mounts` ({ '/cam': '/tmp/clip.ts' }), optionally behind a Basic login. */
export async function startRtspServer(mounts: Record<string, string>, port?: number, auth?: { username: string; password: string }): Promise<RtspServer> {
  const p = port ?? (await freePort());
  const env = { ...process.env, RTSP_AUTH: auth ? `${auth.username}:${auth.password}` : '' };
  const proc = spawn('/usr/bin/python3', [RTSP_SCRIPT, String(p), ...Object.entries(mounts).map(([m, f]) => `${m}=${f}`)], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let err = '';
  proc.stderr!.on('data', (d) => (err += String(d)));
  await new Promise<void>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`rtsp server not ready: ${err}`)), 15_000);
    createInterface({ input: proc.stdout! }).once('line', (l) => {
      clearTimeout(t);
      if (l.trim() === 'ready') ok();
      else fail(new Error(`rtsp server said ${l}`));
    });
    proc.once('exit', (c) => {
      clearTimeout(t);
      fail(new Error(`rtsp server exited ${c}: ${err}`));
    });
  });
  return {
    port: p,
    proc,
    url: (mount) => `rtsp://127.0.0.1:${p}${mount}`,
    stop: () =>
      new Promise<void>((ok) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return ok();
        proc.once('exit', () => ok());
        proc.kill('SIGCONT');
        proc.kill('SIGKILL');
      }),
  };
}

function ppidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Live processes running the npm ffmpeg, optionally only children of `parent`. */
export function ffmpegPids(parent?: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
      if (argv0 !== FFMPEG) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue; // zombie = dead
      if (parent === undefined || ppidOf(pid) === parent) out.push(pid);
    } catch {
      /* gone */
    }
  }
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** CPU time (user+sys) of a process in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

/** A viewer that records every chunk with its arrival time. */
export class SinkViewer implements Viewer {
  chunks: { at: number; data: Buffer }[] = [];
  closed: { code: number; reason: string } | null = null;
  buffered = 0;
  send(data: Buffer): void {
    this.chunks.push({ at: Date.now(), data: Buffer.from(data) });
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks.map((c) => c.data));
  }
}

/** Independent check of an MPEG-TS byte string: sync bytes, PAT, PMT, video stream type, keyframe. */
export function inspectTs(buf: Buffer): { packets: number; syncOk: boolean; patAt: number; pmtAt: number; streamType: number; firstKeyframeAt: number } {
  const packets = Math.floor(buf.length / 188);
  let syncOk = buf.length % 188 === 0 && packets > 0;
  let pmtPid = -1;
  let videoPid = -1;
  let streamType = -1;
  let patAt = -1;
  let pmtAt = -1;
  let firstKeyframeAt = -1;
  for (let i = 0; i < packets; i++) {
    const p = buf.subarray(i * 188, i * 188 + 188);
    if (p[0] !== 0x47) syncOk = false;
    const pid = ((p[1] & 0x1f) << 8) | p[2];
    const pusi = (p[1] & 0x40) !== 0;
    const afc = (p[3] >> 4) & 3;
    const start = afc & 2 ? 5 + p[4] : 4;
    if (pid === 0 && pusi && patAt < 0) {
      patAt = i;
      const s = p.subarray(start + 1 + p[start]);
      pmtPid = ((s[10] & 0x1f) << 8) | s[11];
    } else if (pid === pmtPid && pusi && pmtAt < 0) {
      pmtAt = i;
      const s = p.subarray(start + 1 + p[start]);
      const infoLen = ((s[10] & 0x0f) << 8) | s[11];
      streamType = s[12 + infoLen];
      videoPid = ((s[13 + infoLen] & 0x1f) << 8) | s[14 + infoLen];
    } else if (pid === videoPid && pusi && firstKeyframeAt < 0) {
      const rai = afc & 2 && p[4] > 0 && (p[5] & 0x40) !== 0;
      const pl = p.subarray(start);
      let idr = false;
      for (let j = 0; j + 3 < pl.length; j++) if (pl[j] === 0 && pl[j + 1] === 0 && pl[j + 2] === 1 && ((pl[j + 3] & 0x1f) === 5 || (pl[j + 3] & 0x1f) === 7)) idr = true;
      if (rai || idr) firstKeyframeAt = i;
    }
  }
  return { packets, syncOk, patAt, pmtAt, streamType, firstKeyframeAt };
}

/** Decode the first frame of an MPEG-TS byte string to RGBA with the npm ffmpeg. */
export function firstFrameRgba(ts: Buffer, width: number, height: number): Uint8ClampedArray {
  const r = spawnSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'mpegts', '-i', '-', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { input: ts, maxBuffer: 64 * 1024 * 1024 });
  if (r.stdout.length < width * height * 4) throw new Error(`decode failed: ${r.stderr}`);
  return new Uint8ClampedArray(r.stdout.buffer, r.stdout.byteOffset, width * height * 4);
}
