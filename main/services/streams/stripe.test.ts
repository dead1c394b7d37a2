import { describe, expect, it } from 'vitest';
import { decodeTimestampStripe, encodeStripeBits, msSinceLocalMidnight, stripeAgeMs, stripeBlockPx } from './stripe';

/** Paint bits into an RGBA frame the way ffmpeg draws them (white/black blocks), plus some noise. */
function paint(bits: number[], width: number, height: number, block: number, noise = 0): Uint8ClampedArray {
  const px = new Uint8ClampedArray(width * height * 4).fill(90);
  for (let i = 0; i < bits.length; i++)
    for (let y = 0; y < block; y++)
      for (let x = i * block; x < (i + 1) * block; x++) {
        const p = (y * width + x) * 4;
        const v = bits[i] ? 235 : 16;
        px[p] = px[p + 1] = px[p + 2] = v + (Math.random() - 0.5) * noise;
        px[p + 3] = 255;
      }
  return px;
}

describe('timestamp stripe', () => {
  it.each([0, 1, 45_296_789, 86_399_999, 2 ** 26])('round-trips %i at 640 and 320 px wide', (v) => {
    expect(decodeTimestampStripe(paint(encodeStripeBits(v), 640, 360, 16, 40), 640)).toBe(v);
    expect(decodeTimestampStripe(paint(encodeStripeBits(v), 320, 180, 8, 40), 320)).toBe(v);
  });

  it('rejects a frame without stripe, a broken marker or a wrong parity', () => {
    expect(decodeTimestampStripe(new Uint8ClampedArray(640 * 360 * 4), 640)).toBeNull();
    const bits = encodeStripeBits(12_345);
    expect(decodeTimestampStripe(paint([0, ...bits.slice(1)], 640, 360, 16), 640)).toBeNull();
    const flipped = [...bits];
    flipped[10] ^= 1;
    expect(decodeTimestampStripe(paint(flipped, 640, 360, 16), 640)).toBeNull();
  });

  it('layout and clock helpers', () => {
    expect(encodeStripeBits(5)).toHaveLength(32);
    expect(stripeBlockPx(1280)).toBe(16);
    expect(stripeBlockPx(320)).toBe(8);
    const now = Date.UTC(2026, 0, 1, 23, 59, 59, 900);
    expect(msSinceLocalMidnight(now, 0)).toBe(86_399_900);
    expect(msSinceLocalMidnight(now, 7 * 3600_000)).toBe(6 * 3600_000 + 59 * 60_000 + 59_900);
    // wraps over midnight: value from just before midnight, now just after
    const after = Date.now();
    expect(stripeAgeMs(msSinceLocalMidnight(after - 300), after)).toBe(300);
  });
});
