import WebSocket from 'ws';

/** Call the host's contract over its WebSocket, as a page would (for test setup and probes). */
export async function hostCall<T>(host: { origin: string; token: string }, channel: string, input?: unknown, timeoutMs = 30_000): Promise<T> {
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ioc?token=${host.token}`);
  try {
    // One listener for the socket's whole life: events broadcast to every client arrive in between.
    const result = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${channel}: no answer in ${timeoutMs} ms`)), timeoutMs);
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { type: string; id?: number; envelope?: { ok: boolean; value?: T; error?: { message: string } } };
        if (msg.type !== 'result' || msg.id !== 1) return;
        clearTimeout(timer);
        if (msg.envelope!.ok) resolve(msg.envelope!.value as T);
        else reject(new Error(`${channel}: ${msg.envelope!.error!.message}`));
      });
      ws.once('error', reject);
    });
    await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
    ws.send(JSON.stringify({ type: 'call', id: 1, channel, input }));
    return await result;
  } finally {
    ws.close();
  }
}
