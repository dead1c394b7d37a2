import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '..');
export const DEMO_PASSWORD = 'e2e-demo-password';

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/** The built central server (`out/server/cli.js`) on a fixed port and data dir, so it can be stopped and started again. */
/** `kpiDemo`: also the demo's year of KPI data (written in the background; the helper waits for it). */
export async function startServerProcess(opts: { port?: number; dataDir?: string; simulate?: boolean; seed?: boolean; kpiDemo?: boolean } = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ioc-server-'));
  let child: ChildProcess;
  const launch = async () => {
    const args = [join(ROOT, 'out/server/cli.js'), '--port', String(port), '--data-dir', dataDir, '--json', '--log-level', 'warn'];
    if (opts.simulate) args.push('--simulate');
    if (opts.seed === false) args.push('--no-seed-demo');
    const users = [
      { username: 'admin', password: DEMO_PASSWORD, role: 'admin' },
      { username: 'operator', password: DEMO_PASSWORD, role: 'operator', displayName: 'Nguyễn Thị Hoa' },
    ];
    child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: '', IOC_DEMO_KPI: opts.kpiDemo ? '1' : '0', IOC_DEMO_PASSWORD: DEMO_PASSWORD, IOC_BOOTSTRAP_USERS: JSON.stringify(users) },
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start\n${stderr}`)), 60_000);
      createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l.includes('"ready":true')) {
          clearTimeout(timer);
          ok();
        }
      });
      child.once('exit', (c) => {
        clearTimeout(timer);
        fail(new Error(`server exited ${c}\n${stderr}`));
      });
    });
  };
  /** Tests start from the whole demo: wait until the server has written its KPI year (it serves meanwhile). */
  const seeded = async () => {
    const end = Date.now() + 180_000;
    for (;;) {
      const h = (await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.json())) as { seeding?: boolean };
      if (!h.seeding) return;
      if (Date.now() > end) throw new Error('the demo KPI year was not written within 180 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await launch();
  await seeded();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    get child() {
      return child;
    },
    stop,
    restart: launch,
    async dispose() {
      await stop('SIGKILL');
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Log in to the central server's API and return the bearer token. */
export async function apiLogin(server: { url: string }, username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ioc-protocol': '1' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
