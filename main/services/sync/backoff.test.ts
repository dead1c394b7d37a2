import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it.each([
    ['lowest jitter', 0, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000]],
    ['highest jitter', 1, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]],
  ])('doubles from 500 ms and caps at 30 s (%s)', (_, r, expected) => {
    const b = new Backoff(500, 30_000, () => r);
    expect(expected.map(() => b.next())).toEqual(expected);
  });

  it('never exceeds the cap however long the outage, and starts over after reset', () => {
    const b = new Backoff(500, 30_000);
    const delays = Array.from({ length: 200 }, () => b.next());
    expect(Math.max(...delays)).toBeLessThanOrEqual(30_000);
    expect(delays.slice(-50).every((d) => d >= 15_000)).toBe(true);
    expect(b.failures).toBe(200);
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(500);
  });
});
