import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsRequest, type Envelope, type WsServerMessage } from '../../shared/contracts/rpc';
import { basemapConnectOrigins, streamOrigins, type AppServices } from '../core/app';
import { CONTENT_TYPES, SECURITY_HEADERS, rendererCsp } from '../core/csp';
import { MAX_INPUT_BYTES, type Logger } from '../core/dispatcher';

export interface HostOptions {
  services: AppServices;
  rendererDir: string;
  port?: number;
  /** Per-launch secret for the contract WebSocket; generated when omitted. */
  token?: string;
  log: Logger;
}

export interface Host {
  port: number;
  origin: string;
  token: string;
  /** The page for one display of the wall (token included: the page keeps it and strips it from the address bar). */
  urlFor(displayId: string): string;
  clientCount(): number;
  close(): Promise<void>;
}

const WS_PATH = '/ioc';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The headless host: the built renderer over HTTP and the app contract over WebSocket, both bound
 * to 127.0.0.1. Browser pages play the part of the desktop app's windows (`?display=N`).
 */
export async function startHost(opts: HostOptions): Promise<Host> {
  const { services, log } = opts;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.rendererDir);
  let origin = '';
  // Pages may connect to this host's contract socket and to the stream server (its port is known once video has started).
  const csp = () => rendererCsp([`ws://127.0.0.1:${new URL(origin).port}`, ...streamOrigins(services), ...basemapConnectOrigins(services)]);

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable',
      ...(isHtml ? { 'Content-Security-Policy': csp() } : {}),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const server: Server = createServer(serveStatic);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INPUT_BYTES, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const refuse = (status: number, why: string) => {
      log('warn', 'websocket refused', { why, remote: req.socket.remoteAddress });
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!sameSecret(url.searchParams.get('token') ?? '', token)) return refuse(401, 'Unauthorized');
    // Browsers always send Origin: only our own pages (or non-browser clients without one) get in.
    const reqOrigin = req.headers.origin;
    if (reqOrigin && reqOrigin !== origin) return refuse(403, 'Forbidden');
    const displayParam = url.searchParams.get('display');
    const displayId = displayParam && /^[\w-]{1,64}$/.test(displayParam) ? displayParam : undefined;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, displayId));
  });

  const send = (ws: WebSocket, msg: WsServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  const onConnection = (ws: WebSocket, displayId: string | undefined) => {
    const clientId = `ws-${randomUUID()}`;
    sockets.add(ws);
    const detach = displayId && services.wall.state().displays.some((d) => d.id === displayId) ? services.wall.attachClient(displayId) : () => {};
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return send(ws, { type: 'error', envelope: { ok: false, error: { code: 'invalid_input', message: 'Binary messages are not accepted' } } });
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString('utf8'));
      } catch {
        return send(ws, { type: 'error', envelope: { ok: false, error: { code: 'invalid_input', message: 'Message is not valid JSON' } } });
      }
      const req = WsRequest.safeParse(msg);
      if (!req.success) {
        const id = typeof (msg as { id?: unknown })?.id === 'number' ? (msg as { id: number }).id : undefined;
        const envelope: Envelope = { ok: false, error: { code: 'invalid_input', message: 'Message is not a call: expected {type:"call", id, channel, input}' } };
        return id !== undefined ? send(ws, { type: 'result', id, envelope }) : send(ws, { type: 'error', envelope });
      }
      const envelope = await services.dispatcher.dispatch(req.data.channel, req.data.input, { transport: 'ws', clientId, displayId });
      send(ws, { type: 'result', id: req.data.id, envelope });
    });
    ws.on('close', () => {
      sockets.delete(ws);
      detach();
    });
    ws.on('error', (err) => log('warn', 'websocket error', { clientId, error: err.message }));
  };

  const offBus = services.bus.subscribe((channel, payload) => {
    const frame = JSON.stringify({ type: 'event', channel, payload } satisfies WsServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    port,
    origin,
    token,
    urlFor: (displayId) => `${origin}/?display=${encodeURIComponent(displayId)}#token=${token}`,
    clientCount: () => sockets.size,
    async close() {
      offBus();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
