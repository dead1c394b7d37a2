// The self-contained server shipped in the desktop package (resources/server, from
// `node server/build.mjs --standalone`): it must run from a folder with no node_modules anywhere
// above it, i.e. every npm dependency is bundled and PGlite's wasm/data files sit next to cli.js.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchServer } from './test/ready-line';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'out/server-standalone');
const cli = path.join(outDir, 'cli.js');
const DEMO_PASSWORD = 'standalone-demo-pw-7';

/** Newest mtime of the files under dir (skipping tests), 0 if missing. */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || /\.(test|spec)\.ts$/.test(e.name)) continue;
    t = Math.max(t, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

function isStale(): boolean {
  if (!existsSync(cli) || !existsSync(path.join(outDir, 'pglite.wasm'))) return true;
  const inputs = Math.max(
    newest(path.join(repoRoot, 'server')),
    newest(path.join(repoRoot, 'shared')),
    newest(path.join(repoRoot, 'resources/data')),
    statSync(path.join(repoRoot, 'package-lock.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0,
  );
  return inputs > statSync(cli).mtimeMs;
}

describe('standalone server (out/server-standalone, shipped as resources/server)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'ioc-standalone-'));
  const serverDir = path.join(work, 'server');
  let child: ChildProcess | undefined;

  beforeAll(() => {
    if (isStale()) {
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'server/build.mjs'), '--standalone'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
      if (r.status !== 0) throw new Error(`standalone build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
    cpSync(outDir, serverDir, { recursive: true });
  }, 120_000);

  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('is one bundle plus the PGlite runtime files, with no node_modules up the tree', () => {
    expect(readdirSync(serverDir).sort()).toEqual(['cli.js', 'initdb.wasm', 'package.json', 'pglite.data', 'pglite.wasm']);
    for (let dir = serverDir; ; dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, 'node_modules')), dir).toBe(false);
      if (path.dirname(dir) === dir) break;
    }
  });

  it('starts from a copy outside the repo, serves health and a demo login, stops on SIGTERM', async () => {
    child = spawn(process.execPath, [path.join(serverDir, 'cli.js'), '--json', '--port', '0', '--data-dir', path.join(work, 'data')], {
      cwd: work,
      // NODE_PATH could let a missing dependency resolve from elsewhere: clear it.
      env: { ...process.env, NODE_PATH: '', DATABASE_URL: '', IOC_DEMO_KPI: '0', IOC_DEMO_PASSWORD: DEMO_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = watchServer(child);
    const ready = await out.ready;
    expect(ready).toEqual({ ready: true, url: `http://127.0.0.1:${ready.port}`, port: ready.port });

    const health = await fetch(`${ready.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });

    const login = await fetch(`${ready.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: DEMO_PASSWORD }),
    });
    expect(login.status, out.stderr()).toBe(200);
    expect(typeof ((await login.json()) as { token?: unknown }).token).toBe('string');
    const bad = await fetch(`${ready.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'wrong-password' }),
    });
    expect(bad.status).toBe(401);

    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.stderr()).not.toContain(DEMO_PASSWORD);
  }, 120_000);
});
