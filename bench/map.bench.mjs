// bench:map — the map view in Chromium with software GL (SwiftShader, the e2e flags), on the built
// host's real map page (`?view=map&maptest`), with the app's own style and LiveLayer code path:
//   firstRenderMs          50k feedback points into a clustered source (the cases layers' style):
//                          snapshot load (setData) → map idle, median of RUNS fresh sources
//   updateMainThreadMsP95  one live diff batch (100 changed SLA states, 10 moved, 10 added, 10 removed)
//                          via LiveLayer.apply (SLA → setFeatureState; adds/removes/moves → one
//                          coalesced GeoJSONSource.updateData after LIVE_FLUSH_MS): main-thread busy
//                          time (a MessageChannel probe) from apply until the coalesced updateData has
//                          gone out AND the map is idle again (every resulting long task included)
//   updateStateOnly*       the same for a batch of 100 SLA changes only (the most frequent live change)
//   panFps                 frames rendered per second during a 3 s pan over the 50k clusters
//   glCompositing          a shorter second pass without --disable-gpu-compositing (GL compositing in
//                          SwiftShader), for comparison only: the headline uses the e2e flags
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, round, startHost, stats, writeResult } from './lib.mjs';

const POINTS = Number(process.env.BENCH_MAP_POINTS ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCHES = Number(process.env.BENCH_MAP_BATCHES ?? 30);
const GOALS = { firstRenderMs: 1000, updateMainThreadMsP95: 8 };
const ARGS = [...CHROMIUM_ARGS, '--disable-gpu-compositing']; // as playwright.config.ts

const FLUSH_MS = 500; // renderer/src/features/map/style.ts LIVE_FLUSH_MS
const STATE_KEYS = ['sla']; // LIVE_STATE_KEYS.cases

const loadBefore = loadavg().map((x) => round(x, 2));
const host = await startHost({ displays: 1 });
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

  // A bench copy of the cases source and layers (same style), so the live demo data cannot touch it.
  await page.evaluate(({ STATE_KEYS, FLUSH_MS }) => {
    const { map } = window.__iocMap;
    for (const l of map.getStyle().layers) if (['cameras', 'cases', 'water', 'facilities'].includes(l.source)) map.setLayoutProperty(l.id, 'visibility', 'none');
    map.jumpTo({ center: [108.2, 15.28], zoom: 10 });
    window.__bench = {
      addSource() {
        const spec = map.getStyle().sources.cases;
        map.addSource('bench', { ...spec, data: { type: 'FeatureCollection', features: [] } });
        for (const l of map.getStyle().layers.filter((x) => x.source === 'cases' && x.id !== 'cases-heat')) map.addLayer({ ...l, id: `bench-${l.id}`, source: 'bench', layout: { ...l.layout, visibility: 'visible' } });
        window.__bench.layer = new window.__iocMap.LiveLayer(() => map.getSource('bench'), { stateKeys: STATE_KEYS, flushMs: FLUSH_MS });
      },
      removeSource() {
        for (const l of map.getStyle().layers.filter((x) => x.source === 'bench')) map.removeLayer(l.id);
        map.removeSource('bench');
      },
      idle: () => new Promise((r) => { map.once('idle', r); map.triggerRepaint(); }),
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
  }, { STATE_KEYS, FLUSH_MS });
  const points = (n, seed) => {
    let s = seed >>> 0;
    const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const sla = ['overdue', 'dueSoon', 'ok', 'done'];
    return Array.from({ length: n }, (_, i) => {
      const k = sla[Math.floor(r() * 4)];
      return { id: `fc-${String(i).padStart(6, '0')}`, lon: 107.96 + r() * 0.5, lat: 15.13 + r() * 0.3, props: { title: 'Phản ánh', status: 'received', level: r() < 0.15 ? 'urgent' : 'normal', category: 'road_damage', unitId: 'vn-2025:20900', sla: k, weight: k === 'overdue' ? 3 : k === 'dueSoon' ? 2 : k === 'ok' ? 1 : 0.3 } };
    });
  };
  const data = points(POINTS, 42);

  // ---- firstRenderMs -------------------------------------------------------------------------
  const first = [];
  for (let i = 0; i < RUNS; i++) {
    const ms = await page.evaluate(async (features) => {
      const b = window.__bench;
      b.addSource();
      await b.idle();
      const t0 = performance.now();
      b.layer.load({ rev: 0, features });
      await new Promise((r) => {
        const map = window.__iocMap.map;
        const check = () => (map.isSourceLoaded('bench') && map.areTilesLoaded() ? r() : map.once('idle', check));
        map.once('idle', check);
      });
      const ms = performance.now() - t0;
      b.removeSource();
      return ms;
    }, data);
    first.push(ms);
    console.log(`firstRender ${i + 1}/${RUNS}: ${Math.round(ms)} ms`);
  }
  await page.evaluate(async (features) => {
    const b = window.__bench;
    b.addSource();
    b.layer.load({ rev: 0, features });
    await b.idle();
  }, data);
  const clustersDrawn = await page.evaluate(() => window.__iocMap.map.queryRenderedFeatures({ layers: ['bench-cases-clusters'] }).length);

  // ---- updateMainThreadMsP95 -----------------------------------------------------------------
  const main = [];
  const applyMs = [];
  const taskMsAll = [];
  const longestMs = [];
  const renderMs = [];
  const toIdle = [];
  const stateOnly = { main: [], longest: [], apply: [], toIdle: [], updateData: 0 };
  let next = POINTS;
  let rev = 0;
  const current = new Map(data.map((f) => [f.id, f]));
  for (let j = 0; j < 2 * BATCHES; j++) {
    // Alternate: a mixed batch (the headline), then a state-only batch.
    const mixed = j % 2 === 0;
    const i = j >> 1;
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
    await page.evaluate(() => window.__bench.idle());
    await page.waitForTimeout(150);
    const profile = process.env.BENCH_MAP_PROFILE && j === 10;
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const before = await taskMs();
    const r = await page.evaluate(async (d) => {
      window.__bench.renderMs = 0;
      // A main-thread probe: back-to-back MessageChannel pings; a gap is time the thread was busy.
      const ch = new MessageChannel();
      let last = performance.now();
      let blocked = 0;
      let longest = 0;
      let probing = true;
      ch.port1.onmessage = () => {
        const now = performance.now();
        const gap = now - last;
        if (gap > 2) {
          blocked += gap;
          longest = Math.max(longest, gap);
        }
        last = now;
        if (probing) ch.port2.postMessage(0);
      };
      ch.port2.postMessage(0);
      await new Promise((r) => setTimeout(r, 50));
      blocked = 0;
      longest = 0;
      const layer = window.__bench.layer;
      const updates = layer.stats.updateData;
      const t0 = performance.now();
      const res = layer.apply(d);
      const sync = performance.now() - t0;
      await window.__bench.idle();
      // The coalesced updateData (adds/removes/moves) is part of this batch's cost: wait for it and its tiles.
      while (layer.pending) await new Promise((r) => setTimeout(r, 20));
      if (layer.stats.updateData !== updates) await window.__bench.idle();
      probing = false;
      ch.port1.close();
      return { res, sync, idle: performance.now() - t0, render: window.__bench.renderMs, blocked, longest, updateData: layer.stats.updateData - updates };
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
      console.log([...self.entries()].sort((x, y) => y[1] - x[1]).slice(0, 12).map(([k, v]) => `${v.toFixed(1)} ms  ${k}`).join('\n'));
    }
    if (r.res !== 'applied') throw new Error(`diff ${j}: ${r.res}`);
    if (!mixed) {
      stateOnly.main.push(r.blocked);
      stateOnly.longest.push(r.longest);
      stateOnly.apply.push(r.sync);
      stateOnly.toIdle.push(r.idle);
      stateOnly.updateData += r.updateData;
      continue;
    }
    if (r.updateData !== 1) throw new Error(`mixed diff ${j}: ${r.updateData} updateData calls, expected 1`);
    taskMsAll.push(after - before);
    main.push(r.blocked);
    longestMs.push(r.longest);
    applyMs.push(r.sync);
    renderMs.push(r.render);
    toIdle.push(r.idle);
  }

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
    firstRenderMs: f.p50,
    updateMainThreadMsP95: m.p95,
    panFps: round(pan.frames / pan.seconds),
    updateStateOnlyMainThreadMsP95: stats(stateOnly.main).p95,
    distributions: {
      firstRenderMs: f,
      updateMainThreadMs: m,
      updateApplySyncMs: stats(applyMs),
      updateLongestBlockMs: stats(longestMs),
      updateCdpTaskMs: stats(taskMsAll),
      updateRenderMs: stats(renderMs),
      updateToIdleMs: stats(toIdle),
      updateStateOnlyMainThreadMs: stats(stateOnly.main),
      updateStateOnlyLongestBlockMs: stats(stateOnly.longest),
      updateStateOnlyApplySyncMs: stats(stateOnly.apply),
      updateStateOnlyToIdleMs: stats(stateOnly.toIdle),
    },
    updateStateOnlyUpdateDataCalls: stateOnly.updateData,
    clustersDrawn,
    pan,
    method: {
      gl: `SwiftShader (software), ${args.includes('--disable-gpu-compositing') ? '--disable-gpu-compositing' : 'GL compositing'}, 1920x1080`,
      firstRenderMs: 'LiveLayer.load (snapshot → setData) of a clustered source with the cases style → map idle with the source loaded',
      updateMainThreadMs: `main-thread busy time from LiveLayer.apply(diff) until the coalesced updateData (${FLUSH_MS} ms window) has gone out and the map is idle again: sum of gaps > 2 ms between back-to-back MessageChannel pings (includes time the OS gave the thread to others); batch = 100 SLA changes (feature state) + 10 moves + 10 adds + 10 removes (one updateData)`,
      updateStateOnlyMainThreadMs: 'the same probe for a batch of 100 SLA changes only (setFeatureState, no updateData, no tile reload)',
      updateCdpTaskMs: 'CDP Performance.getMetrics TaskDuration delta over the same interval (for comparison)',
      updateLongestBlockMs: 'longest single main-thread block during the update',
      updateApplySyncMs: 'LiveLayer.apply itself (diff + setFeatureState calls; the coalesced updateData comes later and is inside updateMainThreadMs)',
      updateRenderMs: 'time inside MapLibre frame rendering (Map._render) until idle',
      panFps: 'render events per second during a 3 s linear easeTo at zoom 11 over the 50k clusters',
    },
    notes:
      'Before (commit 1f930f6: every diff an immediate updateData, clusterProperties reduce over sla/weight): firstRenderMs 1561.8, updateMainThreadMsP95 1447.7, panFps 3.4. A CPU profile of one update (BENCH_MAP_PROFILE=1) shows ~95 % of the main-thread time as native "(program)" — WebGL frames read back for the software compositor (Chromium logs "GPU stall due to ReadPixels") — and JS well under 10 %: our diff apply ~0.5 ms, MapLibre render ~20–50 ms. With a GPU (or GPU compositing) the readback goes away.',
    goals: { firstRenderMs: `<= ${GOALS.firstRenderMs}`, updateMainThreadMsP95: `<= ${GOALS.updateMainThreadMsP95}` },
    pass: { firstRenderMs: f.p50 <= GOALS.firstRenderMs, updateMainThreadMsP95: m.p95 <= GOALS.updateMainThreadMsP95 },
  };
  return result;
} finally {
  await browser.close();
}
}
