import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GopCache } from './gop-cache';
import { inspectTs, makeClip } from './testing/helpers';

let dir: string;
let ts: Buffer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ioc-gop-'));
  ts = readFileSync(makeClip(dir, 'short.ts', 5)); // 75 frames, keyframe every 30
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Feed in odd-sized chunks (ffmpeg's pipe reads are not packet-aligned in general). */
function feed(cache: GopCache, data: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += 1000 + (i % 7)) out.push(cache.push(data.subarray(i, Math.min(data.length, i + 1000 + (i % 7)))));
  return Buffer.concat(out);
}

/** Same stream with every random_access_indicator cleared: keyframes must be found from the NAL type. */
function withoutRai(data: Buffer): Buffer {
  const b = Buffer.from(data);
  for (let i = 0; i + 188 <= b.length; i += 188) if ((b[i + 3] >> 4) & 2 && b[i + 4] > 0) b[i + 5] &= ~0x40;
  return b;
}

describe('GopCache', () => {
  it.each([
    ['with random_access_indicator', (b: Buffer) => b],
    ['without it (IDR NAL scan)', withoutRai],
  ])('keeps PAT+PMT+last GOP, %s', (_n, transform) => {
    const cache = new GopCache();
    const data = transform(ts);
    const passed = feed(cache, data);
    expect(passed.equals(data)).toBe(true); // everything passes through, aligned, in order
    const snap = cache.snapshot()!;
    expect(inspectTs(snap)).toMatchObject({ syncOk: true, patAt: 0, pmtAt: 1, streamType: 0x1b, firstKeyframeAt: 2 });
    expect(snap.length).toBeLessThan(data.length / 2); // only the last GOP (frames 60–74)
    const stats = cache.takeStats();
    expect(stats).toMatchObject({ frames: 75, keyframes: 3, bytes: data.length });
    expect(cache.videoStreamType()).toBe(0x1b);
  });

  it('has nothing to offer before the first keyframe, resyncs on garbage, bounds memory', () => {
    const cache = new GopCache(50_000);
    expect(cache.snapshot()).toBeNull();
    cache.push(Buffer.from([1, 2, 3, 0x47, 9])); // junk before the first sync
    const out = feed(cache, ts);
    expect(out.length % 188).toBe(0);
    expect(cache.snapshot()).toBeNull(); // GOP bigger than 50 kB: not cached rather than unbounded
  });
});
