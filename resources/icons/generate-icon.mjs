// Writes resources/icons/icon.png (512×512 RGBA): a dark-blue rounded square with a light
// "IOC" mark and an accent bar. Dependency-free (zlib + a minimal PNG encoder) so the icon
// can be regenerated anywhere: `node resources/icons/generate-icon.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const RADIUS = 96;
const BG = [11, 37, 69, 255];
const FG = [230, 240, 250, 255];
const ACCENT = [79, 195, 247, 255];

// 5×7 bitmap glyphs.
const GLYPHS = {
  I: ['11111', '00100', '00100', '00100', '00100', '00100', '11111'],
  O: ['01110', '10001', '10001', '10001', '10001', '10001', '01110'],
  C: ['01111', '10000', '10000', '10000', '10000', '10000', '01111'],
};

const px = Buffer.alloc(SIZE * SIZE * 4); // transparent
const set = (x, y, c) => px.set(c, (y * SIZE + x) * 4);
const fillRect = (x0, y0, w, h, c) => {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) set(x, y, c);
};

// Rounded-square background.
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const dx = Math.max(RADIUS - x, x - (SIZE - 1 - RADIUS), 0);
    const dy = Math.max(RADIUS - y, y - (SIZE - 1 - RADIUS), 0);
    if (dx * dx + dy * dy <= RADIUS * RADIUS) set(x, y, BG);
  }
}

// "IOC" in 24-px blocks, centred, with an accent bar below.
const CELL = 24;
const text = 'IOC';
const width = text.length * 5 * CELL + (text.length - 1) * CELL;
const left = (SIZE - width) / 2;
const top = 136;
[...text].forEach((ch, i) => {
  GLYPHS[ch].forEach((row, r) => {
    [...row].forEach((bit, c) => {
      if (bit === '1') fillRect(left + i * 6 * CELL + c * CELL, top + r * CELL, CELL, CELL, FG);
    });
  });
});
fillRect(left, top + 7 * CELL + 40, width, 20, ACCENT);

// PNG encoding: signature, IHDR, IDAT (filter byte 0 per row), IEND.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) px.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('./icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote ${out.pathname} (${png.length} bytes)`);
