/**
 * In-process "the change log grew" signal. Writers publish the committed seq; subscribers (the SSE
 * channel) hear about it at most once per coalescing window, with the latest seq.
 */
export class ChangeFeed {
  private seq = 0;
  private readonly listeners = new Set<(seq: number) => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly coalesceMs = 50) {}

  get current(): number {
    return this.seq;
  }

  publish(seq: number): void {
    if (!(seq > this.seq)) return;
    this.seq = seq;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      for (const l of this.listeners) l(this.seq);
    }, this.coalesceMs);
  }

  onDidChange(listener: (seq: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}
