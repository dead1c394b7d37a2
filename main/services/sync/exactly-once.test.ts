import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Exactly once, end to end, with real processes: the real central server (PGlite, or PostgreSQL when
 * DATABASE_URL is set) and real desktop clients on real SQLite files. Clients are SIGKILLed at random
 * points while they queue and push; the server is SIGKILLed mid-apply several times. Afterwards every
 * note whose outbox write was confirmed exists exactly once on the server, none twice, and the cache
 * matches the server table by table.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const ITERATIONS = Number(process.env.CHAOS_ITERATIONS ?? 50);
const SERVER_KILLS = 6;
const PASSWORD = 'chaos-demo-password';

let dir: string;
let port: number;
let server: ChildProcess | null = null;
let token: string;
let caseId: string;
const url = () => `http://127.0.0.1:${port}`;

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

async function startServer(): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'out/server/cli.js'), '--port', String(port), '--data-dir', join(dir, 'server'), '--json', '--log-level', 'error'], {
    cwd: ROOT,
    env: { ...process.env, IOC_DEMO_PASSWORD: PASSWORD, IOC_BOOTSTRAP_USERS: JSON.stringify([{ username: 'chaos', password: PASSWORD, role: 'operator' }]) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  await new Promise<void>((ok, fail) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l.includes('"ready":true') && ok());
    child.once('exit', (c) => fail(new Error(`server exited ${c}: ${err}`)));
  });
  server = child;
}

async function killServer(): Promise<void> {
  const s = server;
  server = null;
  if (!s || s.exitCode !== null) return;
  const gone = new Promise((r) => s.once('exit', r));
  s.kill('SIGKILL');
  await gone;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${url()}${path}`, { ...init, headers: { 'content-type': 'application/json', 'x-ioc-protocol': '1', ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

type Change = { seq: number; entity: string; id: string; op: string; data: Record<string, unknown> | null };
async function pullAll(): Promise<Change[]> {
  const all: Change[] = [];
  for (let since = 0; ; ) {
    const page = await api<{ changes: Change[]; cursor: number; hasMore: boolean }>(`/api/v1/sync/pull?since=${since}&limit=5000`);
    all.push(...page.changes);
    if (!page.hasMore) return all;
    since = page.cursor;
  }
}

interface ClientRun {
  acked: string[];
  lines: string[];
  exited: Promise<void>;
  child: ChildProcess;
}
function runClient(opts: { prefix: string; count: number; mode?: 'work' | 'digest' }): ClientRun {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main/services/sync/testing/chaos-client.ts'), JSON.stringify({ db: join(dir, 'cache.sqlite'), serverUrl: url(), token, caseId, prefix: opts.prefix, count: opts.count, mode: opts.mode ?? 'work' })], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: ClientRun = { acked: [], lines: [], child, exited: new Promise((r) => child.once('exit', () => r())) };
  createInterface({ input: child.stdout! }).on('line', (l) => {
    run.lines.push(l);
    if (l.startsWith('ack ')) run.acked.push(l.slice(4));
  });
  return run;
}

beforeAll(async () => {
  // The server runs as built for production (its SQL migrations are bundled at build time).
  if (!existsSync(join(ROOT, 'out/server/cli.js'))) expect(spawnSync(process.execPath, [join(ROOT, 'server/build.mjs')], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  dir = mkdtempSync(join(tmpdir(), 'ioc-chaos-'));
  port = await freePort();
  await startServer();
  const login = await api<{ token: string }>('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ username: 'chaos', password: PASSWORD }) });
  token = login.token;
}, 120_000);

afterAll(async () => {
  await killServer();
  rmSync(dir, { recursive: true, force: true });
});

describe('exactly once under SIGKILL', () => {
  it(`every confirmed command lands exactly once after ${ITERATIONS} client kills and ${SERVER_KILLS} server kills`, async () => {
    const cases = (await pullAll()).filter((c) => c.entity === 'feedback_case');
    expect(cases.length).toBeGreaterThan(0);
    caseId = cases[0].id;

    const acked = new Set<string>();
    const killServerAt = new Set(Array.from({ length: SERVER_KILLS }, (_, i) => Math.floor(((i + 0.5) * ITERATIONS) / SERVER_KILLS)));
    for (let i = 0; i < ITERATIONS; i++) {
      const run = runClient({ prefix: `chaos-${i}`, count: 8 });
      // Kill at a random point once the client is working (it has confirmed at least one command),
      // so a slow start under load cannot turn an iteration into a no-op.
      await Promise.race([run.exited, new Promise<void>((r) => {
        const t = setInterval(() => run.acked.length > 0 && (clearInterval(t), r()), 5);
        setTimeout(() => (clearInterval(t), r()), 20_000);
      })]);
      const killAfter = Math.random() * 600;
      if (killServerAt.has(i)) {
        // The server dies mid-apply while this client pushes; it comes back a moment later.
        setTimeout(() => void killServer(), killAfter * 0.7);
      }
      await Promise.race([run.exited, new Promise((r) => setTimeout(r, killAfter))]);
      run.child.kill('SIGKILL');
      await run.exited;
      run.acked.forEach((t) => acked.add(t));
      if (!server) await startServer();
    }
    // Let the last client drain everything the outbox still holds.
    const final = runClient({ prefix: 'final', count: 0, mode: 'digest' });
    await Promise.race([final.exited, new Promise((r) => setTimeout(r, 60_000))]);
    expect(final.lines).toContain('drained');

    const notes = (await pullAll()).filter((c) => c.entity === 'case_event' && typeof c.data?.text === 'string' && String(c.data.text).startsWith('chaos-'));
    const byText = new Map<string, Set<string>>();
    for (const n of notes) {
      const t = String(n.data!.text);
      if (!byText.has(t)) byText.set(t, new Set());
      byText.get(t)!.add(n.id);
    }
    expect(acked.size).toBeGreaterThanOrEqual(ITERATIONS); // every iteration confirmed work before its kill
    const missing = [...acked].filter((t) => !byText.has(t));
    const duplicated = [...byText].filter(([, ids]) => ids.size > 1).map(([t]) => t);
    expect(missing, 'confirmed but never applied').toEqual([]);
    expect(duplicated, 'applied more than once').toEqual([]);

    // The cache equals the server, table by table.
    const clientDigest = JSON.parse(final.lines.find((l) => l.startsWith('digest '))!.slice(7)) as { tables: Record<string, { count: number; sha256: string }> };
    const serverDigest = await api<{ tables: Record<string, { count: number; sha256: string }> }>('/api/v1/sync/digest');
    expect(clientDigest.tables).toEqual(serverDigest.tables);
  }, 600_000);
});
