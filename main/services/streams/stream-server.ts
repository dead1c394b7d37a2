import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../core/dispatcher';
import { PROFILES, type StreamProfile } from '../../../shared/video/streams';
import { CLOSE, type Viewer } from './stream-hub';

export interface StreamSubscriber {
  canServe(cameraId: string, profile: StreamProfile): boolean;
  subscribe(cameraId: string, profile: StreamProfile, viewer: Viewer): () => void;
}

export interface StreamServerOptions {
  hub: StreamSubscriber;
  log: Logger;
  /** Origins allowed to connect (the host's http origin, `app://ioc`); no Origin header is also allowed (non-browser). */
  allowedOrigins: string[];
  port?: number;
  /** Per-session token; random when absent. */
  token?: string;
}

/** Close code for a client that sent anything: this is a one-way stream. */
export const CLOSE_CLIENT_MESSAGE = 1003;

const PATH = /^\/stream\/([^/]+)\/([^/]+)$/;

function sameSecret(a: string, b: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and the length must not leak either.
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * MPEG-TS over WebSocket on 127.0.0.1: `ws://127.0.0.1:<port>/stream/<cameraId>/<profile>?token=…`.
 * Binary frames out, nothing in. Refusals happen on the upgrade with an HTTP status
 * (401 token, 403 origin, 404 path/camera/profile) so the client can tell them apart.
 */
export class StreamServer {
  readonly token: string;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;

  constructor(private readonly opts: StreamServerOptions) {
    this.token = opts.token ?? randomBytes(24).toString('base64url');
  }

  async start(): Promise<{ baseUrl: string; token: string }> {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024, clientTracking: true });
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' });
      res.end('WebSocket only');
    });
    http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
    this.wss = wss;
    this.http = http;
    await new Promise<void>((ok, fail) => {
      http.once('error', fail);
      http.listen(this.opts.port ?? 0, '127.0.0.1', () => ok());
    });
    const addr = http.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    this.opts.log('info', 'stream server listening', { port: this.port });
    return this.endpoint();
  }

  endpoint(): { baseUrl: string; token: string } {
    if (!this.http) throw new Error('stream server not started');
    return { baseUrl: `ws://127.0.0.1:${this.port}`, token: this.token };
  }

  clients(): number {
    return this.wss?.clients.size ?? 0;
  }

  async close(): Promise<void> {
    const { wss, http } = this;
    this.wss = this.http = null;
    if (wss) {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    }
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  }

  private refuse(socket: Socket, status: number, text: string, why: string): void {
    this.opts.log('warn', 'stream connection refused', { status, why });
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`);
    socket.destroySoon?.();
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    const wss = this.wss;
    if (!wss) return void socket.destroy();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return this.refuse(socket, 400, 'Bad Request', 'bad url');
    }
    const m = PATH.exec(url.pathname);
    if (!m) return this.refuse(socket, 404, 'Not Found', 'unknown path');
    if (!sameSecret(url.searchParams.get('token') ?? '', this.token)) return this.refuse(socket, 401, 'Unauthorized', 'bad or missing token');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.opts.allowedOrigins.includes(origin)) return this.refuse(socket, 403, 'Forbidden', 'origin not allowed');
    let cameraId: string;
    try {
      cameraId = decodeURIComponent(m[1]);
    } catch {
      return this.refuse(socket, 400, 'Bad Request', 'bad camera id');
    }
    const profile = m[2] as StreamProfile;
    if (!(PROFILES as readonly string[]).includes(profile)) return this.refuse(socket, 404, 'Not Found', 'unknown profile');
    if (!this.opts.hub.canServe(cameraId, profile)) return this.refuse(socket, 404, 'Not Found', 'unknown camera or profile');
    wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, cameraId, profile));
  }

  private onConnection(ws: WebSocket, cameraId: string, profile: StreamProfile): void {
    const viewer: Viewer = {
      send: (data) => {
        if (ws.readyState === ws.OPEN) ws.send(data, { binary: true });
      },
      bufferedAmount: () => ws.bufferedAmount,
      close: (code, reason) => {
        ws.close(code, reason);
        // A slow client has megabytes queued before the close frame: do not wait for it.
        if (code === CLOSE.slowConsumer) ws.terminate();
      },
    };
    let unsubscribe: (() => void) | null = null;
    ws.on('error', () => {});
    ws.on('message', () => ws.close(CLOSE_CLIENT_MESSAGE, 'client messages are not accepted'));
    ws.on('close', () => unsubscribe?.());
    try {
      unsubscribe = this.opts.hub.subscribe(cameraId, profile, viewer);
    } catch (err) {
      ws.close(1011, 'stream unavailable');
      this.opts.log('error', 'subscribe failed', { cameraId, profile, error: (err as Error).message });
    }
  }
}
