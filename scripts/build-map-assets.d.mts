// Types for scripts/build-map-assets.mjs (plain Node script, imported by its tests).
export const GLYPH_RANGES: Array<[number, number]>;
export const FONTSTACKS: Record<string, { file: string; weight: string }>;
export const DEFAULT_OUT: string;
export const DEFAULT_CACHE: string;
export const DATA_SRC: string;
export interface EncodedGlyph {
  id: number;
  bitmap: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
}
export function encodeGlyphs(name: string, range: string, glyphs: EncodedGlyph[]): Uint8Array;
export function fontCodepoints(ttf: Uint8Array): Set<number>;
export interface MapAssetsManifest {
  glyphs: string;
  fontstacks: string[];
  ranges: string[];
  emptyRanges: string;
  data: string[];
}
export function buildMapAssets(opts?: { out?: string; cache?: string; force?: boolean; quiet?: boolean }): Promise<{ cached: boolean; ms: number; manifest: MapAssetsManifest }>;
