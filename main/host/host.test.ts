import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../core/app';
import { createVirtualDisplays } from '../services/wall/virtual-displays';
import { startHost, type Host } from './host';

let dir: string;
let services: AppServices;
let host: Host;
const logs: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-host-test-'));
  const rendererDir = join(dir, 'renderer');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  const log = (level: string, msg: string, meta?: object) => logs.push(JSON.stringify({ level, msg, ...meta }));
  services = createAppServices({ dataDir: join(dir, 'data'), runtime: 'host', version: '0.0.0-test', displays: createVirtualDisplays(2), log, central: { serverUrl: null } });
  host = await startHost({ services, rendererDir, port: 0, log });
});

afterEach(async () => {
  await host.close();
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

type Msg = { type: string; id?: number; envelope?: { ok: boolean; value?: unknown; error?: { code: string; message: string } }; channel?: string; payload?: unknown };

function connect(query = `token=${host.token}`, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; next: () => Promise<Msg>; messages: Msg[] }> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ioc?${query}`, { headers });
    const messages: Msg[] = [];
    const waiters: Array<(m: Msg) => void> = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Msg;
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    });
    const next = () => new Promise<Msg>((r) => (messages.length ? r(messages.shift()!) : waiters.push(r)));
    ws.once('open', () => ok({ ws, next, messages }));
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', fail);
  });
}

async function call(c: Awaited<ReturnType<typeof connect>>, channel: string, input?: unknown, id = 1): Promise<Msg> {
  c.ws.send(JSON.stringify({ type: 'call', id, channel, input }));
  for (;;) {
    const m = await c.next();
    if (m.type === 'result' && m.id === id) return m;
  }
}

function httpGet(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('headless host: contract over WebSocket', () => {
  it('refuses a connection without the token, or with a wrong one', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('token=wrong')).rejects.toThrow('HTTP 401');
    await expect(connect(`token=${host.token}x`)).rejects.toThrow('HTTP 401');
  });

  it('refuses a page from another origin even with the token', async () => {
    await expect(connect(`token=${host.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const c = await connect(`token=${host.token}`, { Origin: host.origin });
    c.ws.close();
  });

  it('answers a valid call with the service result', async () => {
    const c = await connect();
    const r = await call(c, 'system:getInfo');
    expect(r.envelope).toMatchObject({ ok: true, value: { name: 'IOC Wall', runtime: 'host', timeZone: 'Asia/Ho_Chi_Minh' } });
    c.ws.close();
  });

  it('gives a typed error for malformed messages and never reaches the service', async () => {
    const c = await connect();
    const before = JSON.stringify(services.wall.profile());
    c.ws.send('{not json');
    expect((await c.next()).envelope?.error?.code).toBe('invalid_input');
    c.ws.send(JSON.stringify({ type: 'call', id: 'x', channel: 'wall:assignView' }));
    expect((await c.next()).envelope?.error?.code).toBe('invalid_input');
    const cases: Array<[unknown, string]> = [
      [{ displayId: '2', view: 'not-a-view' }, 'invalid_input'],
      [{ displayId: '', view: 'map' }, 'invalid_input'],
      [{ displayId: 2, view: 'map' }, 'invalid_input'],
      [{ view: 'map' }, 'invalid_input'],
      ['map', 'invalid_input'],
      [null, 'invalid_input'],
      [{ displayId: '9', view: 'map' }, 'not_found'],
    ];
    let id = 10;
    for (const [input, code] of cases) {
      const r = await call(c, 'wall:assignView', input, id++);
      expect(r.envelope?.ok, JSON.stringify(input)).toBe(false);
      expect(r.envelope?.error?.code, JSON.stringify(input)).toBe(code);
    }
    expect((await call(c, 'wall:dropTables', {}, id++)).envelope?.error?.code).toBe('unknown_channel');
    expect(JSON.stringify(services.wall.profile())).toBe(before);
    expect(existsSync(join(dir, 'data', 'config.json'))).toBe(false);
    // and the host is still healthy
    expect((await call(c, 'system:getHealth', undefined, id++)).envelope?.ok).toBe(true);
    c.ws.close();
  });

  it('closes a connection that sends an oversized message', async () => {
    const c = await connect();
    const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
    c.ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'wall:assignView', input: { displayId: 'x'.repeat(300_000), view: 'map' } }));
    expect(await closed).toBe(1009);
  });

  it('publishes wall changes to every page, and counts the pages per display', async () => {
    const console1 = await connect(`token=${host.token}&display=1`);
    const display2 = await connect(`token=${host.token}&display=2`);
    expect(services.wall.state().resolved.find((r) => r.displayId === '2')?.clients).toBe(1);
    display2.messages.length = 0;
    const r = await call(console1, 'wall:assignView', { displayId: '2', view: 'map' });
    expect(r.envelope?.ok).toBe(true);
    let ev: Msg;
    do ev = await display2.next();
    while (ev.type !== 'event' || ev.channel !== 'wall:changed');
    const payload = ev.payload as { resolved: { displayId: string; view: string }[] };
    expect(payload.resolved.find((x) => x.displayId === '2')?.view).toBe('map');
    display2.ws.close();
    console1.ws.close();
  });
});

describe('headless host: static renderer', () => {
  it('serves index.html with a strict CSP (no unsafe-eval) bound to itself', async () => {
    const r = await httpGet('/?display=1');
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`ws://127.0.0.1:${host.port}`);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const r = await httpGet(p);
      expect(r.body, p).not.toContain('do not serve');
      expect([400, 403, 404], p).toContain(r.status);
    }
  });

  it('listens on 127.0.0.1 only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
