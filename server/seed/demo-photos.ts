/**
 * "After" photos for the seeded resolved cases: small generated PNGs (a synthetic scene — sky,
 * hillside, a repaired strip — in a few colourways), stored in the Open311 media folder like an
 * uploaded photo, so the desktop lightbox and Open311 media URLs have something real to show.
 */
import { crc32, deflateSync } from 'node:zlib';
import { MediaStore, type StoredMedia } from '../open311/media';
import { createHash } from 'node:crypto';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

export function scenePng(variant: number, w = 320, h = 240): Buffer {
  const rows: Buffer[] = [];
  const hue = [
    [70, 130, 180],
    [96, 150, 200],
    [120, 120, 140],
    [150, 170, 210],
  ][variant % 4];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const hill = h * 0.45 + Math.sin((x + variant * 37) / 40) * 18;
      const road = y > h * 0.72 && y < h * 0.9;
      const [r, g, b] = road ? [90 + ((x >> 3) & 1) * 12, 90, 95] : y < hill ? [hue[0] + y / 4, hue[1] + y / 5, hue[2]] : [40 + variant * 10, 110 + ((x * y) % 23), 50];
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** Media refs of the demo photos; written to `mediaDir` when given. */
export function demoPhotoRefs(mediaDir: string | null, count = 4): string[] {
  const files = Array.from({ length: count }, (_, i) => {
    const data = scenePng(i);
    return { sha256: createHash('sha256').update(data).digest('hex'), ext: 'png' as const, bytes: data.length, data };
  });
  const stored: StoredMedia[] = mediaDir ? new MediaStore(mediaDir).save(files) : files.map(({ data: _d, ...m }) => m);
  return stored.map((m) => `${m.sha256}.${m.ext}`);
}
