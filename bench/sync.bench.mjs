// bench:sync — the sync design's three promises, measured end to end on this machine with the real
// central server (out/server/cli.js: PGlite, or PostgreSQL when DATABASE_URL is set) and the real
// desktop side (SyncEngine + CacheRepo on a SQLite file, loaded from main/ through tsx):
//  - initialPull100kMs: fresh cache, cursor 0 → online and cursor = server seq, ≥ 100k change-log rows
//  - propagationMsP95: a second client pushes one change at a time (real push API); time from sending
//    it until the changed row (at that seq) is in the first client's cache, engine online and idle
//  - outboxDrainPerSec: commands queued in the outbox while the engine is stopped, then start →
//    outbox empty (every command applied), commands/s
// Env: BENCH_ROWS (100000), BENCH_PULL_RUNS (3), BENCH_CHANGES (60), BENCH_DRAIN_COMMANDS (2000),
// BENCH_DRAIN_RUNS (3), DATABASE_URL (use a fresh database: the bench adds ≥ 100k rows to it);
// for digging: BENCH_TRACE=1 (log every request of the engine), BENCH_SERVER_NODE_ARGS.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { tsImport } from 'tsx/esm/api';
import { ROOT, stats, writeResult } from './lib.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PULL_RUNS = Number(process.env.BENCH_PULL_RUNS ?? 3);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 60);
const DRAIN_COMMANDS = Number(process.env.BENCH_DRAIN_COMMANDS ?? 2000);
const DRAIN_RUNS = Number(process.env.BENCH_DRAIN_RUNS ?? 3);
const GOALS = { initialPull100kMs: 5000, propagationMsP95: 1000, outboxDrainPerSec: 500 };
const DATABASE_URL = process.env.DATABASE_URL || undefined;
const USER = { username: 'bench-operator', password: 'bench-sync-password', role: 'operator', displayName: 'Bench Operator' };
const PROTOCOL = { 'x-ioc-protocol': '1' };

const { SyncEngine } = await tsImport('../main/services/sync/sync-engine.ts', import.meta.url);
const { CacheRepo } = await tsImport('../main/db/cache.repo.ts', import.meta.url);
const { openCacheDb } = await tsImport('../main/db/open.ts', import.meta.url);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`[bench:sync] ${msg}\n`);

async function waitFor(check, timeoutMs, what, everyMs = 2) {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---- server -------------------------------------------------------------------------------------

// The server bundle (cli + bench-seed) is built by scripts/bench.mjs (buildIfNeeded); build it here
// when run directly.
if (!existsSync(join(ROOT, 'out/server/bench-seed.js')) || !existsSync(join(ROOT, 'out/server/cli.js'))) {
  if (spawnSync(process.execPath, [join(ROOT, 'server/build.mjs')], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('server build failed');
}

const work = mkdtempSync(join(tmpdir(), 'ioc-bench-sync-'));
const serverDir = join(work, 'server');
const serverArgs = DATABASE_URL ? [] : ['--data-dir', serverDir];

log(`seeding ≥ ${ROWS} change-log rows (${DATABASE_URL ? 'postgresql' : 'pglite'})…`);
const seedRun = spawnSync(process.execPath, [join(ROOT, 'out/server/bench-seed.js'), '--rows', String(ROWS), ...serverArgs], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
if (seedRun.status !== 0) throw new Error(`bench-seed failed (${seedRun.status})`);
const seed = JSON.parse(seedRun.stdout.trim().split('\n').pop());
log(`seeded: ${JSON.stringify(seed)}`);

let server = null;
async function startServer() {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'out/server/cli.js'), '--port', '0', '--json', '--log-level', 'warn', ...serverArgs], {
    cwd: ROOT,
    env: { ...process.env, IOC_BOOTSTRAP_USERS: JSON.stringify([USER]) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise((ok, fail) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      try {
        const m = JSON.parse(l);
        if (m.ready) ok(m);
      } catch {}
    });
    child.once('exit', (c) => fail(new Error(`server exited ${c}`)));
  });
  server = { child, url: ready.url };
}
async function stopServer() {
  if (!server || server.child.exitCode !== null) return;
  const gone = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await gone;
  server = null;
}

async function api(path, { method = 'GET', token, body } = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...PROTOCOL, ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
const serverSeq = async () => (await api('/api/v1/health')).seq;

// ---- client -------------------------------------------------------------------------------------

function openClient(file, token) {
  const db = openCacheDb(file);
  const repo = new CacheRepo(db);
  const timedFetch = process.env.BENCH_TRACE
    ? async (input, init) => {
        const t0 = performance.now();
        const res = await fetch(input, init);
        if (String(input).includes('/live')) return res;
        const text = await res.text();
        log(`@${Math.round(t0)} ${String(input).replace(/^.*\/api\/v1\//, '')} ${Math.round(performance.now() - t0)} ms ${text.length} B`);
        return new Response(text, { status: res.status, headers: res.headers });
      }
    : undefined;
  const engine = new SyncEngine({ repo, serverUrl: server.url, getToken: () => token, fetch: timedFetch });
  return { db, repo, engine, close: () => (engine.dispose(), db.close()) };
}

const results = {};
try {
  await startServer();
  const { token } = await api('/api/v1/auth/login', { method: 'POST', body: { username: USER.username, password: USER.password } });

  // 1. initial pull: a fresh cache from cursor 0 until caught up (online, cursor = server seq)
  const pullMs = [];
  let cachedRows = 0;
  let target = 0;
  let main = null;
  for (let run = 0; run < PULL_RUNS; run++) {
    const file = join(work, `cache-${run}.sqlite`);
    const c = openClient(file, token);
    target = await serverSeq();
    const t0 = performance.now();
    c.engine.start();
    await waitFor(() => c.engine.status().state === 'online' && c.repo.cursor() >= target, 120_000, 'initial pull');
    pullMs.push(performance.now() - t0);
    cachedRows = Object.values(c.repo.counts()).reduce((a, b) => a + b, 0);
    log(`initial pull ${run + 1}/${PULL_RUNS}: ${Math.round(pullMs.at(-1))} ms, ${cachedRows} rows, cursor ${c.repo.cursor()}`);
    if (run === PULL_RUNS - 1) main = c;
    else c.close();
  }
  results.pull = { ms: pullMs, cachedRows, changeLogRows: seed.changeLogRows, cursor: target };

  // 2. propagation: another client pushes one change at a time; the first (online, idle) must see it
  const cases = main.repo.list('feedback_case', { limit: 1000 }).map((r) => r.id);
  if (!cases.length) throw new Error('no feedback cases in the cache');
  await sleep(500); // idle: nothing in flight
  const other = { clientId: randomUUID(), seq: 0 };
  const propagation = [];
  const pushAck = [];
  for (let i = 0; i < CHANGES; i++) {
    const caseId = cases[i % cases.length];
    const t0 = performance.now();
    const r = await api('/api/v1/sync/push', {
      method: 'POST',
      token,
      body: { protocol: 1, clientId: other.clientId, mutations: [{ id: randomUUID(), clientSeq: ++other.seq, name: 'case.addNote', args: { caseId, text: `propagation ${i}` }, createdAt: new Date().toISOString() }] },
    });
    pushAck.push(performance.now() - t0);
    const res = r.results[0];
    if (res.status !== 'applied' || !res.seq) throw new Error(`push not applied: ${JSON.stringify(res)}`);
    // The command's last change is the case row itself at res.seq: visible = that row (or newer) cached.
    await waitFor(() => (main.repo.get('feedback_case', caseId)?.seq ?? 0) >= res.seq, 10_000, `change ${res.seq} in the cache`, 1);
    propagation.push(performance.now() - t0);
    await sleep(100 + Math.random() * 200); // idle between changes (the live channel is quiet again)
  }
  results.propagation = { ms: propagation, pushAckMs: pushAck };
  log(`propagation: ${JSON.stringify(stats(propagation))}`);

  // 3. outbox drain: queue while the engine is stopped, then start and time until the outbox is empty
  const cacheFile = main.db.path;
  main.close();
  const drain = [];
  for (let run = 0; run < DRAIN_RUNS; run++) {
    const c = openClient(cacheFile, token);
    const rejectedBefore = c.repo.rejectedCount();
    for (let i = 0; i < DRAIN_COMMANDS; i++) c.engine.enqueue('case.addNote', { caseId: cases[i % cases.length], text: `drain ${run}-${i}` }, USER.displayName);
    if (c.repo.outboxCount() !== DRAIN_COMMANDS) throw new Error(`outbox holds ${c.repo.outboxCount()}, expected ${DRAIN_COMMANDS}`);
    const seq0 = await serverSeq();
    const t0 = performance.now();
    c.engine.start();
    await waitFor(() => c.repo.outboxCount() === 0, 120_000, 'outbox drain');
    const ms = performance.now() - t0;
    const rejected = c.repo.rejectedCount() - rejectedBefore;
    if (rejected) throw new Error(`${rejected} commands were rejected`);
    // Every command applied exactly once: 2 change-log rows each (case event + case row).
    const grew = (await serverSeq()) - seq0;
    drain.push({ ms, perSec: DRAIN_COMMANDS / (ms / 1000), changeLogGrowth: grew });
    log(`outbox drain ${run + 1}/${DRAIN_RUNS}: ${DRAIN_COMMANDS} commands in ${Math.round(ms)} ms = ${Math.round(DRAIN_COMMANDS / (ms / 1000))}/s`);
    await waitFor(() => c.engine.status().state === 'online', 10_000, 'online after drain', 10);
    c.close();
  }
  results.drain = drain;
} finally {
  await stopServer();
  rmSync(work, { recursive: true, force: true });
}

const pull = stats(results.pull.ms);
const prop = stats(results.propagation.ms);
const drainRate = stats(results.drain.map((d) => d.perSec));
const out = {
  database: seed.database,
  // Headline numbers: median initial pull, p95 propagation, median drain rate; distributions follow.
  initialPull100kMs: pull.p50,
  propagationMsP95: prop.p95,
  outboxDrainPerSec: drainRate.p50,
  distributions: {
    initialPull100kMs: pull,
    propagationMs: prop,
    propagationPushAckMs: stats(results.propagation.pushAckMs),
    outboxDrainPerSec: drainRate,
    outboxDrainMs: stats(results.drain.map((d) => d.ms)),
  },
  setup: {
    changeLogRows: results.pull.changeLogRows,
    cachedRows: results.pull.cachedRows,
    pullRuns: PULL_RUNS,
    changes: CHANGES,
    drainCommands: DRAIN_COMMANDS,
    drainRuns: DRAIN_RUNS,
    drainChangeLogGrowth: results.drain.map((d) => d.changeLogGrowth),
    seedFillMs: seed.fillMs,
  },
  goals: { initialPull100kMs: `median <= ${GOALS.initialPull100kMs}`, propagationMsP95: `<= ${GOALS.propagationMsP95}`, outboxDrainPerSec: `median >= ${GOALS.outboxDrainPerSec}` },
  pass: pull.p50 <= GOALS.initialPull100kMs && prop.p95 <= GOALS.propagationMsP95 && drainRate.p50 >= GOALS.outboxDrainPerSec,
};
writeResult('sync', out);
if (!out.pass) process.exitCode = 1;
