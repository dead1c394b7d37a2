import { z } from 'zod';

/**
 * An optional background map under the district's own layers. Off by default: the shipped map
 * needs no network. When configured, the renderer's CSP must allow the origins from
 * `basemapOrigins()` in connect-src (MapLibre fetches tiles with fetch()).
 *
 * - `raster`: an XYZ raster tile service, e.g. `https://tile.example.vn/{z}/{x}/{y}.png`.
 * - `pmtiles`: a PMTiles archive (`https://…/vn.pmtiles`, or an app-origin path that supports
 *   HTTP Range requests); `tileType` says how to draw it: raster imagery, or vector tiles in the
 *   Protomaps basemap schema (earth, water, landuse, roads, places). The renderer registers the
 *   `pmtiles://` protocol (`maplibregl.addProtocol('pmtiles', new Protocol().tile)`).
 */
export const MapBasemapConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('raster'),
    tiles: z.array(z.url({ protocol: /^https?$/ }).max(500)).min(1).max(4),
    tileSize: z.union([z.literal(256), z.literal(512)]).default(256),
    maxzoom: z.number().int().min(0).max(22).default(18),
    attribution: z.string().max(300),
    opacity: z.number().min(0).max(1).default(0.55),
  }),
  z.object({
    kind: z.literal('pmtiles'),
    url: z.string().max(500).regex(/^(https?:\/\/|\/)[^\s]+\.pmtiles$/, 'an http(s) URL or an app-origin path ending in .pmtiles'),
    tileType: z.enum(['raster', 'vector-protomaps']),
    maxzoom: z.number().int().min(0).max(22).default(15),
    attribution: z.string().max(300),
    opacity: z.number().min(0).max(1).default(0.55),
  }),
]);
export type MapBasemapConfig = z.infer<typeof MapBasemapConfig>;
export type MapBasemapInput = z.input<typeof MapBasemapConfig>;

export const NO_BASEMAP: MapBasemapConfig = { kind: 'none' };

/** Network origins a configured basemap reads from (none for the default, none for app-origin paths). */
export function basemapOrigins(config: MapBasemapConfig): string[] {
  const urls = config.kind === 'raster' ? config.tiles : config.kind === 'pmtiles' ? [config.url] : [];
  const origins = new Set<string>();
  for (const u of urls) {
    if (u.startsWith('/')) continue;
    // Template placeholders ({z}/{x}/{y}, {s}) only appear in the path; the origin is plain.
    const m = /^(https?:\/\/[^/]+)/.exec(u);
    if (m) origins.add(m[1].toLowerCase());
  }
  return [...origins];
}
