import WebSocket from 'ws';

/** Call the host's contract over its WebSocket, as a page would (for test setup and probes). */
export async function hostCall<T>(host: { origin: string; token: string }, channel: string, input?: unknown): Promise<T> {
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ioc?token=${host.token}`);
  await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
  try {
    ws.send(JSON.stringify({ type: 'call', id: 1, channel, input }));
    for (;;) {
      const msg = JSON.parse(String(await new Promise((r) => ws.once('message', r)))) as { type: string; id?: number; envelope?: { ok: boolean; value?: T; error?: { message: string } } };
      if (msg.type === 'result' && msg.id === 1) {
        if (!msg.envelope!.ok) throw new Error(`${channel}: ${msg.envelope!.error!.message}`);
        return msg.envelope!.value as T;
      }
    }
  } finally {
    ws.close();
  }
}
