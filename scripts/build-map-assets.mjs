// Builds the offline map assets into the built renderer, so the app serves them from its own
// origin (app://ioc/map/… in Electron, http://127.0.0.1:<port>/map/… in the headless host):
//
//   out/renderer/map/fonts/{fontstack}/{start}-{end}.pbf  SDF glyphs (MapLibre glyph PBF), made here
//                                                         with @mapbox/tiny-sdf on @napi-rs/canvas
//                                                         from DejaVu Sans (Regular, Bold)
//   out/renderer/map/data/*.geojson                       basemap data from resources/map/data
//   out/renderer/map/manifest.json                        what is there (fontstacks, ranges, files)
//   out/renderer/map/LICENSES.txt, DejaVu-LICENSE.txt     attribution and licences (resources/map)
//
// Run by `npm run build` and scripts/package.mjs after electron-vite (which empties out/renderer).
// Glyph generation is cached in .cache/map-assets keyed by a hash of its inputs, so an unchanged
// build only copies.
//
//   node scripts/build-map-assets.mjs [--force] [--out DIR] [--quiet]
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Ranges of 256 code points rendered: Vietnamese needs Latin-1, Latin Extended-A/B, combining
 * marks and U+1EA0–1EF9; General Punctuation (– — ‘ ’ “ ” … •) is common in names and notes.
 * Every other range of the BMP gets an empty PBF, so a stray character (an emoji, CJK) is simply
 * not drawn instead of a 404 and a map error per range.
 */
export const GLYPH_RANGES = [
  [0, 255],
  [256, 511],
  [512, 767],
  [768, 1023],
  [7680, 7935],
  [8192, 8447],
];
const FONT_DIR = join(root, 'node_modules/dejavu-fonts-ttf/ttf');
/** Fontstack name (as used in a style's `text-font`) → TTF file. */
export const FONTSTACKS = {
  'DejaVu Sans Regular': { file: 'DejaVuSans.ttf', weight: 'normal' },
  'DejaVu Sans Bold': { file: 'DejaVuSans-Bold.ttf', weight: 'bold' },
};
/** MapLibre's glyph metrics: 24 px em, 3 px SDF buffer, radius 8, cutoff 0.25 (as node-fontnik). */
const FONT_SIZE = 24;
const BUFFER = 3;
const RADIUS = 8;
const CUTOFF = 0.25;
/** TinySDF's `top` is from the baseline; glyph PBFs measure from an origin above the em box (MapLibre uses 27.5 for its own TinySDF glyphs). */
const TOP_ADJUST = 27;

export const DATA_SRC = join(root, 'resources/map/data');
/** Attribution and licence texts shipped next to the assets (.txt: electron-builder drops *.md). */
export const LICENCE_SRC = [join(root, 'resources/map/LICENSES.txt'), join(root, 'resources/map/DejaVu-LICENSE.txt')];
export const DEFAULT_OUT = join(root, 'out/renderer/map');
/** Outside out/: everything under out/ is packaged (electron-builder.yml `files`). */
export const DEFAULT_CACHE = join(root, '.cache/map-assets');

// ---- protobuf encoding (glyphs.proto of MapLibre / node-fontnik) ----------------------------

class Writer {
  constructor() {
    this.buf = Buffer.alloc(1 << 16);
    this.pos = 0;
  }
  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  varint(v) {
    this.ensure(10);
    if (v < 0) throw new Error(`varint: negative ${v}`);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  key(field, wireType) {
    this.varint((field << 3) | wireType);
  }
  uint(field, v) {
    this.key(field, 0);
    this.varint(v);
  }
  sint(field, v) {
    this.key(field, 0);
    this.varint(v < 0 ? -2 * v - 1 : 2 * v); // zigzag
  }
  bytes(field, data) {
    this.key(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(this.buf, this.pos);
    this.pos += data.length;
  }
  string(field, s) {
    this.bytes(field, Buffer.from(s, 'utf8'));
  }
  message(field, fn) {
    const inner = new Writer();
    fn(inner);
    this.bytes(field, inner.finish());
  }
  finish() {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * message glyphs { repeated fontstack stacks = 1; }
 * message fontstack { required string name = 1; required string range = 2; repeated glyph glyphs = 3; }
 * message glyph { required uint32 id = 1; optional bytes bitmap = 2; required uint32 width = 3;
 *   required uint32 height = 4; required sint32 left = 5; required sint32 top = 6; required uint32 advance = 7; }
 */
export function encodeGlyphs(name, range, glyphs) {
  const w = new Writer();
  w.message(1, (stack) => {
    stack.string(1, name);
    stack.string(2, range);
    for (const g of glyphs) {
      stack.message(3, (m) => {
        m.uint(1, g.id);
        if (g.width > 0 && g.height > 0) m.bytes(2, g.bitmap);
        m.uint(3, g.width);
        m.uint(4, g.height);
        m.sint(5, g.left);
        m.sint(6, g.top);
        m.uint(7, g.advance);
      });
    }
  });
  return w.finish();
}

// ---- which code points a font has (TrueType cmap, formats 4 and 12) -------------------------

export function fontCodepoints(ttf) {
  const u16 = (o) => ttf.readUInt16BE(o);
  const u32 = (o) => ttf.readUInt32BE(o);
  const numTables = u16(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (ttf.toString('latin1', rec, rec + 4) === 'cmap') cmap = u32(rec + 8);
  }
  if (cmap < 0) throw new Error('font has no cmap table');
  const out = new Set();
  const n = u16(cmap + 2);
  for (let i = 0; i < n; i++) {
    const platform = u16(cmap + 4 + i * 8);
    const encoding = u16(cmap + 6 + i * 8);
    if (!(platform === 3 && (encoding === 1 || encoding === 10)) && platform !== 0) continue;
    const sub = cmap + u32(cmap + 8 + i * 8);
    const format = u16(sub);
    if (format === 4) {
      const segX2 = u16(sub + 6);
      const ends = sub + 14;
      const starts = ends + segX2 + 2;
      const deltas = starts + segX2;
      const offsets = deltas + segX2;
      for (let s = 0; s < segX2 / 2; s++) {
        const end = u16(ends + s * 2);
        const start = u16(starts + s * 2);
        const delta = u16(deltas + s * 2);
        const roff = u16(offsets + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let gid;
          if (roff === 0) gid = (c + delta) & 0xffff;
          else {
            const at = offsets + s * 2 + roff + (c - start) * 2;
            gid = u16(at);
            if (gid !== 0) gid = (gid + delta) & 0xffff;
          }
          if (gid !== 0) out.add(c);
        }
      }
    } else if (format === 12) {
      const groups = u32(sub + 12);
      for (let g = 0; g < groups; g++) {
        const start = u32(sub + 16 + g * 12);
        const end = u32(sub + 20 + g * 12);
        const gid = u32(sub + 24 + g * 12);
        for (let c = start; c <= end; c++) if (gid + (c - start) !== 0) out.add(c);
      }
    }
  }
  return out;
}

// ---- glyph rendering --------------------------------------------------------------------

async function renderGlyphs(outDir, log) {
  const { default: TinySDF } = await import('@mapbox/tiny-sdf');
  const { createCanvas, GlobalFonts } = await import('@napi-rs/canvas');
  class NodeSDF extends TinySDF {
    _createCanvas(size) {
      return createCanvas(size, size);
    }
  }
  let count = 0;
  for (const [name, { file, weight }] of Object.entries(FONTSTACKS)) {
    const path = join(FONT_DIR, file);
    const family = `IOC ${name}`; // a private alias: never a system font by the same name
    if (!GlobalFonts.registerFromPath(path, family)) throw new Error(`cannot load font ${path}`);
    const has = fontCodepoints(readFileSync(path));
    const sdf = new NodeSDF({ fontSize: FONT_SIZE, buffer: BUFFER, radius: RADIUS, cutoff: CUTOFF, fontFamily: `"${family}"`, fontWeight: weight });
    mkdirSync(join(outDir, 'fonts', name), { recursive: true });
    for (const [start, end] of GLYPH_RANGES) {
      const glyphs = [];
      for (let id = start; id <= end; id++) {
        if (!has.has(id) || id < 0x20 || (id >= 0x7f && id < 0xa0)) continue; // control characters: nothing to draw
        const g = sdf.draw(String.fromCodePoint(id));
        glyphs.push({
          id,
          bitmap: g.data,
          width: g.glyphWidth,
          height: g.glyphHeight,
          left: g.glyphLeft,
          top: g.glyphTop - TOP_ADJUST,
          advance: Math.round(g.glyphAdvance),
        });
      }
      writeFileSync(join(outDir, 'fonts', name, `${start}-${end}.pbf`), encodeGlyphs(name, `${start}-${end}`, glyphs));
      count += glyphs.length;
    }
    for (let start = 0; start < 65536; start += 256) {
      if (GLYPH_RANGES.some(([s]) => s === start)) continue;
      writeFileSync(join(outDir, 'fonts', name, `${start}-${start + 255}.pbf`), encodeGlyphs(name, `${start}-${start + 255}`, []));
    }
  }
  log(`map assets: ${count} glyphs in ${Object.keys(FONTSTACKS).length} fontstacks × ${GLYPH_RANGES.length} ranges`);
}

// ---- build ------------------------------------------------------------------------------

function glyphInputsHash() {
  const h = createHash('sha256');
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const pkg of ['@mapbox/tiny-sdf', '@napi-rs/canvas', 'dejavu-fonts-ttf']) {
    h.update(`${pkg}@${JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version}`);
  }
  for (const { file } of Object.values(FONTSTACKS)) h.update(readFileSync(join(FONT_DIR, file)));
  return h.digest('hex');
}

/** Glyphs from the cache when their inputs are unchanged, else rendered afresh (written beside, then swapped in). */
async function ensureGlyphCache({ cache, force, log }) {
  const hash = glyphInputsHash();
  const stamp = join(cache, 'inputs.sha256');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return { cached: true };
  const tmp = `${cache}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await renderGlyphs(tmp, log);
  writeFileSync(join(tmp, 'inputs.sha256'), hash);
  rmSync(cache, { recursive: true, force: true });
  renameSync(tmp, cache);
  return { cached: false };
}

export async function buildMapAssets({ out = DEFAULT_OUT, cache = DEFAULT_CACHE, force = false, quiet = false } = {}) {
  const t0 = performance.now();
  const log = quiet ? () => {} : (m) => process.stderr.write(`${m}\n`);
  const { cached } = await ensureGlyphCache({ cache, force, log });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(join(cache, 'fonts'), join(out, 'fonts'), { recursive: true });
  cpSync(DATA_SRC, join(out, 'data'), { recursive: true, filter: (src) => !src.endsWith('.md') });
  for (const f of LICENCE_SRC) cpSync(f, join(out, f.slice(f.lastIndexOf('/') + 1)));
  const manifest = {
    glyphs: 'fonts/{fontstack}/{range}.pbf',
    fontstacks: Object.keys(FONTSTACKS),
    ranges: GLYPH_RANGES.map(([s, e]) => `${s}-${e}`),
    emptyRanges: 'every other 256-code-point range of the BMP (0-255 … 65280-65535): valid PBFs with no glyphs',
    data: readdirSync(join(out, 'data')).filter((f) => f.endsWith('.geojson')).sort(),
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const ms = Math.round(performance.now() - t0);
  log(`map assets → ${out} (${cached ? 'glyphs cached' : 'glyphs rendered'}, ${ms} ms)`);
  return { cached, ms, manifest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  await buildMapAssets({
    out: outAt >= 0 ? args[outAt + 1] : DEFAULT_OUT,
    force: args.includes('--force'),
    quiet: args.includes('--quiet'),
  });
}
