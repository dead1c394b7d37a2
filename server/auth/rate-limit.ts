/**
 * Failed-login limiter per (username, IP): after `maxFailures` failures inside `windowMs` the pair is
 * locked until the oldest counted failure leaves the window. Memory only: a restart forgets, which
 * is acceptable for a single control-room server (documented in README).
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly maxFailures = 5,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Seconds until another attempt is allowed, or 0. */
  retryAfterSeconds(username: string, ip: string): number {
    const list = this.recent(this.key(username, ip));
    if (list.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((list[0] + this.windowMs - this.now()) / 1000));
  }

  recordFailure(username: string, ip: string): void {
    const key = this.key(username, ip);
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
    if (this.failures.size > 10_000) this.prune();
  }

  recordSuccess(username: string, ip: string): void {
    this.failures.delete(this.key(username, ip));
  }

  private key(username: string, ip: string) {
    return `${username.toLowerCase()}\u0000${ip}`;
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > cutoff);
  }

  /** Bounds memory under a spray of random usernames. */
  private prune() {
    for (const key of [...this.failures.keys()]) {
      const list = this.recent(key);
      if (list.length) this.failures.set(key, list);
      else this.failures.delete(key);
    }
  }
}
