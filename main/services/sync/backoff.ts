/**
 * Capped exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(max, base·2ⁿ). The jitter spreads the reconnects of many walls after a server restart; the
 * floor keeps one wall from hammering a server that just came back.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next try; each call counts as one more failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
