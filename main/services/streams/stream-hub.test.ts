import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamSource } from '../../../shared/video/streams';
import { decodeTimestampStripe, stripeAgeMs } from './stripe';
import { StreamHub, type StreamHubOptions } from './stream-hub';
import { alive, cpuSeconds, FFMPEG, ffmpegPids, firstFrameRgba, freePort, inspectTs, makeClip, SinkViewer, sleep, startRtspServer, waitFor, type RtspServer } from './testing/helpers';

let dir: string;
let clip: string;
let rtsp: RtspServer;
const hubs: StreamHub[] = [];

function makeHub(sources: Record<string, StreamSource>, opts: Partial<StreamHubOptions> = {}): StreamHub {
  const hub = new StreamHub({
    ffmpegPath: FFMPEG,
    dataDir: join(dir, `hub-${hubs.length}`),
    log: () => {},
    resolve: (id, profile) => (sources[`${id}/${profile}`] ? { name: `Camera ${id}`, source: sources[`${id}/${profile}`] } : null),
    idleGraceMs: 1000,
    ...opts,
  });
  hubs.push(hub);
  return hub;
}
const healthOf = (hub: StreamHub, id: string) => hub.health().find((h) => h.cameraId === id)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-hub-'));
  clip = makeClip(dir);
  rtsp = await startRtspServer({ '/cam': clip, '/cam2': clip });
}, 60_000);

afterAll(async () => {
  await Promise.all(hubs.map((h) => h.dispose()));
  await rtsp?.stop();
  expect(ffmpegPids(process.pid)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('StreamHub with a real RTSP camera', () => {
  it('remuxes RTSP to MPEG-TS, shares one ffmpeg, gives late viewers the GOP at once, stops when idle', async () => {
    const hub = makeHub({ 'a/sub': { type: 'rtsp', url: rtsp.url('/cam') } });
    const v1 = new SinkViewer();
    const t0 = Date.now();
    const off1 = hub.subscribe('a', 'sub', v1);
    await waitFor(() => v1.chunks.length > 0, 10_000, 5);
    const coldFirstByteMs = v1.chunks[0].at - t0;
    await sleep(2500);

    const ts = inspectTs(v1.bytes());
    expect(ts.syncOk).toBe(true);
    expect(ts.patAt).toBeGreaterThanOrEqual(0);
    expect(ts.pmtAt).toBeGreaterThan(ts.patAt);
    expect(ts.streamType).toBe(0x1b); // H.264, copied not transcoded
    expect(ts.firstKeyframeAt).toBeGreaterThan(ts.pmtAt);
    const h = healthOf(hub, 'a');
    expect(h).toMatchObject({ state: 'live', source: 'primary', viewers: 1, restarts: 0, lastError: null });
    expect(h.fps).toBeGreaterThan(10);
    expect(h.bitrateKbps).toBeGreaterThan(10);

    // Warm join: PAT + PMT + keyframe in the very first chunk, immediately.
    const v2 = new SinkViewer();
    const t1 = Date.now();
    const off2 = hub.subscribe('a', 'sub', v2);
    await waitFor(() => v2.chunks.length > 0, 2000, 1);
    const warmFirstFrameMs = v2.chunks[0].at - t1;
    const first = inspectTs(v2.chunks[0].data);
    expect(first).toMatchObject({ syncOk: true, patAt: 0, pmtAt: 1, streamType: 0x1b, firstKeyframeAt: 2 });
    expect(warmFirstFrameMs).toBeLessThan(400);
    // ...and it decodes to a picture on its own.
    expect(firstFrameRgba(v2.chunks[0].data, 320, 180).length).toBe(320 * 180 * 4);

    const v3 = new SinkViewer();
    const off3 = hub.subscribe('a', 'sub', v3);
    await sleep(300);
    const pids = ffmpegPids(process.pid);
    expect(pids).toHaveLength(1);
    expect(healthOf(hub, 'a').viewers).toBe(3);

    // CPU of one remux ffmpeg (320x180@15), informational.
    const c0 = cpuSeconds(pids[0]);
    await sleep(3000);
    const cpuPct = ((cpuSeconds(pids[0]) - c0) / 3) * 100;
    console.log(`[numbers] rtsp cold first byte ${coldFirstByteMs} ms, warm first frame (GOP cache) ${warmFirstFrameMs} ms, remux CPU ${cpuPct.toFixed(1)} % of a core`);
    expect(cpuPct).toBeLessThan(20);

    off1();
    off2();
    off3();
    await sleep(500);
    expect(alive(pids[0])).toBe(true); // grace period: still running
    await waitFor(() => !alive(pids[0]), 3000);
    expect(ffmpegPids(process.pid)).toEqual([]);
    expect(healthOf(hub, 'a')).toMatchObject({ state: 'idle', viewers: 0 });
  }, 30_000);

  it('drops a slow viewer without disturbing the others', async () => {
    const hub = makeHub({ 'a/sub': { type: 'rtsp', url: rtsp.url('/cam') } }, { maxViewerBufferBytes: 1000 });
    const fast = new SinkViewer();
    const slow = new SinkViewer();
    hub.subscribe('a', 'sub', fast);
    hub.subscribe('a', 'sub', slow);
    await waitFor(() => fast.chunks.length > 0);
    slow.buffered = 5000;
    const n = fast.chunks.length;
    await waitFor(() => slow.closed);
    expect(slow.closed!.code).toBe(4008);
    await waitFor(() => fast.chunks.length > n + 5);
    expect(fast.closed).toBeNull();
    expect(healthOf(hub, 'a').viewers).toBe(1);
    await hub.dispose();
  }, 20_000);

  it('watchdog: a stalled source goes to reconnecting within the watchdog time, then live again', async () => {
    const cam = await startRtspServer({ '/cam': clip });
    const hub = makeHub({ 'w/sub': { type: 'rtsp', url: cam.url('/cam') } }, { watchdogMs: 2000, sourceTimeoutMs: 30_000, backoffMinMs: 200, backoffMaxMs: 1000 });
    const states: string[] = [];
    hub.onHealth((all) => states.push(all[0].state));
    const v = new SinkViewer();
    hub.subscribe('w', 'sub', v);
    await waitFor(() => healthOf(hub, 'w').state === 'live', 10_000);

    // Freeze the camera: its TCP socket stays open (like RTCP keeping ffmpeg alive), no more bytes.
    cam.proc.kill('SIGSTOP');
    const stalledAt = Date.now();
    await waitFor(() => healthOf(hub, 'w').state === 'reconnecting', 5000, 20);
    const detectMs = Date.now() - stalledAt;
    expect(detectMs).toBeLessThan(2000 + 700);
    expect(healthOf(hub, 'w').lastError).toContain('watchdog');

    // Camera dies and comes back on the same address.
    await cam.stop();
    await sleep(1500);
    expect(healthOf(hub, 'w').state).toBe('reconnecting');
    const back = await startRtspServer({ '/cam': clip }, cam.port);
    const chunks = v.chunks.length;
    await waitFor(() => healthOf(hub, 'w').state === 'live', 10_000);
    await waitFor(() => v.chunks.length > chunks + 5);
    expect(healthOf(hub, 'w').restarts).toBeGreaterThanOrEqual(2);
    expect(states).toContain('reconnecting');
    console.log(`[numbers] watchdog detected a stalled source in ${detectMs} ms (watchdog 2000 ms)`);
    await hub.dispose();
    await back.stop();
  }, 40_000);

  it('fails over to the backup source and returns to the primary when it is back', async () => {
    const primaryPort = await freePort();
    const hub = makeHub(
      { 'f/sub': { type: 'rtsp', url: `rtsp://127.0.0.1:${primaryPort}/cam`, backup: { type: 'rtsp', url: rtsp.url('/cam2') } } },
      { failoverAfter: 2, backoffMinMs: 200, primaryRetryMs: 2500 },
    );
    const v = new SinkViewer();
    hub.subscribe('f', 'sub', v);
    await waitFor(() => healthOf(hub, 'f').state === 'live', 10_000);
    expect(healthOf(hub, 'f').source).toBe('backup');
    expect(healthOf(hub, 'f').restarts).toBe(2);

    // Primary retry while it is still down: back to the backup at once.
    await sleep(3000);
    await waitFor(() => healthOf(hub, 'f').state === 'live' && healthOf(hub, 'f').source === 'backup', 5000);

    const primary = await startRtspServer({ '/cam': clip }, primaryPort);
    await waitFor(() => healthOf(hub, 'f').source === 'primary' && healthOf(hub, 'f').state === 'live', 8000);
    const n = v.chunks.length;
    await waitFor(() => v.chunks.length > n + 5);
    await hub.dispose();
    await primary.stop();
  }, 40_000);

  it('synthetic source: name + clock + a timestamp stripe within ±200 ms of the wall clock', async () => {
    const hub = makeHub({ 's/main': { type: 'synthetic', url: 'synthetic://s?size=640x360' } });
    const v = new SinkViewer();
    hub.subscribe('s', 'main', v);
    await waitFor(() => v.chunks.length > 0, 10_000, 2);
    await sleep(500);
    const ts = v.bytes();
    expect(inspectTs(ts)).toMatchObject({ syncOk: true, streamType: 0x1b });
    const value = decodeTimestampStripe(firstFrameRgba(ts, 640, 360), 640);
    expect(value).not.toBeNull();
    const age = stripeAgeMs(value!, v.chunks[0].at);
    console.log(`[numbers] synthetic stripe age at arrival of the first frame: ${age} ms`);
    expect(Math.abs(age)).toBeLessThan(200);
    await hub.dispose();
  }, 20_000);

  it('dispose leaves no ffmpeg, no timer', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const hub = makeHub({ 'd/sub': { type: 'rtsp', url: rtsp.url('/cam') }, 'e/sub': { type: 'synthetic', url: 'synthetic://e?size=320x180' } });
    const a = new SinkViewer();
    const b = new SinkViewer();
    hub.subscribe('d', 'sub', a);
    hub.subscribe('e', 'sub', b);
    await waitFor(() => a.chunks.length > 0 && b.chunks.length > 0, 10_000);
    const pids = hub.pids();
    expect(pids).toHaveLength(2);
    await hub.dispose();
    expect(pids.filter(alive)).toEqual([]);
    expect(ffmpegPids(process.pid)).toEqual([]);
    expect(a.closed?.code).toBe(1001);
    expect(timers()).toBeLessThanOrEqual(before);
  }, 20_000);
});
