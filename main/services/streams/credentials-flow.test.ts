import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Camera } from '../../../shared/domain/entities';
import { streamUrl, type StreamHealth } from '../../../shared/video/streams';
import { createStreamsService, type StreamsService } from './index';
import { ffmpegPids, makeClip, startRtspServer, waitFor, type RtspServer } from './testing/helpers';

/**
 * An operator enters a camera's login in the console: a real RTSP camera (GStreamer) that requires
 * Basic auth refuses the stream until then, plays right after (no waiting out the backoff), and the
 * password is neither on disk in clear nor in any log line.
 */
const LOGIN = { username: 'giamsat', password: 'Tr@My-cam-2026!' };
let dir: string;
let rtsp: RtspServer;
let svc: StreamsService;
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-creds-'));
  rtsp = await startRtspServer({ '/cam': makeClip(dir) }, undefined, LOGIN);
  const cameras: Camera[] = [{ id: 'cho', name: 'Chợ Trà My', group: 'market', unitId: null, location: [108.23, 15.34], enabled: true, sources: { sub: { type: 'rtsp', url: rtsp.url('/cam') } } }];
  svc = createStreamsService({
    dataDir: join(dir, 'data'),
    log: (level, msg, meta) => logLines.push(JSON.stringify({ level, msg, ...meta })),
    cameras: () => cameras,
    allowedOrigins: [],
    // Long backoff: only the restart on "credentials changed" can bring the picture back quickly.
    hub: { backoffMinMs: 30_000, backoffMaxMs: 60_000 },
  });
  await svc.start();
}, 60_000);

afterAll(async () => {
  await svc?.dispose();
  await rtsp?.stop();
  expect(ffmpegPids(process.pid)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('camera credentials entered by an operator', () => {
  it('turns a refused camera into a live one at once, and keeps the password out of disk and logs', async () => {
    let health: StreamHealth[] = [];
    svc.onHealth((all) => (health = all));
    const ws = new WebSocket(streamUrl(svc.endpoint(), 'cho', 'sub'));
    let bytes = 0;
    ws.on('message', (d: Buffer) => (bytes += d.length));
    await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));

    // Without a login the camera answers 401: the tile says why instead of freezing.
    const refused = await waitFor(() => svc.health().find((h) => h.cameraId === 'cho' && h.state === 'reconnecting' && h.lastError), 20_000);
    expect(refused.lastError).toMatch(/401|Unauthorized|authoriz/i);
    expect(bytes).toBe(0);

    const t0 = Date.now();
    svc.setCredentials('cho', LOGIN);
    await waitFor(() => bytes > 50_000, 20_000);
    const tookMs = Date.now() - t0;
    expect(tookMs).toBeLessThan(25_000); // well under the 30 s backoff the pull was waiting out
    await waitFor(() => health.find((h) => h.cameraId === 'cho' && h.state === 'live'), 5_000);
    expect(svc.credentialIds()).toEqual(['cho']);

    const files = readdirSync(join(dir, 'data'), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, 'data', f)).filter((f) => statSync(f).isFile());
    expect(files.some((f) => f.endsWith('camera-credentials.json'))).toBe(true);
    const onDisk = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
    expect(onDisk).not.toContain(LOGIN.password);
    expect(logLines.join('\n')).not.toContain(LOGIN.password);
    expect(logLines.join('\n')).toContain('camera credentials stored');

    // Removing the login: the camera refuses again after the restart.
    svc.setCredentials('cho', null);
    expect(svc.credentialIds()).toEqual([]);
    await waitFor(() => svc.health().find((h) => h.cameraId === 'cho' && h.state === 'reconnecting'), 20_000);
    ws.close();
  }, 90_000);
});
