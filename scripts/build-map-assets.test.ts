// The offline map glyphs: generated PBFs decoded with an independent protobuf reader (pbf, the
// one MapLibre itself uses), checked for the Vietnamese letters a label on the wall needs.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLYPH_RANGES, buildMapAssets, encodeGlyphs } from './build-map-assets.mjs';

interface Glyph { id: number; bitmap?: Uint8Array; width: number; height: number; left: number; top: number; advance: number }
interface Stack { name: string; range: string; glyphs: Glyph[] }

function decode(buf: Uint8Array): Stack[] {
  const readGlyph = (tag: number, g: Glyph, p: PbfReader) => {
    if (tag === 1) g.id = p.readVarint();
    else if (tag === 2) g.bitmap = p.readBytes();
    else if (tag === 3) g.width = p.readVarint();
    else if (tag === 4) g.height = p.readVarint();
    else if (tag === 5) g.left = p.readSVarint();
    else if (tag === 6) g.top = p.readSVarint();
    else if (tag === 7) g.advance = p.readVarint();
  };
  const readStack = (tag: number, s: Stack, p: PbfReader) => {
    if (tag === 1) s.name = p.readString();
    else if (tag === 2) s.range = p.readString();
    else if (tag === 3) s.glyphs.push(p.readMessage(readGlyph, { id: 0, width: 0, height: 0, left: 0, top: 0, advance: 0 }));
  };
  return new PbfReader(buf).readFields((tag, acc: Stack[], p) => {
    if (tag === 1) acc.push(p!.readMessage(readStack, { name: '', range: '', glyphs: [] }));
  }, []);
}

let dir: string;
let out: string;
let cache: string;
let first: Awaited<ReturnType<typeof buildMapAssets>>;
const pbfOf = (stack: string, cp: number) => {
  const [s, e] = GLYPH_RANGES.find(([a, b]) => cp >= a && cp <= b)!;
  return readFileSync(join(out, 'fonts', stack, `${s}-${e}.pbf`));
};
const glyph = (stack: string, ch: string) => {
  const cp = ch.codePointAt(0)!;
  const [only] = decode(pbfOf(stack, cp));
  return only.glyphs.find((g) => g.id === cp);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'map-assets-'));
  out = join(dir, 'out');
  cache = join(dir, 'cache');
  first = await buildMapAssets({ out, cache, quiet: true });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('map glyphs', () => {
  it('writes one PBF per fontstack and range, named as the style glyph URL expects', () => {
    expect(first.cached).toBe(false);
    expect(first.manifest.fontstacks).toEqual(['DejaVu Sans Regular', 'DejaVu Sans Bold']);
    for (const stack of first.manifest.fontstacks) {
      const files = readdirSync(join(out, 'fonts', stack));
      expect(files).toHaveLength(256); // the whole BMP: rendered ranges + empty ones
      expect(first.manifest.ranges).toEqual(['0-255', '256-511', '512-767', '768-1023', '7680-7935', '8192-8447']);
      // an unrendered range (CJK) is a valid, empty fontstack: no 404, nothing drawn
      const cjk = decode(readFileSync(join(out, 'fonts', stack, '19968-20223.pbf')));
      expect(cjk).toEqual([{ name: stack, range: '19968-20223', glyphs: [] }]);
      for (const range of first.manifest.ranges) {
        const stacks = decode(readFileSync(join(out, 'fonts', stack, `${range}.pbf`)));
        expect(stacks).toHaveLength(1);
        expect(stacks[0].name).toBe(stack);
        expect(stacks[0].range).toBe(range);
        const [s, e] = range.split('-').map(Number);
        expect(stacks[0].glyphs.length).toBeGreaterThan(80);
        expect(stacks[0].glyphs.every((g) => g.id >= s && g.id <= e)).toBe(true);
      }
    }
  });

  it.each(['DejaVu Sans Regular', 'DejaVu Sans Bold'])('%s has real SDF bitmaps for ắ, Đ and ơ', (stack) => {
    for (const ch of ['ắ', 'Đ', 'ơ']) {
      const g = glyph(stack, ch)!;
      expect(g, ch).toBeDefined();
      expect(g.width, ch).toBeGreaterThan(5);
      expect(g.height, ch).toBeGreaterThan(8);
      // bitmap includes the 3-px SDF buffer on every side; width/height do not
      expect(g.bitmap!.length, ch).toBe((g.width + 6) * (g.height + 6));
      const inside = g.bitmap!.filter((v) => v > 191).length;
      const outside = g.bitmap!.filter((v) => v < 64).length;
      expect(inside, ch).toBeGreaterThan(10);
      expect(outside, ch).toBeGreaterThan(10);
      // at 24 px: a letter is wider than a thin space and narrower than an em + a bit
      expect(g.advance, ch).toBeGreaterThanOrEqual(12);
      expect(g.advance, ch).toBeLessThanOrEqual(24);
    }
    // the accents make ắ taller than a: the marks really are drawn
    expect(glyph(stack, 'ắ')!.height).toBeGreaterThan(glyph(stack, 'a')!.height + 4);
    expect(glyph(stack, 'ắ')!.top).toBeGreaterThan(glyph(stack, 'a')!.top + 4);
    // same advance as the base letter: DejaVu's precomposed Vietnamese letters keep the width
    expect(glyph(stack, 'ắ')!.advance).toBe(glyph(stack, 'a')!.advance);
    expect(glyph(stack, ' ')!.advance).toBeGreaterThan(4);
  });

  it('has the punctuation used in names: en dash, curly quotes, ellipsis', () => {
    for (const ch of ['–', '’', '“', '…']) expect(glyph('DejaVu Sans Regular', ch)?.bitmap?.length, ch).toBeGreaterThan(0);
  });

  it('bold is bold: wider strokes than regular', () => {
    const ink = (g: Glyph) => g.bitmap!.filter((v) => v > 191).length;
    expect(ink(glyph('DejaVu Sans Bold', 'Đ')!)).toBeGreaterThan(ink(glyph('DejaVu Sans Regular', 'Đ')!) * 1.2);
    expect(glyph('DejaVu Sans Bold', 'Đ')!.advance).toBeGreaterThanOrEqual(glyph('DejaVu Sans Regular', 'Đ')!.advance);
  });

  it('covers every letter of the Vietnamese alphabet with all five tones, upper and lower case', () => {
    const base = 'aăâeêioôơuưyAĂÂEÊIOÔƠUƯY';
    const marks = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
    const letters = new Set<string>('đĐbcdghklmnpqrstvxBCDGHKLMNPQRSTVX');
    for (const b of base) for (const m of marks) letters.add((b + m).normalize('NFC'));
    const missing = [...letters].filter((ch) => [...ch].length !== 1 || !glyph('DejaVu Sans Regular', ch)?.bitmap?.length);
    expect(missing).toEqual([]);
    expect(letters.size).toBe(34 + 24 * 6);
  });

  it('skips the work when the inputs are unchanged, with identical output', async () => {
    const before = readFileSync(join(out, 'fonts', 'DejaVu Sans Regular', '7680-7935.pbf'));
    const again = await buildMapAssets({ out, cache, quiet: true });
    expect(again.cached).toBe(true);
    expect(readFileSync(join(out, 'fonts', 'DejaVu Sans Regular', '7680-7935.pbf')).equals(before)).toBe(true);
  });

  it('encodes negative left/top as zigzag sint32', () => {
    const buf = encodeGlyphs('X', '0-255', [{ id: 65, bitmap: new Uint8Array(7 * 8), width: 1, height: 2, left: -3, top: -26, advance: 300 }]);
    const [g] = decode(buf)[0].glyphs;
    expect(g).toMatchObject({ id: 65, width: 1, height: 2, left: -3, top: -26, advance: 300 });
    expect(g.bitmap!.length).toBe(56);
  });
});
