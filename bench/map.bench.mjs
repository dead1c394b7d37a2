// bench:map — the map view in Chromium with software GL (SwiftShader, the e2e flags), on the built
// host's real map page (`?view=map&maptest`), with the app's own style and the app's own cases layer
// (LiveLayer with its options and the overlay custom layer: `__iocMap.casesCopy`):
//   firstRenderMs          50k feedback points into a clustered source (the cases layers' style):
//                          snapshot load (setData) → map idle with the source loaded, wall clock,
//                          median of RUNS fresh sources
//   updateMainThreadMsP95  one live diff batch (100 changed SLA states, 10 moves, 10 adds, 10 removes)
//                          via LiveLayer.apply (SLA → setFeatureState; adds/moves → the overlay layer;
//                          removes and moved points' clustered copies → feature state `hidden`):
//                          CPU time of the page's main thread (Linux schedstat) from apply until the
//                          last frame it caused is over (read by a task posted from that frame; its JS,
//                          paint and compositor commit included; "last": no frame for 150 ms after),
//                          net of the clock readings' own cost; after WARMUP unmeasured batch pairs, and
//                          with the first-render runs' garbage collected first (BENCH_MAP_NO_GC=1: not).
//                          updateMainThreadSettledNet*: the older method (to 150 ms of quiet, minus an
//                          idle window of the same length), kept for comparison
//   consolidate*           every 5th mixed batch the overlay is folded into the clustered source (the
//                          app: once a minute): one updateData, re-cluster, tile reload — timed alone
//   updateStateOnly*       the same for a batch of 100 SLA changes only (the most frequent live change)
//   updateLongTaskMs       main-thread long tasks over the same interval: wall-clock unavailability,
//                          mostly waiting for SwiftShader in the GPU process (gone with a GPU)
//   blankFrame             one frame of the same map with every layer hidden: the per-frame floor here
//   panFps                 frames rendered per second during a 3 s pan over the 50k clusters
//   glCompositing          a shorter second pass without --disable-gpu-compositing (GL compositing in
//                          SwiftShader), for comparison only: the headline uses the e2e flags
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumCpuClocks, round, startHost, stats, writeResult } from './lib.mjs';

const POINTS = Number(process.env.BENCH_MAP_POINTS ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9); // first renders vary 2× run to run here: 9 for a steadier median
const BATCHES = Number(process.env.BENCH_MAP_BATCHES ?? 60); // p95 of 60: the 3rd-highest batch, not the 2nd of 30
const WARMUP = Number(process.env.BENCH_MAP_WARMUP ?? 4); // unmeasured batch pairs first
const GOALS = { firstRenderMs: 1000, updateMainThreadMsP95: 8 };
const ARGS = [...(process.env.BENCH_MAP_GL_COMPOSITING ? CHROMIUM_ARGS : [...CHROMIUM_ARGS, '--disable-gpu-compositing']), ...(process.env.BENCH_MAP_VERBOSE ? ['--enable-precise-memory-info'] : [])]; // as playwright.config.ts (BENCH_MAP_GL_COMPOSITING=1: GL compositing)


const loadBefore = loadavg().map((x) => round(x, 2));
// The demo simulator off: its own activity (new cases and readings every 5 s → map diffs, frames,
// React) would land at random in the measured windows and baselines (BENCH_MAP_SIMULATE=1: on).
const host = await startHost({ displays: 1, extraArgs: process.env.BENCH_MAP_SIMULATE ? [] : ['--no-simulate'] });
let result;
try {
  result = await measure(ARGS, RUNS, BATCHES);
  if (!process.env.BENCH_MAP_NO_GLC) {
    const glc = await measure(CHROMIUM_ARGS, 3, 10);
    result.glCompositing = { args: 'the same without --disable-gpu-compositing', runs: 3, batches: 10, firstRenderMs: glc.firstRenderMs, updateMainThreadMsP95: glc.updateMainThreadMsP95, panFps: glc.panFps, distributions: glc.distributions };
  }
  result.loadAverage = { before: loadBefore, after: loadavg().map((x) => round(x, 2)), cpus: 'see machine.cpus' };
} finally {
  await host.stop();
}
writeResult('map', result);

async function measure(args, RUNS, BATCHES) {
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const url = host.urls.find((u) => u.display === '1').url.replace('?display=1', '?display=1&view=map&maptest');
  await page.goto(url);
  await page.waitForSelector('[data-testid=view-map][data-ready=true]', { timeout: 60_000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskMs = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  const clocks = await chromiumCpuClocks(page);
  await page.exposeFunction('__cpu', () => ({ main: clocks.main(), gpu: clocks.gpu() }));

  // A bench copy of the cases source and layers (same style), so the live demo data cannot touch it.
  await page.evaluate(() => {
    const { map } = window.__iocMap;
    for (const l of map.getStyle().layers) if (['cameras', 'cases', 'water', 'facilities'].includes(l.source)) map.setLayoutProperty(l.id, 'visibility', 'none');
    map.jumpTo({ center: [108.2, 15.28], zoom: 10 });
    window.__bench = {
      addSource() {
        const spec = map.getStyle().sources.cases;
        map.addSource('bench', { ...spec, data: { type: 'FeatureCollection', features: [] } });
        for (const l of map.getStyle().layers.filter((x) => x.source === 'cases' && x.id !== 'cases-heat')) map.addLayer({ ...l, id: `bench-${l.id}`, source: 'bench', layout: { ...l.layout, visibility: 'visible' } });
        // The app's cases layer (same options: state keys, data keys, overlay custom layer above the
        // points); consolidation only when the bench asks, so it is timed on its own.
        const { layer, overlay } = window.__iocMap.casesCopy('bench', 'bench-cases-points', 3_600_000);
        window.__bench.layer = layer;
        window.__bench.overlay = overlay;
      },
      removeSource() {
        window.__bench.layer.cancel();
        map.removeLayer('bench-overlay');
        for (const l of map.getStyle().layers.filter((x) => x.source === 'bench')) map.removeLayer(l.id);
        map.removeSource('bench');
      },
      idle: () => new Promise((r) => { map.once('idle', r); map.triggerRepaint(); }),
      /**
       * Start the clocks of one measured interval: main-thread and GPU-process CPU, MapLibre frames,
       * and main-thread long tasks (> 50 ms, including time blocked waiting for the GPU process).
       * `stop()` gives the differences.
       */
      async watch() {
        const long = [];
        const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push(e.duration); });
        obs.observe({ type: 'longtask' });
        let frames = 0;
        // The main thread's CPU clock read right after each frame: a task posted from the 'render'
        // event runs once that frame's task (MapLibre's JS, style, paint, the compositor commit) is
        // over. The reading after the LAST frame ends the batch's cost; what follows is only the
        // bench waiting for quiet.
        let afterFrame = null;
        const onRender = () => {
          frames++;
          const ch = new MessageChannel();
          ch.port1.onmessage = () => window.__cpu().then((c) => { afterFrame = { ...c, heap: performance.memory?.usedJSHeapSize }; });
          ch.port2.postMessage(0);
        };
        map.on('render', onRender);
        const c0 = await window.__cpu();
        const heap0 = performance.memory?.usedJSHeapSize;
        return {
          async stop() {
            const c1 = await window.__cpu();
            const heap1 = performance.memory?.usedJSHeapSize;
            map.off('render', onRender);
            obs.disconnect();
            return {
              cpuMain: c1.main - c0.main,
              cpuMainToLastFrame: afterFrame ? afterFrame.main - c0.main : null,
              cpuGpu: c1.gpu - c0.gpu,
              frames,
              longTasks: long.reduce((a, x) => a + x, 0),
              longest: Math.max(0, ...long),
              // JS heap (MB) at the start, after the last frame and at the end (BENCH_MAP_VERBOSE: a drop = a GC)
              heapMB: [heap0, afterFrame?.heap, heap1].map((h) => (h === undefined ? null : Math.round(h / 1e4) / 100)),
            };
          },
        };
      },
      /**
       * What one clock reading costs the page's main thread inside a measured interval (the end of
       * one __cpu() call and the start of the next, through Playwright's binding): median of n
       * back-to-back pairs. Subtracted once from each to-last-frame reading.
       */
      async clockCost(n = 41) {
        const d = [];
        for (let i = 0; i < n; i++) {
          const a = await window.__cpu();
          const b = await window.__cpu();
          d.push(b.main - a.main);
        }
        d.sort((x, y) => x - y);
        return d[n >> 1];
      },
      // Quiet: the bench source loaded and no frame drawn for SETTLE_MS (does not force a frame).
      SETTLE_MS: 150,
      settle: () => new Promise((r) => {
        let last = performance.now();
        const onRender = () => { last = performance.now(); };
        map.on('render', onRender);
        const tick = () => {
          const quiet = performance.now() - last >= window.__bench.SETTLE_MS;
          if (quiet && map.getSource('bench') && map.isSourceLoaded('bench') && map.areTilesLoaded()) {
            map.off('render', onRender);
            r();
          } else setTimeout(tick, 25);
        };
        tick();
      }),
      renderMs: 0,
    };
    // Time spent in MapLibre's frame function (main thread), to split the update cost.
    const render = map._render.bind(map);
    map._render = (...a) => {
      const t = performance.now();
      try {
        return render(...a);
      } finally {
        window.__bench.renderMs += performance.now() - t;
      }
    };
  });
  // Experiment knob: another label fade than the app's (fadeDuration 0 was the app's before session 4).
  if (process.env.BENCH_MAP_FADE) await page.evaluate((f) => { window.__iocMap.map._fadeDuration = f; }, Number(process.env.BENCH_MAP_FADE));
  const points = (n, seed) => {
    let s = seed >>> 0;
    const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const sla = ['overdue', 'dueSoon', 'ok', 'done'];
    return Array.from({ length: n }, (_, i) => {
      const k = sla[Math.floor(r() * 4)];
      return { id: `fc-${String(i).padStart(6, '0')}`, lon: 107.96 + r() * 0.5, lat: 15.13 + r() * 0.3, props: { title: 'Phản ánh', status: 'received', level: r() < 0.15 ? 'urgent' : 'normal', category: 'road_damage', unitId: 'vn-2025:20900', sla: k } };
    });
  };
  const data = points(POINTS, 42);

  // ---- firstRenderMs -------------------------------------------------------------------------
  const first = [];
  const firstCpu = [];
  const firstFrames = [];
  const firstSourceLoaded = [];
  const firstGpu = [];
  for (let i = 0; i < RUNS; i++) {
    const ms = await page.evaluate(async (features) => {
      const b = window.__bench;
      b.addSource();
      await b.idle();
      const map0 = window.__iocMap.map;
      let frames = 0;
      let sourceLoadedAt = null;
      const frameAt = [];
      let t0 = 0;
      const onRender = () => (frames++, frameAt.push(Math.round(performance.now() - t0)));
      const onData = (e) => {
        if (e.sourceId === 'bench' && e.tile) frameAt.push(`t${e.tile.tileID?.canonical?.z}@${Math.round(performance.now() - t0)}`);
        if (e.sourceId === 'bench' && sourceLoadedAt === null && map0.isSourceLoaded('bench')) sourceLoadedAt = performance.now();
      };
      map0.on('render', onRender);
      map0.on('sourcedata', onData);
      const c0 = await window.__cpu();
      t0 = performance.now();
      b.layer.load({ rev: 0, features });
      const sync = performance.now() - t0;
      await new Promise((r) => {
        const map = window.__iocMap.map;
        const check = () => (map.isSourceLoaded('bench') && map.areTilesLoaded() ? r() : map.once('idle', check));
        map.once('idle', check);
      });
      const ms = performance.now() - t0;
      const c1 = await window.__cpu();
      map0.off('render', onRender);
      map0.off('sourcedata', onData);
      b.removeSource();
      return { ms, sync, sourceLoadedMs: sourceLoadedAt === null ? null : sourceLoadedAt - t0, frames, frameAt, cpuMain: c1.main - c0.main, cpuGpu: c1.gpu - c0.gpu };
    }, data);
    first.push(ms.ms);
    firstCpu.push(ms.cpuMain);
    firstGpu.push(ms.cpuGpu);
    firstFrames.push(ms.frames);
    firstSourceLoaded.push(ms.sourceLoadedMs);
    console.log(`firstRender ${i + 1}/${RUNS}: ${Math.round(ms.ms)} ms (load call ${Math.round(ms.sync)} ms, source loaded at ${Math.round(ms.sourceLoadedMs)} ms, ${ms.frames} frames${process.env.BENCH_MAP_VERBOSE ? ` at ${ms.frameAt.join(', ')} ms` : ''}, main thread CPU ${Math.round(ms.cpuMain)} ms, GPU process ${Math.round(ms.cpuGpu)} ms)`);
  }
  await page.evaluate(async (features) => {
    const b = window.__bench;
    b.addSource();
    b.layer.load({ rev: 0, features });
    await b.idle();
  }, data);
  const clustersDrawn = await page.evaluate(() => window.__iocMap.map.queryRenderedFeatures({ layers: ['bench-cases-clusters'] }).length);
  // The first-render runs left 9 × 50k features of garbage (the app loads its snapshot once): collect
  // it now, so that V8's memory reducer does not run its full GC (15–45 ms) inside an update batch.
  // Garbage the update batches make themselves is still theirs (their scavenges are in the numbers).
  if (!process.env.BENCH_MAP_NO_GC) {
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(2000);
  }

  // ---- updateMainThreadMsP95 -----------------------------------------------------------------
  // BENCH_MAP_PROFILE=1: a V8 CPU profile of the page over the update batches (where the frame's JS goes).
  const prof = process.env.BENCH_MAP_PROFILE ? await page.context().newCDPSession(page) : null;
  if (prof) {
    await prof.send('Profiler.enable');
    await prof.send('Profiler.setSamplingInterval', { interval: 200 });
    await prof.send('Profiler.start');
  }
  // What the clock readings themselves cost inside a to-last-frame interval (subtracted once).
  const clockCostMs = await page.evaluate(() => window.__bench.clockCost());
  const main = [];
  const settledNet = [];
  const applyMs = [];
  const taskMsAll = [];
  const longestMs = [];
  const longTaskMs = [];
  const renderMs = [];
  const toIdle = [];
  const gpuMs = [];
  const frames = [];
  const overlaySizes = [];
  const consolidations = [];
  const mainRaw = [];
  const baselineMs = [];
  const stateOnly = { raw: [], main: [], settledNet: [], longTasks: [], gpu: [], frames: [], apply: [], toIdle: [], updateData: 0 };
  let next = POINTS;
  let rev = 0;
  const current = new Map(data.map((f) => [f.id, f]));
  for (let j = 0; j < 2 * (WARMUP + BATCHES); j++) {
    // Alternate: a mixed batch (the headline), then a state-only batch. The first WARMUP pairs are
    // not measured (the app applies diffs all day: its update path is compiled and warm).
    const mixed = j % 2 === 0;
    const i = j >> 1;
    const warm = i < WARMUP;
    const diff = { fromRev: rev, rev: ++rev, add: [], update: [], remove: [] };
    for (let k = 0; k < 100; k++) {
      const f = current.get(data[(j * 997 + k * 131) % data.length].id);
      if (!f) continue;
      const g = { ...f, props: { ...f.props, sla: ['overdue', 'dueSoon', 'ok', 'done'][(j + k + 1) % 4] } };
      current.set(g.id, g);
      diff.update.push(g);
    }
    for (let k = 0; mixed && k < 10; k++) {
      const f = data[(i * 313 + k * 57 + 7) % data.length];
      const cur = current.get(f.id);
      if (cur && !diff.update.some((u) => u.id === f.id)) {
        const g = { ...cur, lon: cur.lon + 0.001, lat: cur.lat - 0.001 };
        current.set(g.id, g);
        diff.update.push(g);
      }
      const n = { ...data[k], id: `fc-new-${next++}` };
      current.set(n.id, n);
      diff.add.push(n);
      const gone = data[(i * 211 + k * 89 + 3) % data.length].id;
      if (current.has(gone) && !diff.update.some((u) => u.id === gone)) {
        current.delete(gone);
        diff.remove.push(gone);
      }
    }
    await page.evaluate(() => window.__bench.settle());
    const profile = process.env.BENCH_MAP_PROFILE && j === Number(process.env.BENCH_MAP_PROFILE);
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const before = await taskMs();
    const r = await page.evaluate(async (d) => {
      const b = window.__bench;
      b.renderMs = 0;
      const layer = b.layer;
      const updates = layer.stats.updateData;
      const draws = layer.stats.overlayDraws;
      const w = await b.watch();
      const t0 = performance.now();
      const res = layer.apply(d);
      const sync = performance.now() - t0;
      // The coalesced updateData (adds/removes/moves) is part of this batch's cost: wait for it and its tiles.
      while (layer.pending) await new Promise((r) => setTimeout(r, 20));
      await b.settle();
      const idle = performance.now() - t0 - b.SETTLE_MS;
      const m = await w.stop();
      const windowMs = performance.now() - t0;
      // The app's own background work over a window as long, with no change (the header clock,
      // sync polling, React): subtracted to give what the batch itself cost the main thread.
      const i0 = await window.__cpu();
      await new Promise((r) => setTimeout(r, windowMs));
      const i1 = await window.__cpu();
      const baseline = i1.main - i0.main;
      return { res, sync, idle, baseline, render: b.renderMs, ...m, updateData: layer.stats.updateData - updates, overlayDraws: layer.stats.overlayDraws - draws, overlaySize: b.overlay.size };
    }, diff);
    const after = await taskMs();
    if (profile) {
      // Where the main thread spent one update (self time per function, top 12).
      const { profile: prof } = await cdp.send('Profiler.stop');
      const self = new Map();
      const dt = prof.timeDeltas ?? [];
      const byId = new Map(prof.nodes.map((n) => [n.id, n]));
      (prof.samples ?? []).forEach((id, k) => {
        const n = byId.get(id);
        const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + (dt[k] ?? 0) / 1000);
      });
      console.log([...self.entries()].sort((x, y) => y[1] - x[1]).slice(0, 30).map(([k, v]) => `${v.toFixed(1)} ms  ${k}`).join('\n'));
    }
    if (r.res !== 'applied') throw new Error(`diff ${j}: ${r.res}`);
    if (warm) {
      // The measured batches start from an empty overlay, as after any consolidation.
      if (!mixed && i === WARMUP - 1) await page.evaluate(async () => { await window.__bench.layer.consolidate(); await window.__bench.settle(); });
      continue;
    }
    if (r.cpuMainToLastFrame === null) throw new Error(`diff ${j}: no frame drawn`);
    const toFrame = r.cpuMainToLastFrame - clockCostMs;
    if (!mixed) {
      stateOnly.main.push(toFrame);
      stateOnly.settledNet.push(r.cpuMain - r.baseline);
      stateOnly.raw.push(r.cpuMain);
      stateOnly.longTasks.push(r.longTasks);
      stateOnly.gpu.push(r.cpuGpu);
      stateOnly.frames.push(r.frames);
      stateOnly.apply.push(r.sync);
      stateOnly.toIdle.push(r.idle);
      stateOnly.updateData += r.updateData;
      continue;
    }
    if (r.updateData !== 0 || r.overlayDraws !== 1) throw new Error(`mixed diff ${j}: ${r.updateData} updateData calls and ${r.overlayDraws} overlay draws, expected 0 and 1`);
    overlaySizes.push(r.overlaySize);
    // Every 5th measured mixed batch: fold the overlay into the clustered source (the app does it once a minute).
    if ((i - WARMUP + 1) % 5 === 0) {
      const c = await page.evaluate(async () => {
        const b = window.__bench;
        const size = b.overlay.size;
        const w = await b.watch();
        const t0 = performance.now();
        await b.layer.consolidate();
        await b.settle();
        const wall = performance.now() - t0 - b.SETTLE_MS;
        return { size, after: b.overlay.size, wall, ...(await w.stop()) };
      });
      if (c.after !== 0) throw new Error(`consolidation left ${c.after} points in the overlay`);
      consolidations.push(c);
      console.log(`consolidation of ${c.size} points: main thread CPU ${Math.round(c.cpuMain)} ms, ${c.frames} frames, ${Math.round(c.wall)} ms wall`);
    }
    if (process.env.BENCH_MAP_VERBOSE) console.log(`batch ${i - WARMUP}: main ${toFrame.toFixed(1)} ms to the frame, ${r.cpuMain.toFixed(1)} ms to quiet (baseline ${r.baseline.toFixed(1)}), render ${r.render.toFixed(1)} ms, ${r.frames} frames, apply ${r.sync.toFixed(1)} ms, heap ${r.heapMB.join(' → ')} MB`);
    taskMsAll.push(after - before);
    main.push(toFrame);
    settledNet.push(r.cpuMain - r.baseline);
    mainRaw.push(r.cpuMain);
    baselineMs.push(r.baseline);
    longestMs.push(r.longest);
    longTaskMs.push(r.longTasks);
    gpuMs.push(r.cpuGpu);
    frames.push(r.frames);
    applyMs.push(r.sync);
    renderMs.push(r.render);
    toIdle.push(r.idle);
  }
  if (prof) {
    const { profile } = await prof.send('Profiler.stop');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(new URL('./results/map-update.cpuprofile', import.meta.url), JSON.stringify(profile));
    console.log('CPU profile of the update batches → bench/results/map-update.cpuprofile');
  }

  // ---- the floor: one frame of the same map with nothing drawn (every layer hidden) -----------
  const blank = await page.evaluate(async () => {
    const { map } = window.__iocMap;
    const b = window.__bench;
    const layers = map.getStyle().layers.map((l) => [l.id, map.getLayoutProperty(l.id, 'visibility') ?? 'visible']);
    for (const [id] of layers) map.setLayoutProperty(id, 'visibility', 'none');
    await b.settle();
    const out = [];
    for (let i = 0; i < 5; i++) {
      const w = await b.watch();
      map.triggerRepaint();
      await b.settle();
      out.push(await w.stop());
    }
    for (const [id, v] of layers) map.setLayoutProperty(id, 'visibility', v);
    await b.settle();
    return out;
  });

  // ---- panFps --------------------------------------------------------------------------------
  const pan = await page.evaluate(async () => {
    const { map } = window.__iocMap;
    map.jumpTo({ center: [108.1, 15.28], zoom: 11 });
    await window.__bench.idle();
    let frames = 0;
    const onRender = () => frames++;
    map.on('render', onRender);
    const t0 = performance.now();
    map.easeTo({ center: [108.35, 15.28], duration: 3000, easing: (t) => t });
    await new Promise((r) => map.once('moveend', r));
    const s = (performance.now() - t0) / 1000;
    map.off('render', onRender);
    return { frames, seconds: s };
  });

  const f = stats(first);
  const m = stats(main);
  const result = {
    points: POINTS,
    runs: RUNS,
    batches: BATCHES,
    warmupBatches: WARMUP,
    firstRenderMs: f.p50,
    updateMainThreadMsP95: m.p95,
    panFps: round(pan.frames / pan.seconds),
    updateStateOnlyMainThreadMsP95: stats(stateOnly.main).p95,
    updateMainThreadSettledNetMsP95: stats(settledNet).p95,
    updateMainThreadRawMsP95: stats(mainRaw).p95,
    updateFramesP50: stats(frames).p50,
    consolidateMainThreadMsP95: stats(consolidations.map((c) => c.cpuMain)).p95,
    updateLongTaskMsP95: stats(longTaskMs).p95,
    blankFrame: { mainThreadCpuMs: stats(blank.map((x) => x.cpuMain)).p50, gpuProcessCpuMs: stats(blank.map((x) => x.cpuGpu)).p50, longTaskMs: stats(blank.map((x) => x.longTasks)).p50 },
    distributions: {
      firstRenderMs: f,
      firstRenderMainThreadCpuMs: stats(firstCpu),
      firstRenderFrames: stats(firstFrames),
      firstRenderSourceLoadedMs: stats(firstSourceLoaded),
      firstRenderGpuProcessCpuMs: stats(firstGpu),
      updateMainThreadMs: m,
      updateMainThreadSettledNetMs: stats(settledNet),
      updateMainThreadRawMs: stats(mainRaw),
      updateIdleBaselineMs: stats(baselineMs),
      updateLongTaskMs: stats(longTaskMs),
      updateGpuProcessCpuMs: stats(gpuMs),
      updateFrames: stats(frames),
      overlayPointsAfterBatch: stats(overlaySizes),
      consolidateMainThreadCpuMs: stats(consolidations.map((c) => c.cpuMain)),
      consolidateGpuProcessCpuMs: stats(consolidations.map((c) => c.cpuGpu)),
      consolidateWallMs: stats(consolidations.map((c) => c.wall)),
      consolidateFrames: stats(consolidations.map((c) => c.frames)),
      consolidateLongTaskMs: stats(consolidations.map((c) => c.longTasks)),
      consolidatedPoints: stats(consolidations.map((c) => c.size)),
      updateApplySyncMs: stats(applyMs),
      updateLongestBlockMs: stats(longestMs),
      updateCdpTaskMs: stats(taskMsAll),
      updateRenderMs: stats(renderMs),
      updateToIdleMs: stats(toIdle),
      updateStateOnlyMainThreadMs: stats(stateOnly.main),
      updateStateOnlyMainThreadSettledNetMs: stats(stateOnly.settledNet),
      updateStateOnlyMainThreadRawMs: stats(stateOnly.raw),
      updateStateOnlyLongTaskMs: stats(stateOnly.longTasks),
      updateStateOnlyGpuProcessCpuMs: stats(stateOnly.gpu),
      updateStateOnlyFrames: stats(stateOnly.frames),
      updateStateOnlyApplySyncMs: stats(stateOnly.apply),
      updateStateOnlyToIdleMs: stats(stateOnly.toIdle),
    },
    updateStateOnlyUpdateDataCalls: stateOnly.updateData,
    clockReadingCostMs: round(clockCostMs, 2),
    clustersDrawn,
    pan,
    method: {
      gl: `SwiftShader (software), ${args.includes('--disable-gpu-compositing') ? '--disable-gpu-compositing' : 'GL compositing'}, 1920x1080`,
      heapBeforeUpdates: process.env.BENCH_MAP_NO_GC ? 'as the first-render runs left it' : 'garbage of the first-render runs collected first (CDP HeapProfiler.collectGarbage, then 2 s)',
      host: process.env.BENCH_MAP_SIMULATE ? 'embedded demo server with its simulator (activity every 5 s)' : 'embedded demo server, simulator off (--no-simulate): only the bench changes the map while it measures',
      firstRenderMs: 'wall clock: LiveLayer.load (snapshot → setData) of a clustered source with the cases style → map idle with the source loaded (firstRenderMainThreadCpuMs: the main thread\'s CPU time in it)',
      updateMainThreadMs: 'CPU time of the page\'s main thread (Linux schedstat of the renderer\'s main thread) from LiveLayer.apply(diff) until the task right after the LAST frame the batch caused (a MessageChannel task posted from MapLibre\'s render event: that frame\'s JS, style, paint and compositor commit are done), minus clockReadingCostMs (what the two clock readings themselves cost the thread, median of back-to-back pairs); the last frame is known once no frame has come for 150 ms; batch = 100 SLA changes (feature state) + 10 moves + 10 adds (overlay layer) + 10 removes (feature state hidden); no updateData',
      updateMainThreadSettledNetMs: 'the method before session 8: the same clock from apply until no frame for 150 ms (the bench\'s own quiet wait included), minus the clock over an equally long window right after with no change (updateIdleBaselineMs); a GC or a timer in either window moves it by up to ±15 ms, so its tails are the baseline\'s; updateMainThreadRawMs is without the subtraction',
      updateLongTaskMs: 'sum of main-thread long tasks (> 50 ms, PerformanceObserver) over the same interval: wall-clock time the thread was unavailable, INCLUDING time it waited for the GPU process to rasterize in software (SwiftShader) and read the frame back for the software compositor — a GPU makes this wait go away',
      updateGpuProcessCpuMs: 'CPU time of the GPU process (all threads: SwiftShader rasterization) over the same interval',
      updateFrames: 'MapLibre frames drawn for one batch',
      consolidate: 'every 5th mixed batch the overlay is folded into the clustered source (LiveLayer.consolidate: one updateData, re-cluster, tile reload; the app does it once a minute or past 500 overlay points): the same clocks from the call until settled',
      blankFrame: 'one frame of the same 1920x1080 map with every layer hidden: the per-frame floor of software GL here',
      updateStateOnlyMainThreadMs: 'the same (to the last frame) for a batch of 100 SLA changes only (setFeatureState, no updateData, no tile reload)',
      updateCdpTaskMs: 'CDP Performance.getMetrics TaskDuration delta over the same interval (for comparison)',
      updateLongestBlockMs: 'longest single main-thread block during the update',
      updateApplySyncMs: 'LiveLayer.apply itself (diff, setFeatureState calls, overlay buffer handed over)',
      updateRenderMs: 'JS time inside MapLibre frame rendering (Map._render) for the batch',
      panFps: 'render events per second during a 3 s linear easeTo at zoom 11 over the 50k clusters',
    },
    notes:
      'History. Commit 1f930f6 (every diff an immediate updateData, clusterProperties reduce): firstRenderMs 1561.8, main-thread busy 1447.7 ms p95 (MessageChannel probe). Session 2 (coalesced updateData every 500 ms): busy p95 2271.4 ms at load ~11; that probe counted time the thread was descheduled or blocked waiting for SwiftShader (the GPU process rasterizes and reads back each 1080p frame: ~70–90 ms of GPU-process CPU even for a blank frame), not work of the main thread. Session 3 measures the main thread\'s own CPU time (schedstat) and keeps the wait visible as updateLongTaskMs; the mixed batch went from 3–5 frames with a re-cluster and a tile reload (main-thread CPU 35.5 ms p50 / 76.6 p95 by this measure) to ONE frame: moves/adds drawn by the overlay custom layer, removes hidden by feature state, and the re-cluster done once a minute (consolidate*).',
    goals: { firstRenderMs: `<= ${GOALS.firstRenderMs}`, updateMainThreadMsP95: `<= ${GOALS.updateMainThreadMsP95}` },
    pass: { firstRenderMs: f.p50 <= GOALS.firstRenderMs, updateMainThreadMsP95: m.p95 <= GOALS.updateMainThreadMsP95 },
  };
  return result;
} finally {
  await browser.close();
}
}
