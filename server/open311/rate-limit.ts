/** POSTs per API key per minute (fixed window, in memory: a restart forgets it). */
export class KeyRateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly nowMs: () => number,
    readonly defaultPerMinute: number,
  ) {}

  /** null = allowed (and counted); otherwise seconds until the window resets. */
  hit(key: string, perMinute = this.defaultPerMinute): number | null {
    const now = this.nowMs();
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear(); // bounded memory; keys are few in practice
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= perMinute) return Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
    w.count++;
    return null;
  }
}
