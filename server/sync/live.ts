import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeFeed } from './change-feed';

export interface LiveOptions {
  heartbeatMs: number;
  /** Checked at each heartbeat: a logged-out or expired session stops receiving. */
  stillAuthorized: () => Promise<boolean>;
}

/** Open SSE streams, so shutdown can end them (a server does not close while they hang open). */
export class LiveChannel {
  private readonly streams = new Set<() => void>();

  constructor(private readonly feed: ChangeFeed) {}

  get size(): number {
    return this.streams.size;
  }

  serve(req: FastifyRequest, reply: FastifyReply, opts: LiveOptions): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (seq: number) => res.write(`event: changed\ndata: {"seq":${seq}}\n\n`);
    // The current position first: a client that missed notifications while reconnecting pulls now.
    send(this.feed.current);
    const unsubscribe = this.feed.onDidChange(send);
    const heartbeat = setInterval(async () => {
      if (!(await opts.stillAuthorized().catch(() => false))) return end();
      res.write(': ping\n\n');
    }, opts.heartbeatMs);
    const end = () => {
      if (!this.streams.delete(end)) return;
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    this.streams.add(end);
    req.raw.on('close', end);
  }

  closeAll(): void {
    for (const end of [...this.streams]) end();
  }
}
