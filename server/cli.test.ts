import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from './test/harness';
import { watchServer } from './test/ready-line';

const root = new URL('..', import.meta.url).pathname;

/** `npm run server` end to end: build if needed, run the built CLI, one ready line, clean stop. */
describe('npm run server (scripts/server.mjs → out/server/cli.js)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioc-cli-test-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints exactly one ready line, serves, logs JSON without secrets, stops on SIGTERM', async () => {
    const secret = 'bootstrap-secret-pw-42';
    child = spawn(process.execPath, [join(root, 'scripts/server.mjs'), '--json', '--port', '0', '--data-dir', dataDir, '--simulate', '200'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', IOC_DEMO_KPI: '0', IOC_DEMO_PASSWORD: 'demo-pw-for-cli', IOC_BOOTSTRAP_USERS: JSON.stringify([{ username: 'truc-ban', password: secret, role: 'leader', displayName: 'Trực ban' }]) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = watchServer(child);
    const ready = await out.ready;
    expect(ready).toEqual({ ready: true, url: `http://127.0.0.1:${ready.port}`, port: ready.port });
    const health = await request(ready.url, 'GET', '/api/v1/health');
    expect(health.body).toMatchObject({ ok: true, protocol: 1 });
    const login = await request(ready.url, 'POST', '/api/v1/auth/login', { body: { username: 'truc-ban', password: secret } });
    expect(login.status).toBe(200);
    expect((await request(ready.url, 'POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'demo-pw-for-cli' } })).status).toBe(200);
    // The simulator keeps the district moving.
    await new Promise((r) => setTimeout(r, 700));
    expect((await request(ready.url, 'GET', '/api/v1/health')).body.seq).toBeGreaterThan(health.body.seq);

    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.stdout().trim().split('\n')).toHaveLength(1);
    const lines = out.stderr().trim().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    for (const s of [secret, 'demo-pw-for-cli', login.body.token]) expect(out.stderr()).not.toContain(s);
  }, 120_000);
});
