// Helpers for bench:video — processes (RTSP camera, central server, host) that are always cleaned up,
// the host contract over WebSocket, /proc accounting, the timestamp-stripe decoder for the page, and
// the in-page instrumentation (first frames, playback quality, glass-to-glass latency).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { ROOT } from './lib.mjs';

const require = createRequire(import.meta.url);
export const FFMPEG = require('@ffmpeg-installer/ffmpeg').path;
export const RTSP_SCRIPT = join(ROOT, 'main/services/streams/testing/rtsp-server.py');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- clip ---------------------------------------------------------------------------------------

/** H.264 clip like testing/helpers.ts makeClip (testsrc2, libx264 ultrafast, -g 30 -bf 0), cached across runs. */
export function makeClip({ seconds, size = '640x360', rate = 15 }) {
  const dir = join(tmpdir(), 'ioc-bench-video-cache');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `testsrc2-${size}-${rate}fps-g30-${seconds}s.ts`);
  if (existsSync(out)) return out;
  const tmp = `${out}.part-${process.pid}.ts`;
  const r = spawnSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-bf', '0', '-t', String(seconds), '-y', tmp]);
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`clip failed: ${r.stderr}`);
  }
  renameSync(tmp, out);
  return out;
}

export async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => ok(port));
    });
  });
}

// ---- processes that always get cleaned up -------------------------------------------------------

const HAS_SETPRIV = existsSync('/usr/bin/setpriv');

/**
 * Every process the bench starts (and every ffmpeg the host starts, as seen by the monitor) is
 * tracked here. `stopAll()` is the graceful path (SIGTERM, then SIGKILL); `killAllSync()` runs from
 * process 'exit' as the last resort. Children are spawned under `setpriv --pdeathsig KILL` so that
 * even a SIGKILLed bench takes them down.
 */
export class Procs {
  constructor() {
    /** @type {{ name: string, child?: import('node:child_process').ChildProcess, pid: number, stop?: () => Promise<void> }[]} */
    this.list = [];
    this.extraPids = new Set();
    /** Temp dirs removed after the processes are gone. */
    this.dirs = [];
  }
  spawn(name, cmd, args, opts = {}) {
    const [c, a] = HAS_SETPRIV ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', cmd, ...args]] : [cmd, args];
    const child = spawn(c, a, opts);
    this.list.push({ name, child, pid: child.pid });
    return child;
  }
  trackPid(pid) {
    this.extraPids.add(pid);
  }
  untrack(child) {
    this.list = this.list.filter((p) => p.child !== child);
  }
  async stopChild(child, graceMs = 5000) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(t);
  }
  /** Graceful: newest first (host before server before RTSP server), then anything left (ffmpeg) SIGKILLed. */
  async stopAll() {
    for (const p of [...this.list].reverse()) {
      try {
        await this.stopChild(p.child);
      } catch {}
    }
    this.list = [];
    await sleep(300);
    const left = [...this.extraPids].filter(alive);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    return left;
  }
  killAllSync() {
    for (const p of this.list) {
      try {
        if (p.child.exitCode === null) p.child.kill('SIGKILL');
      } catch {}
    }
    for (const pid of this.extraPids) {
      try {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
}

function waitLine(child, pred, timeoutMs, what) {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${what} not ready after ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    createInterface({ input: child.stdout }).on('line', (l) => {
      const v = pred(l);
      if (v) {
        clearTimeout(timer);
        ok(v);
      }
    });
    child.once('exit', (c, s) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited (${c ?? s})\n${stderr}`));
    });
  });
}

/** GStreamer RTSP server (main/services/streams/testing/rtsp-server.py) on 127.0.0.1; exits when its stdin closes. */
export async function startRtsp(procs, mounts) {
  const port = await freePort();
  const child = procs.spawn('rtsp', '/usr/bin/python3', [RTSP_SCRIPT, String(port), ...Object.entries(mounts).map(([m, f]) => `${m}=${f}`)], { stdio: ['pipe', 'pipe', 'pipe'] });
  await waitLine(child, (l) => l.trim() === 'ready', 15_000, 'rtsp server');
  return { port, child, url: (m) => `rtsp://127.0.0.1:${port}${m}` };
}

/** The built central server, fresh PGlite data dir, no demo seed, bootstrap admin + operator. */
export async function startCentral(procs, { password }) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ioc-bench-server-'));
  procs.dirs.push(dataDir);
  const users = [
    { username: 'admin', password, role: 'admin' },
    { username: 'operator', password, role: 'operator', displayName: 'Bench Operator' },
  ];
  const child = procs.spawn('server', process.execPath, [join(ROOT, 'out/server/cli.js'), '--port', String(port), '--data-dir', dataDir, '--json', '--log-level', 'warn', '--no-seed-demo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', IOC_DEMO_PASSWORD: password, IOC_BOOTSTRAP_USERS: JSON.stringify(users) },
  });
  await waitLine(child, (l) => l.includes('"ready":true'), 60_000, 'central server');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    dataDir,
    async login(username) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ioc-protocol': '1' }, body: JSON.stringify({ username, password }) });
      if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()).token;
    },
    async registerCameras(adminToken, cameras) {
      const res = await fetch(`${url}/api/v1/admin/cameras`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ioc-protocol': '1', authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ cameras }) });
      if (!res.ok) throw new Error(`register cameras: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** The built headless host (out/main/host.js) with its own data dir. */
export async function startHostProc(procs, { env = {}, displays = 2 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioc-bench-host-'));
  procs.dirs.push(dataDir);
  const child = procs.spawn('host', process.execPath, [join(ROOT, 'out/main/host.js'), '--port', '0', '--json', '--displays', String(displays), '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const hostLog = [];
  child.stderr.on('data', (d) => {
    for (const l of String(d).split('\n')) if (l.trim()) hostLog.push(l.slice(0, 500));
    if (hostLog.length > 2000) hostLog.splice(0, hostLog.length - 2000);
  });
  const ready = await waitLine(
    child,
    (l) => {
      try {
        const m = JSON.parse(l);
        return m.ready ? m : null;
      } catch {
        return null;
      }
    },
    30_000,
    'host',
  );
  return { ...ready, child, dataDir, hostLog, urlFor: (d) => ready.urls.find((u) => u.display === d)?.url, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** One persistent WebSocket to the host contract: `{type:'call', id, channel, input}` → `{type:'result', id, envelope}`. */
export async function hostClient(host) {
  const ws = new WebSocket(`${host.origin.replace(/^http/, 'ws')}/ioc?token=${host.token}`, { perMessageDeflate: false });
  await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
  let next = 1;
  const waiting = new Map();
  ws.on('message', (raw) => {
    let m;
    try {
      m = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (m.type === 'result' && waiting.has(m.id)) {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.envelope?.ok) w.ok(m.envelope.value);
      else w.fail(new Error(`${w.channel}: ${m.envelope?.error?.message ?? 'failed'}`));
    }
  });
  return {
    call(channel, input) {
      const id = next++;
      return new Promise((ok, fail) => {
        waiting.set(id, { ok, fail, channel });
        ws.send(JSON.stringify({ type: 'call', id, channel, input }));
        setTimeout(() => {
          if (waiting.delete(id)) fail(new Error(`${channel}: no answer in 15 s`));
        }, 15_000);
      });
    },
    close: () => ws.close(),
  };
}

/** A headless viewer on the stream server that keeps a (camera, sub) pull warm; counts bytes. */
export function warmViewer(endpoint, cameraId, profile = 'sub') {
  const ws = new WebSocket(`${endpoint.baseUrl}/stream/${encodeURIComponent(cameraId)}/${profile}?token=${encodeURIComponent(endpoint.token)}`, { perMessageDeflate: false });
  const v = { bytes: 0, closed: null, ws };
  ws.on('message', (d) => (v.bytes += d.length));
  ws.on('close', (code) => (v.closed = code));
  ws.on('error', () => {});
  v.close = () => ws.close();
  return v;
}

// ---- /proc accounting ---------------------------------------------------------------------------

export function alive(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function statOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** All live pids with their parent. */
export function processTable() {
  const out = new Map();
  for (const n of readdirSync('/proc')) {
    const pid = Number(n);
    if (!Number.isInteger(pid)) continue;
    const s = statOf(pid);
    if (s && s.state !== 'Z') out.set(pid, s);
  }
  return out;
}

export function descendants(root, table = processTable()) {
  const kids = new Map();
  for (const [pid, s] of table) {
    if (!kids.has(s.ppid)) kids.set(s.ppid, []);
    kids.get(s.ppid).push(pid);
  }
  const out = [];
  const stack = [...(kids.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}

const exeOf = (pid) => {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
};

/** The process groups we account for: chromium (every chromium process under this bench), host, its ffmpeg children. */
export function groups(hostPid, table = processTable()) {
  const chromium = descendants(process.pid, table).filter((p) => /chrom/i.test(exeOf(p)));
  const ffmpeg = descendants(hostPid, table).filter((p) => exeOf(p) === FFMPEG);
  return { chromium, ffmpeg, main: table.has(hostPid) ? [hostPid] : [] };
}

/** Sum of utime+stime ticks (100 Hz) per pid. */
export function ticksOf(pids) {
  const m = new Map();
  for (const p of pids) {
    const s = statOf(p);
    if (s) m.set(p, s.ticks);
  }
  return m;
}

/** CPU % of one core between two tick snapshots (pids that appeared count from 0, pids that died are lost). */
export function cpuPct(before, after, seconds) {
  let d = 0;
  for (const [pid, t] of after) d += t - (before.get(pid) ?? 0);
  return (d / 100 / seconds) * 100;
}

function statusKB(pid, key) {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${key === 'Pss' ? 'smaps_rollup' : 'status'}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
export const rssMB = (pids) => pids.reduce((a, p) => a + statusKB(p, 'VmRSS'), 0) / 1024;
export const pssMB = (pids) => pids.reduce((a, p) => a + statusKB(p, 'Pss'), 0) / 1024;

/** Chromium process kind from its command line: browser, gpu-process, renderer, utility, zygote… */
export function chromiumKind(pid) {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const t = /--type=(\S+)/.exec(cmd);
    if (!t) return 'browser';
    const sub = /--utility-sub-type=(\S+)/.exec(cmd);
    return sub ? `${t[1]}:${sub[1].split('.').pop()}` : t[1];
  } catch {
    return 'gone';
  }
}

/** Whole-machine CPU jiffies from /proc/stat: busy and total (all cores). */
export function systemCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
/** CPU of the whole machine vs this bench's own process tree (bench, chromium, host, ffmpeg, server, RTSP server), % of one core. */
export function loadMeter() {
  const ours = () => ticksOf([process.pid, ...descendants(process.pid)]);
  const s0 = systemCpu();
  const o0 = ours();
  const t0 = performance.now();
  return () => {
    const s1 = systemCpu();
    const secs = (performance.now() - t0) / 1000;
    const cores = (s1.total - s0.total) / 100 / secs; // jiffies per second / 100 Hz
    const machine = ((s1.busy - s0.busy) / (s1.total - s0.total)) * 100 * cores;
    const oursPct = cpuPct(o0, ours(), secs);
    return { machineBusyPct: Math.round(machine), oursPct: Math.round(oursPct), otherPct: Math.round(Math.max(0, machine - oursPct)), seconds: Math.round(secs * 10) / 10 };
  };
}

/** Wait (bounded) until other sessions' CPU load on this machine is below `maxOtherPct` for a 3 s probe. */
export async function waitQuiet({ maxOtherPct = 40, maxWaitMs = 60_000 } = {}) {
  const t0 = Date.now();
  let last;
  for (;;) {
    const stop = loadMeter();
    await sleep(3000);
    last = stop();
    if (last.otherPct <= maxOtherPct) return { ...last, waitedMs: Date.now() - t0, quiet: true };
    if (Date.now() - t0 > maxWaitMs) return { ...last, waitedMs: Date.now() - t0, quiet: false };
  }
}
export const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

// ---- page side ----------------------------------------------------------------------------------

/** stripe.ts (the single source of truth) transpiled for the page: defines window.__stripe. */
export function stripeScript() {
  const ts = require('typescript');
  const src = readFileSync(join(ROOT, 'main/services/streams/stripe.ts'), 'utf8');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  return `(function(){var exports={};var module={exports:exports};${js};window.__stripe=exports;})();`;
}

/** Same decoder for Node (self-check of the copy). */
export function stripeModule() {
  const ts = require('typescript');
  const src = readFileSync(join(ROOT, 'main/services/streams/stripe.ts'), 'utf8');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const exports = {};
  new Function('exports', 'module', js)(exports, { exports });
  return exports;
}

/**
 * Installed with page.addInitScript before the app loads. Keeps a record per <video> (tile camera,
 * insertion time, first presented frame via requestVideoFrameCallback), accumulates
 * getVideoPlaybackQuality across MediaSource resets, collects console reload lines, and can sample
 * the stripe of one tile for glass-to-glass latency.
 */
export function pageInstrumentation() {
  const B = (window.__bench = { videos: [], seq: 0, lat: [], latErrors: 0, latNull: 0, tzOffsetMs: null });
  const track = (v) => {
    if (v.__b) return;
    const tile = v.closest('[data-testid^="tile-"]');
    const rec = {
      id: ++B.seq,
      video: v,
      camera: tile ? tile.getAttribute('data-camera') : null,
      tile: tile ? tile.getAttribute('data-testid') : null,
      insertedAt: performance.now(),
      firstFrameAt: null,
      removedAt: null,
      total: 0,
      dropped: 0,
      lastTotal: 0,
      lastDropped: 0,
      resets: 0,
    };
    v.__b = rec;
    B.videos.push(rec);
    v.requestVideoFrameCallback(() => {
      rec.firstFrameAt = performance.now();
    });
  };
  const scan = (n, fn) => {
    if (n.nodeType !== 1) return;
    if (n.tagName === 'VIDEO') fn(n);
    n.querySelectorAll?.('video').forEach(fn);
  };
  new MutationObserver((muts) => {
    for (const m of muts) {
      for (const n of m.addedNodes) scan(n, track);
      for (const n of m.removedNodes)
        scan(n, (v) => {
          if (v.__b && !v.isConnected) {
            poll1(v.__b);
            v.__b.removedAt = performance.now();
            v.__b.video = null;
          }
        });
    }
  }).observe(document, { childList: true, subtree: true });
  const poll1 = (r) => {
    const v = r.video;
    if (!v || !v.getVideoPlaybackQuality) return;
    const q = v.getVideoPlaybackQuality();
    if (q.totalVideoFrames < r.lastTotal) {
      // a new MediaSource (player reload): its counters start again at 0
      r.resets++;
      r.total += q.totalVideoFrames;
      r.dropped += q.droppedVideoFrames;
    } else {
      r.total += q.totalVideoFrames - r.lastTotal;
      r.dropped += Math.max(0, q.droppedVideoFrames - r.lastDropped);
    }
    r.lastTotal = q.totalVideoFrames;
    r.lastDropped = q.droppedVideoFrames;
  };
  B.poll = () => {
    for (const r of B.videos) if (r.video) poll1(r);
  };
  setInterval(B.poll, 500);
  B.live = () => B.videos.filter((r) => r.video && r.video.isConnected);
  B.snapshot = () => {
    B.poll();
    return B.live().map((r) => ({ id: r.id, camera: r.camera, total: r.total, dropped: r.dropped, resets: r.resets, w: r.video.videoWidth, h: r.video.videoHeight }));
  };
  B.tileStates = () => [...document.querySelectorAll('[data-testid^="tile-"][data-camera]')].filter((e) => e.getAttribute('data-camera')).map((e) => ({ camera: e.getAttribute('data-camera'), state: e.getAttribute('data-state'), frames: Number(e.getAttribute('data-frames') || 0) }));

  // Contract calls from the page itself (same clock as the tiles).
  let ws = null;
  let callId = 0;
  const pending = new Map();
  B.call = (token, channel, input) =>
    new Promise((ok, fail) => {
      const send = () => {
        const id = ++callId;
        pending.set(id, { ok, fail });
        ws.send(JSON.stringify({ type: 'call', id, channel, input }));
      };
      if (ws && ws.readyState === 1) return send();
      ws = new WebSocket(`ws://${location.host}/ioc?token=${encodeURIComponent(token)}`);
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === 'result' && pending.has(m.id)) {
          const p = pending.get(m.id);
          pending.delete(m.id);
          m.envelope && m.envelope.ok ? p.ok(m.envelope.value) : p.fail(new Error(m.envelope?.error?.message ?? 'call failed'));
        }
      };
      ws.onopen = send;
      ws.onerror = () => fail(new Error('contract socket error'));
    });

  // Glass-to-glass: on presented frames of one tile, draw the top rows at native size and decode the stripe.
  B.startLatency = (camera, everyMs, tzOffsetMs) => {
    B.stopLatency?.();
    const rec = B.live().find((r) => r.camera === camera);
    if (!rec) throw new Error(`no live video for ${camera}`);
    const v = rec.video;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    let handle = 0;
    let last = -1e9;
    let stopped = false;
    const DAY = 86400000;
    const onFrame = (now, meta) => {
      if (stopped) return;
      handle = v.requestVideoFrameCallback(onFrame);
      if (now - last < everyMs) return;
      last = now;
      try {
        const w = v.videoWidth;
        if (!w) return;
        const rows = 16;
        if (canvas.width !== w) canvas.width = w;
        canvas.height = rows;
        ctx.drawImage(v, 0, 0, w, rows, 0, 0, w, rows); // source rect in native pixels: no scaling
        const val = window.__stripe.decodeTimestampStripe(ctx.getImageData(0, 0, w, rows).data, w);
        const wall = Date.now();
        if (val === null) {
          B.latNull++;
          return;
        }
        let age = (((wall + tzOffsetMs) % DAY) + DAY) % DAY - val;
        if (age > DAY / 2) age -= DAY;
        if (age < -DAY / 2) age += DAY;
        // expectedDisplayTime: when the compositor shows it (≈ glass); same clock as performance.now()
        const toGlass = meta && meta.expectedDisplayTime ? meta.expectedDisplayTime - performance.now() : 0;
        const b = v.buffered;
        const ahead = b.length ? (b.end(b.length - 1) - v.currentTime) * 1000 : null;
        B.lat.push([wall, age, age + toGlass, ahead]);
      } catch (e) {
        B.latErrors++;
        B.latLastError = String(e);
      }
    };
    handle = v.requestVideoFrameCallback(onFrame);
    B.stopLatency = () => {
      stopped = true;
      v.cancelVideoFrameCallback(handle);
      B.stopLatency = null;
    };
  };
  B.takeLatency = () => {
    const out = B.lat;
    B.lat = [];
    return out;
  };
  B.reloads = [];
}
