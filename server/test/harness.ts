/**
 * Test harness: a fresh database per test file (a temp PGlite folder, or with DATABASE_URL a new
 * `ioc_test_*` database on that server, dropped afterwards) and small HTTP helpers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import { type StartServerOptions, startServer, type RunningServer } from '../app';
import { DEFAULT_DEMO_PASSWORD } from '../seed/demo-seed';

export interface TestDatabase {
  databaseUrl?: string;
  dataDir?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ioc-server-test-'));
    return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `ioc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const backend = process.env.DATABASE_URL ? 'postgresql' : 'pglite';

export interface Harness {
  server: RunningServer;
  db: TestDatabase;
  /** Restart on the same database (same options unless overridden). */
  restart(overrides?: Partial<StartServerOptions>): Promise<RunningServer>;
  login(username: string, password?: string): Promise<string>;
  api(method: string, path: string, opts?: ApiOptions): Promise<ApiResult>;
  close(): Promise<void>;
}

export interface ApiOptions {
  token?: string;
  body?: unknown;
  /** Raw body (string) instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
  /** Send X-IOC-Protocol: 1 (default true). */
  protocol?: boolean;
}
export interface ApiResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests assert on shapes
  text: string;
}

export async function request(base: string, method: string, path: string, o: ApiOptions = {}): Promise<ApiResult> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.protocol !== false) headers[PROTOCOL_HEADER] = String(PROTOCOL_VERSION);
  const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, headers: res.headers, body, text };
}

export async function startHarness(opts: Partial<StartServerOptions> = {}): Promise<Harness> {
  const db = await createTestDatabase();
  // The demo's KPI year costs seconds per server: only the tests that read it ask for it (demoKpi: true).
  const base: StartServerOptions = { databaseUrl: db.databaseUrl, dataDir: db.dataDir, port: 0, demoKpi: false, ...opts };
  // Tests see the whole demo, as before the KPI year moved to the background: wait for it.
  const start = async (o: StartServerOptions) => {
    const s = await startServer(o);
    await s.demoKpiReady;
    return s;
  };
  let server = await start(base);
  const h: Harness = {
    db,
    get server() {
      return server;
    },
    async restart(overrides = {}) {
      await server.close();
      server = await start({ ...base, ...overrides });
      return server;
    },
    async login(username, password = DEFAULT_DEMO_PASSWORD) {
      const r = await request(server.url, 'POST', '/api/v1/auth/login', { body: { username, password } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.body.token as string;
    },
    api: (method, path, o) => request(server.url, method, path, o),
    async close() {
      await server.close();
      await db.drop();
    },
  };
  return h;
}
