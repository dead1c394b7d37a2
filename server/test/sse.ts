/** Minimal SSE reader for tests: collects `event: changed` seqs and `: ping` comments as they arrive. */
export class SseClient {
  readonly seqs: Array<{ seq: number; at: number }> = [];
  pings = 0;
  closed = false;
  status = 0;
  private readonly ac = new AbortController();
  private waiters: Array<() => void> = [];

  static async open(url: string, token: string): Promise<SseClient> {
    const c = new SseClient();
    const res = await fetch(`${url}/api/v1/sync/live`, { headers: { authorization: `Bearer ${token}`, 'x-ioc-protocol': '1' }, signal: c.ac.signal });
    c.status = res.status;
    if (res.ok && res.body) void c.read(res.body);
    return c;
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of body) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (block.startsWith(': ping')) this.pings++;
          const data = /^data: (.*)$/m.exec(block);
          if (/^event: changed$/m.test(block) && data) this.seqs.push({ seq: JSON.parse(data[1]).seq, at: Date.now() });
          this.wake();
        }
      }
    } catch {}
    this.closed = true;
    this.wake();
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  async until(pred: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('SSE: timed out');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close() {
    this.ac.abort();
  }
}
