// bench:video — first frame (warm / cold), glass-to-glass latency, 4/9/16/25-tile load (dropped
// frames, fps, CPU, RSS) and an optional soak (--soak [--soak-minutes N] [--soak-tiles 9|16]).
//
// Set-up: a GStreamer RTSP server serving an H.264 640×360@15 clip (GOP 30, no B-frames) — the
// "real camera"; the built central server (fresh PGlite, --no-seed-demo, bootstrap admin+operator)
// where the cameras are registered through the admin API; the built host (IOC_SERVER_URL, logged in
// through the contract's sync:login); Chromium (1920×1080) on display 2's mosaic. Layouts are set
// with mosaic:setState over the host contract. Latency uses synthetic cameras (they carry the
// timestamp stripe). Every process is stopped in `finally`, on SIGINT/SIGTERM and on exit.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, round, stats, writeResult } from './lib.mjs';
import * as V from './video-lib.mjs';

const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
const opt = (n, d) => {
  const i = argv.indexOf(n);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : d;
};
const SOAK = flag('--soak');
const SOAK_MINUTES = opt('--soak-minutes', 10);
const SOAK_TILES = opt('--soak-tiles', 9);
const WINDOW_S = opt('--window', 25);
const WARM_RUNS = opt('--warm-runs', 30);
const COLD_RUNS = opt('--cold-runs', 10);
const LATENCY_S = opt('--latency-seconds', 20);
const TILE_COUNTS = (argv.includes('--tiles') ? String(argv[argv.indexOf('--tiles') + 1]) : '4,9,16,25').split(',').map(Number);
const ONLY = argv.includes('--only') ? String(argv[argv.indexOf('--only') + 1]).split(',') : null; // first,cold,latency,tiles
const VIEWPORT = (argv.includes('--viewport') ? String(argv[argv.indexOf('--viewport') + 1]) : '1920x1080').split('x').map(Number);
// A wall PC without a GPU composites in software: SwiftShader GL compositing costs a core for nothing
// (measured: 16/25 tiles 165/167 % → 67/85 % Chromium CPU, dropped 27/49 % → 0 %). The desktop app does
// the same (main/electron: hardware acceleration off when no GPU). `--chromium-drop --disable-gpu-compositing` compares.
const DEFAULT_EXTRA = ['--disable-gpu-compositing'];
const EXTRA_ARGS = argv.includes('--chromium-extra') ? String(argv[argv.indexOf('--chromium-extra') + 1]).split(',') : DEFAULT_EXTRA;
const DROP_ARGS = argv.includes('--chromium-drop') ? String(argv[argv.indexOf('--chromium-drop') + 1]).split(',') : [];
const RESULT_NAME = argv.includes('--result-name') ? String(argv[argv.indexOf('--result-name') + 1]) : 'video';
const run = (phase) => !ONLY || ONLY.includes(phase);

const QUIET_OTHER_PCT = opt('--quiet-other-pct', 40);
const QUIET_WAIT_MS = opt('--quiet-wait-s', 90) * 1000;
const PASSWORD = `bench-${process.pid}-${Date.now()}`;
const LAYOUT = { 1: '1', 4: '2x2', 9: '3x3', 16: '4x4', 25: '5x5' };
const DISPLAY = '2';
const IDLE_GRACE_MS = 10_000; // StreamHub default
const GOALS = { firstFrameP50: 200, firstFrameP95: 400, latencyP50: 350, dropped25Pct: 1, soakDriftMs: 100, soakRssGrowthPct: 5 };

const pad = (n) => String(n).padStart(2, '0');
const TILE_CAMS = Array.from({ length: 25 }, (_, i) => `rtsp-t${pad(i + 1)}`);
const WARM_CAMS = Array.from({ length: 6 }, (_, i) => `rtsp-w${pad(i + 1)}`);
const COLD_CAMS = Array.from({ length: Math.max(COLD_RUNS, 1) }, (_, i) => `rtsp-c${pad(i + 1)}`);
const SYN_LAT = 'syn-latency';
const SYN_SOAK = 'syn-soak';

const log = (...a) => process.stderr.write(`[bench:video ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);
const procs = new V.Procs();
let browser = null;
let monitor = null;
const notes = [];
const problems = [];

// Last-resort cleanup: a signal or an uncaught error must not leave host/server/ffmpeg/chromium behind.
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    if (monitor) clearInterval(monitor);
    try {
      await browser?.close();
    } catch {}
    const left = await procs.stopAll();
    if (left.length) log(`SIGKILLed ${left.length} leftover ffmpeg process(es): ${left.join(' ')}`);
  })();
  return cleaning;
}
process.on('exit', () => procs.killAllSync());
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(sig, () => {
    log(`${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

async function main() {
  // ---- set-up -----------------------------------------------------------------------------------
  const longestViewS = (SOAK ? SOAK_MINUTES * 60 : 0) + 600;
  const clipSeconds = Math.max(1800, Math.ceil(longestViewS / 300) * 300 + 300);
  log(`clip ${clipSeconds} s (cached in tmp)…`);
  const clip = V.makeClip({ seconds: clipSeconds });
  const rtsp = await V.startRtsp(procs, { '/cam': clip });
  const central = await V.startCentral(procs, { password: PASSWORD });
  const admin = await central.login('admin');
  const base = { group: 'traffic', unitId: null, location: [108.23, 15.32], enabled: true };
  const rtspCam = (id) => ({ ...base, id, name: `Bench RTSP ${id}`, sources: { main: { type: 'rtsp', url: rtsp.url('/cam'), codec: 'h264' }, sub: { type: 'rtsp', url: rtsp.url('/cam'), codec: 'h264' } } });
  const synCam = (id) => ({ ...base, id, name: `Bench synthetic ${id}`, sources: { main: { type: 'synthetic', url: `synthetic://${id}?size=1280x720` }, sub: { type: 'synthetic', url: `synthetic://${id}?size=640x360` } } });
  const cameras = [...TILE_CAMS.map(rtspCam), ...WARM_CAMS.map(rtspCam), ...COLD_CAMS.map(rtspCam), synCam(SYN_LAT), synCam(SYN_SOAK)];
  await central.registerCameras(admin, cameras);

  const host = await V.startHostProc(procs, { env: { IOC_SERVER_URL: central.url } });
  const hostPid = host.child.pid;
  // Track every ffmpeg the host ever starts (for the final "nothing left behind" check).
  const seenFfmpeg = new Set();
  monitor = setInterval(() => {
    for (const p of V.groups(hostPid).ffmpeg) if (!seenFfmpeg.has(p)) (seenFfmpeg.add(p), procs.trackPid(p));
  }, 500);
  const hc = await V.hostClient(host);
  await hc.call('sync:login', { username: 'operator', password: PASSWORD });
  const t0 = Date.now();
  for (;;) {
    const list = await hc.call('streams:listCameras');
    if (list.length >= cameras.length) break;
    if (Date.now() - t0 > 30_000) throw new Error(`host cache has ${list.length}/${cameras.length} cameras after 30 s`);
    await V.sleep(250);
  }
  const endpoint = await hc.call('streams:getEndpoint');
  const tzOffsetMs = -new Date().getTimezoneOffset() * 60_000; // host runs with this process's env → same TZ

  // Self-check of the stripe decoder copy against its own encoder.
  const S = V.stripeModule();
  {
    const w = 640;
    const px = new Uint8ClampedArray(w * 16 * 4);
    const bits = S.encodeStripeBits(12_345_678);
    bits.forEach((b, i) => {
      for (let y = 0; y < 16; y++) for (let x = i * 16; x < i * 16 + 16; x++) px.fill(b ? 255 : 0, (y * w + x) * 4, (y * w + x) * 4 + 3);
    });
    if (S.decodeTimestampStripe(px, w) !== 12_345_678) throw new Error('stripe decoder self-check failed');
  }

  const chromiumArgs = [...CHROMIUM_ARGS.filter((a) => !DROP_ARGS.includes(a)), ...EXTRA_ARGS];
  if (EXTRA_ARGS.length || DROP_ARGS.length || VIEWPORT[0] !== 1920) notes.push(`DIAGNOSTIC RUN: chromium args ${chromiumArgs.join(' ')}, viewport ${VIEWPORT.join('x')}`);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs });
  const ctx = await browser.newContext({ viewport: { width: VIEWPORT[0], height: VIEWPORT[1] } });
  await ctx.addInitScript({ content: V.stripeScript() });
  await ctx.addInitScript(V.pageInstrumentation);
  const page = await ctx.newPage();
  const reloads = [];
  const pageErrors = [];
  page.on('console', (m) => {
    const t = m.text();
    if (t.includes('[mosaic] reload')) reloads.push({ at: Date.now(), text: t });
    else if (m.type() === 'error') pageErrors.push(t.slice(0, 300));
  });
  page.on('pageerror', (e) => pageErrors.push(String(e).slice(0, 300)));
  const setState = (layout, tiles) => hc.call('mosaic:setState', { displayId: DISPLAY, layout, tiles, enlarged: null });
  await setState('1', [null]);
  await page.goto(host.urlFor(DISPLAY));
  await page.waitForSelector('[data-testid="view-mosaic"]', { timeout: 30_000 });
  const pageTz = await page.evaluate(() => -new Date().getTimezoneOffset() * 60_000);
  if (pageTz !== tzOffsetMs) notes.push(`page TZ offset ${pageTz} ≠ host ${tzOffsetMs}: latency uses the host's (the stripe's) offset`);

  const ffmpegCount = () => V.groups(hostPid).ffmpeg.length;
  const waitLive = async (n, timeoutMs = 60_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const st = await page.evaluate(() => window.__bench.tileStates());
      if (st.length === n && st.every((s) => s.state === 'live')) return st;
      if (Date.now() > end) throw new Error(`only ${st.filter((s) => s.state === 'live').length}/${n} tiles live after ${timeoutMs} ms: ${JSON.stringify(st.filter((s) => s.state !== 'live'))}`);
      await V.sleep(250);
    }
  };
  const waitFfmpeg = async (pred, timeoutMs, what) => {
    const end = Date.now() + timeoutMs;
    while (!pred(ffmpegCount())) {
      if (Date.now() > end) throw new Error(`${what}: ${ffmpegCount()} ffmpeg after ${timeoutMs} ms`);
      await V.sleep(250);
    }
  };
  const health = async () => Object.fromEntries((await hc.call('streams:getHealth')).map((h) => [`${h.cameraId}/${h.profile}`, h]));

  /** Switch the 1-tile mosaic to `cam` from inside the page; time to first presented frame. */
  const switchAndTime = (cam) =>
    page.evaluate(
      async ({ cam, token, display }) => {
        const B = window.__bench;
        const t0 = performance.now();
        await B.call(token, 'mosaic:setState', { displayId: display, layout: '1', tiles: [cam], enlarged: null });
        const tAck = performance.now();
        const end = t0 + 20_000;
        for (;;) {
          const r = B.videos.find((x) => x.camera === cam && x.insertedAt >= t0 && x.firstFrameAt !== null);
          if (r) return { fromMount: r.firstFrameAt - r.insertedAt, fromRequest: r.firstFrameAt - t0, mountAfterRequest: r.insertedAt - t0, ackMs: tAck - t0 };
          if (performance.now() > end) return { timeout: true, mounted: B.videos.some((x) => x.camera === cam && x.insertedAt >= t0) };
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      { cam, token: host.token, display: DISPLAY },
    );

  const result = { firstFrame: null, cold: null, latency: null, tiles: {}, soak: null };

  // ---- cold first frame: cameras never watched (no ffmpeg) ------------------------------------------
  if (run('cold')) {
    log('cold first frame…');
    const quiet = await V.waitQuiet({ maxOtherPct: QUIET_OTHER_PCT, maxWaitMs: 30_000 });
    const meter = V.loadMeter();
    const samples = [];
    const raw = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const cam = COLD_CAMS[i];
      const h = (await health())[`${cam}/sub`];
      if (h && h.state !== 'idle') notes.push(`cold camera ${cam} was ${h.state} before its sample`);
      const r = await switchAndTime(cam);
      raw.push({ cam, ...r });
      if (r.timeout) problems.push(`cold: ${cam} showed no frame within 20 s (mounted: ${r.mounted})`);
      else samples.push(r);
      await V.sleep(1500);
    }
    result.cold = { machineLoad: { ...meter(), quietGate: quiet }, fromMount: stats(samples.map((s) => s.fromMount)), fromRequest: stats(samples.map((s) => s.fromRequest)), raw: raw.map((r) => ({ ...r, fromMount: round(r.fromMount), fromRequest: round(r.fromRequest), mountAfterRequest: round(r.mountAfterRequest), ackMs: round(r.ackMs) })) };
  }

  // ---- warm first frame: ffmpeg running + GOP cache (kept warm by headless viewers) -----------------
  if (run('first')) {
    log('warm first frame…');
    const warmers = WARM_CAMS.map((c) => V.warmViewer(endpoint, c));
    const end = Date.now() + 20_000;
    for (;;) {
      const h = await health();
      if (WARM_CAMS.every((c) => h[`${c}/sub`]?.state === 'live')) break;
      if (Date.now() > end) throw new Error(`warm cameras not live: ${JSON.stringify(WARM_CAMS.map((c) => h[`${c}/sub`]?.state))}`);
      await V.sleep(200);
    }
    await V.sleep(3000); // at least one whole GOP (2 s) in every cache
    const quiet = await V.waitQuiet({ maxOtherPct: QUIET_OTHER_PCT, maxWaitMs: 30_000 });
    const meter = V.loadMeter();
    const samples = [];
    const raw = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      const cam = WARM_CAMS[i % WARM_CAMS.length];
      const r = await switchAndTime(cam);
      raw.push({ cam, ...r });
      if (r.timeout) problems.push(`warm: ${cam} showed no frame within 20 s`);
      else samples.push(r);
      await V.sleep(1000 + Math.random() * 1000); // random phase within the 2 s GOP
    }
    const h = await health();
    for (const w of warmers) w.close();
    result.firstFrame = {
      fromMount: stats(samples.map((s) => s.fromMount)),
      fromRequest: stats(samples.map((s) => s.fromRequest)),
      mountAfterRequest: stats(samples.map((s) => s.mountAfterRequest)),
      machineLoad: { ...meter(), quietGate: quiet },
      warmRestarts: WARM_CAMS.reduce((a, c) => a + (h[`${c}/sub`]?.restarts ?? 0), 0),
    };
  }

  // ---- glass-to-glass latency on a synthetic 640×360 sub stream -------------------------------------
  if (run('latency')) {
    log('latency…');
    await setState('1', [SYN_LAT]);
    await waitLive(1, 30_000);
    await V.sleep(5000); // latency chasing settles after the GOP-cache start
    const quiet = await V.waitQuiet({ maxOtherPct: QUIET_OTHER_PCT, maxWaitMs: 30_000 });
    const meter = V.loadMeter();
    await page.evaluate(({ cam, tz }) => window.__bench.startLatency(cam, 0, tz), { cam: SYN_LAT, tz: tzOffsetMs });
    await V.sleep(LATENCY_S * 1000);
    const lat = await page.evaluate(() => {
      const B = window.__bench;
      B.stopLatency?.();
      return { samples: B.takeLatency(), nulls: B.latNull, errors: B.latErrors, lastError: B.latLastError ?? null };
    });
    if (!lat.samples.length) problems.push(`latency: no stripe decoded (${lat.nulls} undecodable frames, ${lat.errors} errors: ${lat.lastError})`);
    result.latency = { machineLoad: { ...meter(), quietGate: quiet }, atCallback: stats(lat.samples.map((s) => s[1])), playerBufferAheadMs: stats(lat.samples.filter((s) => s[3] !== null).map((s) => s[3])), atExpectedDisplay: stats(lat.samples.map((s) => s[2])), undecodable: lat.nulls, errors: lat.errors, seconds: LATENCY_S };
  }

  // ---- tile-count runs (real RTSP, remux) -----------------------------------------------------------
  if (run('tiles')) {
    await setState('1', [null]);
    log(`waiting for idle ffmpeg to stop (grace ${IDLE_GRACE_MS} ms)…`);
    await waitFfmpeg((n) => n === 0, IDLE_GRACE_MS + 15_000, 'idle grace');
    for (const n of TILE_COUNTS) {
      log(`${n} tiles…`);
      const cams = TILE_CAMS.slice(0, n);
      await setState(LAYOUT[n], cams);
      const tLive0 = Date.now();
      await waitLive(n, 90_000);
      const allLiveMs = Date.now() - tLive0;
      await waitFfmpeg((c) => c === n, 20_000, `${n} tiles`);
      await V.sleep(5000); // settle
      result.tiles[n] = await measureWindow({ n, cams, seconds: WINDOW_S, allLiveMs });
      log(`${n} tiles: ${JSON.stringify({ droppedPct: result.tiles[n].droppedPct, fps: result.tiles[n].fps, cpu: result.tiles[n].cpuPct })}`);
    }
  }

  // ---- soak ---------------------------------------------------------------------------------------
  if (SOAK) {
    const n = SOAK_TILES;
    log(`soak: ${n} tiles (${n - 1} RTSP + 1 synthetic with stripe) for ${SOAK_MINUTES} min…`);
    const cams = [...TILE_CAMS.slice(0, n - 1), SYN_SOAK];
    await setState(LAYOUT[n], cams);
    await waitLive(n, 90_000);
    await waitFfmpeg((c) => c === n, IDLE_GRACE_MS + 15_000, 'soak start');
    await V.sleep(10_000); // settle (latency chasing, leftovers of the previous layout gone)
    await page.evaluate(({ cam, tz }) => window.__bench.startLatency(cam, 200, tz), { cam: SYN_SOAK, tz: tzOffsetMs });
    const g0 = V.groups(hostPid);
    const rss = () => {
      const g = V.groups(hostPid);
      return { t: Date.now(), chromium: V.rssMB(g.chromium), main: V.rssMB(g.main), ffmpeg: V.rssMB(g.ffmpeg), pss: V.pssMB([...g.chromium, ...g.main, ...g.ffmpeg]) };
    };
    const q0 = await page.evaluate(() => window.__bench.snapshot());
    const h0 = await health();
    const reloads0 = reloads.length;
    const rssSeries = [rss()];
    const latency = [];
    const stateSeries = [];
    const meter = V.loadMeter();
    const tStart = Date.now();
    const tEnd = tStart + SOAK_MINUTES * 60_000;
    while (Date.now() < tEnd) {
      await V.sleep(Math.min(30_000, tEnd - Date.now()));
      latency.push(...(await page.evaluate(() => window.__bench.takeLatency())));
      rssSeries.push(rss());
      const st = await page.evaluate(() => window.__bench.tileStates());
      stateSeries.push({ t: Date.now(), notLive: st.filter((s) => s.state !== 'live').map((s) => `${s.camera}:${s.state}`) });
      log(`soak ${round((Date.now() - tStart) / 60_000)} min: rss ${round(rssSeries.at(-1).chromium + rssSeries.at(-1).main + rssSeries.at(-1).ffmpeg)} MB, latency samples ${latency.length}`);
    }
    const q1 = await page.evaluate(() => window.__bench.snapshot());
    const h1 = await health();
    await page.evaluate(() => window.__bench.stopLatency?.());
    const total = (r) => r.chromium + r.main + r.ffmpeg;
    const firstMin = latency.filter((s) => s[0] - tStart < 60_000).map((s) => s[1]);
    const lastMin = latency.filter((s) => tEnd - s[0] < 60_000).map((s) => s[1]);
    const p95 = (a) => stats(a).p95;
    const p50 = (a) => stats(a).p50;
    // RSS start: mean of the samples in minute 1–2 (minute 0 still releases what the previous, bigger
    // layout left behind); end: mean of the last two 30-s samples (smooths the GC sawtooth).
    const warm = rssSeries.filter((r) => r.t - tStart >= 60_000 && r.t - tStart <= 120_000);
    const startSet = SOAK_MINUTES >= 3 && warm.length ? warm : rssSeries.slice(0, 2);
    const rStart = startSet.reduce((a, r) => a + total(r), 0) / startSet.length;
    const rEnd = (total(rssSeries.at(-1)) + total(rssSeries.at(-2) ?? rssSeries.at(-1))) / 2;
    const dq = qualityDelta(q0, q1);
    result.soak = {
      minutes: SOAK_MINUTES,
      tiles: n,
      latencyP95StartMs: p95(firstMin),
      latencyP95EndMs: p95(lastMin),
      driftMs: round(p95(lastMin) - p95(firstMin)),
      latencyP50StartMs: p50(firstMin),
      latencyP50EndMs: p50(lastMin),
      driftP50Ms: round(p50(lastMin) - p50(firstMin)),
      latencyAll: stats(latency.map((s) => s[1])),
      // per minute: latency p50/p95 and how much the player had buffered ahead of the playhead (p50)
      latencyPerMinute: Array.from({ length: Math.ceil(SOAK_MINUTES) }, (_, m) => {
        const xs = latency.filter((s) => Math.floor((s[0] - tStart) / 60_000) === m);
        return { minute: m, p50: stats(xs.map((s) => s[1])).p50, p95: stats(xs.map((s) => s[1])).p95, bufferAheadP50: stats(xs.filter((s) => s[3] !== null).map((s) => s[3])).p50, n: xs.length };
      }),
      rssStartMB: round(rStart),
      rssEndMB: round(rEnd),
      rssGrowthPct: round(((rEnd - rStart) / rStart) * 100, 2),
      rssSeriesMB: rssSeries.map((r) => ({ min: round((r.t - tStart) / 60_000, 2), chromium: round(r.chromium), main: round(r.main), ffmpeg: round(r.ffmpeg), total: round(total(r)), pss: round(r.pss) })),
      droppedPct: dq.droppedPct,
      decodedFrames: dq.total,
      playerResets: dq.resets,
      pageReloadLines: reloads.length - reloads0,
      ffmpegRestarts: cams.reduce((a, c) => a + ((h1[`${c}/sub`]?.restarts ?? 0) - (h0[`${c}/sub`]?.restarts ?? 0)), 0),
      ffmpegCountStartEnd: [g0.ffmpeg.length, V.groups(hostPid).ffmpeg.length],
      machineLoad: meter(),
      notLiveObservations: stateSeries.filter((s) => s.notLive.length),
    };
  }

  // ---- helpers using page/host ---------------------------------------------------------------------
  function qualityDelta(q0, q1) {
    const before = new Map(q0.map((r) => [r.id, r]));
    let total = 0;
    let dropped = 0;
    let resets = 0;
    const perTile = [];
    for (const r of q1) {
      const b = before.get(r.id) ?? { total: 0, dropped: 0, resets: 0 };
      total += r.total - b.total;
      dropped += r.dropped - b.dropped;
      resets += r.resets - b.resets;
      perTile.push({ camera: r.camera, frames: r.total - b.total, dropped: r.dropped - b.dropped, size: `${r.w}x${r.h}` });
    }
    return { total, dropped, resets, perTile, droppedPct: total ? round((dropped / total) * 100, 3) : null };
  }

  async function measureWindow({ n, cams, seconds, allLiveMs }) {
    const quiet = await V.waitQuiet({ maxOtherPct: QUIET_OTHER_PCT, maxWaitMs: QUIET_WAIT_MS });
    if (!quiet.quiet) notes.push(`${n} tiles: measured while other sessions used ${quiet.otherPct} % CPU (waited ${Math.round(quiet.waitedMs / 1000)} s for quiet)`);
    const reloads0 = reloads.length;
    const h0 = await health();
    const g0 = V.groups(hostPid);
    const rtspPid = rtsp.child.pid;
    const tk0 = { chromium: V.ticksOf(g0.chromium), ffmpeg: V.ticksOf(g0.ffmpeg), main: V.ticksOf(g0.main), rtspServer: V.ticksOf([rtspPid]) };
    const q0 = await page.evaluate(() => window.__bench.snapshot());
    const meter = V.loadMeter();
    const w0 = performance.now();
    const notLive = [];
    const rssSamples = [];
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      await V.sleep(Math.min(1000, end - Date.now()));
      const st = await page.evaluate(() => window.__bench.tileStates());
      const bad = st.filter((s) => s.state !== 'live');
      if (bad.length) notLive.push({ t: round((performance.now() - w0) / 1000), tiles: bad.map((s) => `${s.camera}:${s.state}`) });
      if (rssSamples.length < 3 && Date.now() > end - 3500) {
        const g = V.groups(hostPid);
        rssSamples.push({ chromium: V.rssMB(g.chromium), main: V.rssMB(g.main), ffmpeg: V.rssMB(g.ffmpeg), pss: V.pssMB([...g.chromium, ...g.main, ...g.ffmpeg]) });
      }
    }
    const q1 = await page.evaluate(() => window.__bench.snapshot());
    const secs = (performance.now() - w0) / 1000;
    const g1 = V.groups(hostPid);
    const cpu = {
      chromium: round(V.cpuPct(tk0.chromium, V.ticksOf(g1.chromium), secs)),
      ffmpeg: round(V.cpuPct(tk0.ffmpeg, V.ticksOf(g1.ffmpeg), secs)),
      main: round(V.cpuPct(tk0.main, V.ticksOf(g1.main), secs)),
    };
    const rtspCpu = round(V.cpuPct(tk0.rtspServer, V.ticksOf([rtspPid]), secs));
    const load = meter();
    const byKind = {};
    const tk1c = V.ticksOf(g1.chromium);
    for (const [pid, t] of tk1c) {
      const k = V.chromiumKind(pid);
      byKind[k] = (byKind[k] ?? 0) + ((t - (tk0.chromium.get(pid) ?? 0)) / 100 / secs) * 100;
    }
    const h1 = await health();
    const dq = qualityDelta(q0, q1);
    const avg = (k) => rssSamples.reduce((a, r) => a + r[k], 0) / rssSamples.length;
    const rss = { chromium: round(avg('chromium')), main: round(avg('main')), ffmpeg: round(avg('ffmpeg')) };
    const fpsPerTile = dq.perTile.map((t) => t.frames / secs);
    const out = {
      tiles: n,
      windowSec: round(secs),
      droppedPct: dq.droppedPct,
      decodedFrames: dq.total,
      droppedFrames: dq.dropped,
      fps: round(fpsPerTile.reduce((a, b) => a + b, 0) / n, 2),
      fpsMinTile: round(Math.min(...fpsPerTile), 2),
      cpuPct: { ...cpu, total: round(cpu.chromium + cpu.ffmpeg + cpu.main) },
      rssMB: round(rss.chromium + rss.main + rss.ffmpeg),
      rssBreakdownMB: rss,
      pssMB: round(avg('pss')),
      rtspServerCpuPct: rtspCpu,
      chromiumCpuByProcessPct: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(v)])),
      machineLoad: { ...load, quietGate: quiet, loadavg: V.loadavg() },
      processes: { chromium: g1.chromium.length, ffmpeg: g1.ffmpeg.length },
      allLiveAfterSetStateMs: allLiveMs,
      playerResets: dq.resets,
      pageReloadLines: reloads.slice(reloads0).map((r) => r.text),
      ffmpegRestarts: cams.reduce((a, c) => a + ((h1[`${c}/sub`]?.restarts ?? 0) - (h0[`${c}/sub`]?.restarts ?? 0)), 0),
      hostFps: round(cams.reduce((a, c) => a + (h1[`${c}/sub`]?.fps ?? 0), 0) / n, 2),
      notLiveSeconds: notLive,
      videoSizes: [...new Set(dq.perTile.map((t) => t.size))],
    };
    if (dq.resets || notLive.length) problems.push(`${n} tiles: ${dq.resets} player reset(s), ${notLive.length} second(s) with a non-live tile`);
    return out;
  }

  // ---- results ------------------------------------------------------------------------------------
  const allReloads = reloads.map((r) => r.text);
  const pass = {};
  const out = {};
  if (result.firstFrame) {
    out.firstFrameMs = { p50: result.firstFrame.fromMount.p50, p95: result.firstFrame.fromMount.p95 };
    pass.firstFrameMs = out.firstFrameMs.p50 <= GOALS.firstFrameP50 && out.firstFrameMs.p95 <= GOALS.firstFrameP95;
    out.firstFrameFromRequestMs = { p50: result.firstFrame.fromRequest.p50, p95: result.firstFrame.fromRequest.p95 };
  }
  if (result.cold) out.coldFirstFrameMs = { p50: result.cold.fromMount.p50, p95: result.cold.fromMount.p95, fromRequestP50: result.cold.fromRequest.p50, fromRequestP95: result.cold.fromRequest.p95 };
  if (result.latency) {
    out.latencyMs = { p50: result.latency.atCallback.p50, p95: result.latency.atCallback.p95 };
    pass.latencyMs = out.latencyMs.p50 !== null && out.latencyMs.p50 <= GOALS.latencyP50;
  }
  if (Object.keys(result.tiles).length) {
    out.tiles = Object.fromEntries(Object.entries(result.tiles).map(([n, r]) => [n, { droppedPct: r.droppedPct, fps: r.fps, cpuPct: r.cpuPct, rssMB: r.rssMB }]));
    if (result.tiles[25]) pass.dropped25 = result.tiles[25].droppedPct !== null && result.tiles[25].droppedPct <= GOALS.dropped25Pct;
  }
  if (result.soak) {
    const { minutes, latencyP95StartMs, latencyP95EndMs, driftMs, rssStartMB, rssEndMB, rssGrowthPct } = result.soak;
    out.soak = { minutes, latencyP95StartMs, latencyP95EndMs, driftMs, rssStartMB, rssEndMB, rssGrowthPct };
    pass.soakDrift = driftMs !== null && driftMs <= GOALS.soakDriftMs;
    pass.soakRss = rssGrowthPct <= GOALS.soakRssGrowthPct;
  }
  notes.push(
    'firstFrameMs: in-page, performance.now() from the tile\'s <video> being inserted (MutationObserver) to its first requestVideoFrameCallback; the 1-tile mosaic is switched with mosaic:setState sent from the page over the host contract WebSocket. firstFrameFromRequestMs adds contract round trip + React render (from just before the setState is sent).',
    `warm = ffmpeg already running for the camera with a full GOP cached (headless WebSocket viewers on the stream server keep ${WARM_CAMS.length} cameras warm); samples cycle through them with a random 1–2 s gap so the join point in the 2 s GOP varies.`,
    'cold = a camera registered but never watched (no ffmpeg): includes ffmpeg spawn, RTSP DESCRIBE/SETUP/PLAY against the GStreamer server and the first keyframe.',
    'latencyMs: synthetic 640×360@15 sub stream (libx264 transcode of testsrc2 with the stripe); on every presented frame (rVFC) the top 16 rows are drawn at native size and decoded with stripe.ts (transpiled from the source); latency = Date.now() in the rVFC callback mapped to ms since local midnight with the host TZ offset − stripe value. atExpectedDisplay adds (expectedDisplayTime − now).',
    'tile runs: every tile is a different camera (one ffmpeg -c copy per tile) pulling the same H.264 640×360@15 GOP-30 clip from the GStreamer RTSP server (one RTSP session each); window starts 5 s after all tiles are live. droppedPct = Σdropped/Σtotal of getVideoPlaybackQuality (accumulated across MediaSource resets); fps = decoded frames per second per tile; cpuPct = utime+stime deltas from /proc as % of ONE core: chromium = every chromium process under this bench, ffmpeg = every ffmpeg child of the host, main = the host (Node) process. rssMB = ΣVmRSS (shared pages of chromium processes counted once per process; pssMB avoids that). The RTSP server (GStreamer, a stand-in for cameras) is reported apart.',
    'Other sessions may run on this 2-core machine at the same time: CPU and dropped frames are sensitive to that. Each window waits (bounded) for other load <= ' + QUIET_OTHER_PCT + ' % of a core and reports machineLoad {machineBusyPct, oursPct, otherPct} (of 200 %).',
    `Chromium here has no GPU: it runs with ${EXTRA_ARGS.join(' ') || '(no extra flags)'} on top of the lib.mjs flags, as a GPU-less wall PC should (software compositing; SwiftShader GL compositing cost ~1 core and dropped 27–49 % at 16–25 tiles). Compare: --chromium-drop --disable-gpu-compositing.`,
  );
  if (result.soak) notes.push(`soak: ${SOAK_TILES} tiles = ${SOAK_TILES - 1} RTSP + 1 synthetic (stripe) tile; latency sampled every 200 ms on the synthetic tile; start = first minute, end = last minute; RSS (chromium + host + ffmpeg, ΣVmRSS) sampled every 30 s: start = mean of the samples in minute 1–2 (minute 0 still frees memory of the previous 25-tile layout), end = mean of the last two samples.`);

  return { out, pass, result, allReloads, pageErrors, hostPid, seenFfmpeg, host, central };
}

let exitCode = 0;
let data = null;
let failure = null;
try {
  data = await main();
} catch (err) {
  failure = err;
  exitCode = 1;
  log(`FAILED: ${err.stack ?? err}`);
}
await cleanup();
// Nothing may be left behind.
const survivors = data ? [...data.seenFfmpeg].filter(V.alive) : [];
const chromiumLeft = V.descendants(process.pid).filter((p) => V.alive(p));
if (survivors.length || chromiumLeft.length) problems.push(`left behind after cleanup: ffmpeg ${survivors.join(',') || '-'}, children ${chromiumLeft.join(',') || '-'}`);
if (data) {
  const hostWarnings = data.host.hostLog.filter((l) => /warn|error/i.test(l)).slice(-40);
  writeResult(RESULT_NAME, {
    ...data.out,
    goals: {
      firstFrameMs: `p50 <= ${GOALS.firstFrameP50} && p95 <= ${GOALS.firstFrameP95} (warm)`,
      latencyMs: `p50 <= ${GOALS.latencyP50}`,
      dropped25: `25 tiles droppedPct <= ${GOALS.dropped25Pct}`,
      ...(data.result.soak ? { soakDrift: `driftMs <= ${GOALS.soakDriftMs}`, soakRss: `rssGrowthPct <= ${GOALS.soakRssGrowthPct}` } : {}),
    },
    pass: data.pass,
    allPass: Object.values(data.pass).every(Boolean),
    distributions: {
      firstFrame: data.result.firstFrame,
      coldFirstFrame: data.result.cold,
      latency: data.result.latency,
    },
    tileRuns: data.result.tiles,
    soakDetail: data.result.soak,
    problems,
    pageReloadLines: data.allReloads.slice(-50),
    pageErrors: data.pageErrors.slice(-20),
    hostWarnings,
    ffmpegProcessesSeen: data.seenFfmpeg.size,
    leftBehind: { ffmpeg: survivors.length, children: chromiumLeft.length },
    notes,
  });
} else {
  process.stderr.write(`bench:video failed: ${failure?.message}\n`);
}
process.exit(exitCode);
