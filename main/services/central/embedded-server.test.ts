import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedServer } from './embedded-server';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'out/server/cli.js');
let dir: string;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(() => {
  if (!existsSync(ENTRY)) expect(spawnSync(process.execPath, [join(ROOT, 'server/build.mjs')], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  dir = mkdtempSync(join(tmpdir(), 'ioc-embedded-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EmbeddedServer', () => {
  it('starts the demo district, signs in with a local account kept only in the data dir, and stops on dispose', async () => {
    const server = new EmbeddedServer({ entry: ENTRY, nodePath: process.execPath, dataDir: join(dir, 'a'), log: () => {} });
    const url = await server.start();
    const creds = server.credentials();
    expect(statSync(join(dir, 'a', 'embedded-account.json')).mode & 0o077).toBe(0); // owner only
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ioc-protocol': '1' }, body: JSON.stringify(creds) });
    expect(res.status).toBe(200);
    expect(server.healthReport().state).toBe('ok');
    const pid = server.pid()!;
    await server.dispose();
    expect(alive(pid)).toBe(false);
    expect(server.credentials()).toEqual(creds); // same account next start
  }, 90_000);

  it('never outlives its parent, even when the parent is SIGKILLed', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing/embedded-parent.ts'), ENTRY, join(dir, 'b')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const { pid } = await new Promise<{ pid: number }>((ok) => createInterface({ input: parent.stdout! }).once('line', (l) => ok(JSON.parse(l))));
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  }, 90_000);
});
