import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Camera } from '../../../shared/domain/entities';
import { streamUrl, type StreamHealth } from '../../../shared/video/streams';
import { createStreamsService, type StreamsService } from './index';
import { ffmpegPids, freePort, inspectTs, makeClip, startRtspServer, waitFor, type RtspServer } from './testing/helpers';

const PASSWORD = 'Tr@My-s3cret:2026';
let dir: string;
let rtsp: RtspServer;
let svc: StreamsService;
let ep: { baseUrl: string; token: string };
const logLines: string[] = [];
const healthSeen: StreamHealth[][] = [];

const cam = (id: string, url: string): Camera => ({
  id, name: `Camera ${id}`, group: 'security', unitId: null, location: [108.2, 15.1], enabled: true,
  sources: { sub: { type: 'rtsp', url } },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-server-'));
  rtsp = await startRtspServer({ '/cam': makeClip(dir) });
  const dead = await freePort();
  const cameras = [cam('live', rtsp.url('/cam')), cam('dead', `rtsp://127.0.0.1:${dead}/cam`)];
  svc = createStreamsService({
    dataDir: join(dir, 'data'),
    log: (level, msg, meta) => logLines.push(JSON.stringify({ level, msg, ...meta })),
    cameras: () => cameras,
    allowedOrigins: ['app://ioc', 'http://127.0.0.1:5173'],
    idleGraceMs: 500,
    hub: { backoffMinMs: 100, backoffMaxMs: 300 },
  });
  svc.credentials.set('live', { username: 'admin', password: PASSWORD });
  svc.credentials.set('dead', { username: 'admin', password: PASSWORD });
  await svc.start();
  svc.onHealth((all) => healthSeen.push(all));
  ep = svc.endpoint();
}, 60_000);

afterAll(async () => {
  await svc?.dispose();
  await rtsp?.stop();
  expect(ffmpegPids(process.pid)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Open a socket; resolves with the HTTP status of a refused upgrade, or the open socket and the
 * messages it receives (collected from the start: the GOP cache arrives right with the upgrade).
 */
function connect(url: string, origin?: string): Promise<{ status: number } | { ws: WebSocket; chunks: Buffer[]; binary: () => boolean; firstMs: () => number }> {
  return new Promise((ok, fail) => {
    const t0 = Date.now();
    let first = 0;
    const ws = new WebSocket(url, origin ? { origin } : {});
    const chunks: Buffer[] = [];
    let allBinary = true;
    ws.on('message', (d, isBinary) => {
      first ||= Date.now();
      allBinary &&= isBinary;
      chunks.push(d as Buffer);
    });
    ws.once('unexpected-response', (_req, res) => {
      ok({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('open', () => ok({ ws, chunks, binary: () => allBinary, firstMs: () => first - t0 }));
    ws.once('error', (e) => fail(e));
  });
}

describe('stream server', () => {
  it('serves binary MPEG-TS to a client with the token, from an allowed or absent origin', async () => {
    for (const origin of [undefined, 'app://ioc']) {
      const r = await connect(streamUrl(ep, 'live', 'sub'), origin);
      expect('ws' in r).toBe(true);
      const { ws, chunks, binary, firstMs } = r as { ws: WebSocket; chunks: Buffer[]; binary: () => boolean; firstMs: () => number };
      await waitFor(() => Buffer.concat(chunks).length > 20_000, 10_000);
      expect(binary()).toBe(true);
      const ts = inspectTs(Buffer.concat(chunks));
      expect(ts).toMatchObject({ syncOk: true, streamType: 0x1b });
      expect(ts.firstKeyframeAt).toBeGreaterThan(ts.pmtAt);
      // The second connection joins a warm stream: it starts with PAT, PMT, keyframe.
      if (origin) {
        expect(ts).toMatchObject({ patAt: 0, pmtAt: 1, firstKeyframeAt: 2 });
        expect(firstMs()).toBeLessThan(400);
      }
      console.log(`[numbers] over WebSocket: ${origin ? 'warm (GOP cache) first frame' : 'cold first byte'} ${firstMs()} ms`);
      ws.close();
    }
    expect(ep.baseUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  }, 20_000);

  it.each([
    ['missing token', (u: string) => u.replace(/\?token=.*/, ''), undefined, 401],
    ['wrong token', (u: string) => u.replace(/token=[^&]+/, 'token=nope'), undefined, 401],
    ['wrong path', (u: string) => u.replace('/stream/live/sub', '/video/live/sub'), undefined, 404],
    ['unknown camera', (u: string) => u.replace('/stream/live/', '/stream/nope/'), undefined, 404],
    ['unknown profile', (u: string) => u.replace('/sub?', '/main?'), undefined, 404],
    ['foreign origin', (u: string) => u, 'http://evil.example', 403],
  ])('refuses %s', async (_name, mutate, origin, status) => {
    expect(await connect(mutate(streamUrl(ep, 'live', 'sub')), origin)).toEqual({ status });
  });

  it('closes a client that sends anything (one-way stream)', async () => {
    const { ws } = (await connect(streamUrl(ep, 'live', 'sub'))) as { ws: WebSocket };
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('hello');
    expect(await closed).toBe(1003);
  });

  it('answers plain HTTP with 426', async () => {
    const res = await fetch(ep.baseUrl.replace('ws:', 'http:') + '/stream/live/sub');
    expect(res.status).toBe(426);
  });

  it('credentials reach ffmpeg but never the logs or health', async () => {
    const { ws } = (await connect(streamUrl(ep, 'live', 'sub'))) as { ws: WebSocket };
    const dead = (await connect(streamUrl(ep, 'dead', 'sub'))) as { ws: WebSocket };
    await waitFor(() => (svc.health().find((h) => h.cameraId === 'dead')?.restarts ?? 0) >= 2, 10_000);
    await waitFor(() => svc.health().find((h) => h.cameraId === 'dead')!.lastError, 10_000);
    // Injected at spawn: ffmpeg's command line has the (URL-encoded) password.
    const cmdlines = svc.pids().map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8'));
    expect(cmdlines.some((c) => c.includes(encodeURIComponent(PASSWORD)))).toBe(true);
    await new Promise((r) => setTimeout(r, 1200)); // let a health event go out
    ws.close();
    dead.ws.close();
    const everything = [...logLines, JSON.stringify(svc.health()), JSON.stringify(healthSeen), JSON.stringify(svc.healthReport())].join('\n');
    expect(everything).toContain('Connection refused');
    expect(everything).toContain('admin:***@127.0.0.1'); // ffmpeg echoed the URL: redacted
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD), 'Tr@My', 'Tr%40My']) expect(everything).not.toContain(form);
    expect(svc.healthReport().state).toBe('degraded');
    expect(healthSeen.length).toBeGreaterThan(0);
  }, 20_000);
});
