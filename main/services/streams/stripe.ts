/**
 * Timestamp stripe burnt into synthetic streams, for glass-to-glass latency measurement.
 *
 * Pure and dependency-free on purpose (no node, no DOM imports): the renderer and the bench
 * copy-import this file.
 *
 * ## Encoding (exact)
 * - The stripe is one row of 32 square blocks of B×B px at the top-left corner of the frame,
 *   x = 0 … 32·B-1, y = 0 … B-1. B = 16 when the frame is at least 512 px wide, else 8
 *   (see `stripeBlockPx`). Block i covers x ∈ [i·B, (i+1)·B).
 * - A block is white (luma ≈ 235 in video range, ≈ 255 in RGB) for bit 1 and black for bit 0.
 * - Block 0 = 1, block 1 = 0: start marker.
 * - Blocks 2 … 28 = V, 27 bits, most significant bit first (block 2 carries bit 26).
 * - Block 29 = parity: 1 when V has an odd number of 1 bits (data + parity always even).
 * - Block 30 = 1, block 31 = 0: end marker.
 * - V = milliseconds since LOCAL midnight of the wall clock at the moment the frame went through
 *   ffmpeg's filter graph, just before encoding (the "sensor" time of a real camera):
 *   V = (floor(epochMs) + tzOffsetMs) mod 86 400 000, tzOffsetMs = −getTimezoneOffset()·60 000
 *   taken when ffmpeg starts. 86 400 000 < 2^27, so V always fits (it is also V mod 2^27).
 *
 * ## Decoding
 * Draw a decoded frame at its native size (videoWidth × videoHeight) into RGBA pixels and call
 * `decodeTimestampStripe(pixels, width)`. It averages the centre 4×4 px of each block, thresholds
 * luma at 128, checks both markers and the parity, and returns V or null. Latency = now − V,
 * modulo a day (`stripeAgeMs`).
 */

export const STRIPE_BLOCKS = 32;
export const STRIPE_DATA_BITS = 27;
export const DAY_MS = 86_400_000;

/** Block size in px for a frame of this width. */
export function stripeBlockPx(frameWidth: number): 16 | 8 {
  return frameWidth >= 512 ? 16 : 8;
}

/** Milliseconds since local midnight for an epoch time (what the stripe carries). */
export function msSinceLocalMidnight(epochMs: number, tzOffsetMs = -new Date(epochMs).getTimezoneOffset() * 60_000): number {
  return (((Math.floor(epochMs) + tzOffsetMs) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** Age of a decoded stripe value relative to `nowEpochMs`, in ms (handles midnight wrap; may be slightly negative with clock noise). */
export function stripeAgeMs(value: number, nowEpochMs: number = Date.now()): number {
  let d = msSinceLocalMidnight(nowEpochMs) - value;
  if (d > DAY_MS / 2) d -= DAY_MS;
  if (d < -DAY_MS / 2) d += DAY_MS;
  return d;
}

/** The 32 bits (0/1) of the stripe for a value; used by tests and by the ffmpeg filter builder's docs. */
export function encodeStripeBits(value: number): number[] {
  const v = ((Math.floor(value) % DAY_MS) + DAY_MS) % DAY_MS;
  const data: number[] = [];
  for (let b = STRIPE_DATA_BITS - 1; b >= 0; b--) data.push(Math.floor(v / 2 ** b) % 2);
  const parity = data.reduce((a, x) => a + x, 0) % 2;
  return [1, 0, ...data, parity, 1, 0];
}

function decodeWithBlock(pixels: Uint8ClampedArray | Uint8Array, width: number, block: number): number | null {
  const height = Math.floor(pixels.length / 4 / width);
  if (width < STRIPE_BLOCKS * block || height < block) return null;
  const bits: number[] = [];
  const lo = Math.floor(block / 2) - 2;
  for (let i = 0; i < STRIPE_BLOCKS; i++) {
    let sum = 0;
    for (let y = lo; y < lo + 4; y++) {
      for (let x = i * block + lo; x < i * block + lo + 4; x++) {
        const p = (y * width + x) * 4;
        sum += (pixels[p] * 299 + pixels[p + 1] * 587 + pixels[p + 2] * 114) / 1000;
      }
    }
    bits.push(sum / 16 >= 128 ? 1 : 0);
  }
  if (bits[0] !== 1 || bits[1] !== 0 || bits[30] !== 1 || bits[31] !== 0) return null;
  let v = 0;
  let ones = 0;
  for (let i = 2; i < 2 + STRIPE_DATA_BITS; i++) {
    v = v * 2 + bits[i];
    ones += bits[i];
  }
  if (ones % 2 !== bits[29]) return null;
  return v < DAY_MS ? v : null;
}

/**
 * Decode the stripe from RGBA pixels of a whole frame (row-major, `width` px per row).
 * Returns ms since local midnight, or null when there is no valid stripe. Tries the block size
 * implied by the width first, then the other one (a frame scaled after encoding).
 */
export function decodeTimestampStripe(pixels: Uint8ClampedArray | Uint8Array, width: number): number | null {
  const first = stripeBlockPx(width);
  return decodeWithBlock(pixels, width, first) ?? decodeWithBlock(pixels, width, first === 16 ? 8 : 16);
}
