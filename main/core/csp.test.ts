import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../services/config/config.service';
import { basemapConnectOrigins } from './app';
import { rendererCsp } from './csp';

const dirs: string[] = [];
const store = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioc-csp-'));
  dirs.push(dir);
  return { dir, config: new ConfigStore(dir, () => {}) };
};
const connectSrc = (csp: string) => csp.split('; ').find((d) => d.startsWith('connect-src'))!;
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('CSP and the optional map basemap', () => {
  it('by default allows no basemap origin (the map needs no network)', () => {
    const { config } = store();
    expect(config.get().map.basemap).toEqual({ kind: 'none' });
    expect(basemapConnectOrigins({ config })).toEqual([]);
    expect(connectSrc(rendererCsp(['ws://127.0.0.1:4000', ...basemapConnectOrigins({ config })]))).toBe("connect-src 'self' ws://127.0.0.1:4000");
  });

  it('allows the configured basemap origin, only once configured, and keeps it across restarts', () => {
    const { dir, config } = store();
    const before = rendererCsp(basemapConnectOrigins({ config }));
    expect(before).not.toContain('tile.example.vn');
    config.update((c) => ({ ...c, map: { basemap: { kind: 'raster', tiles: ['https://Tile.Example.vn/{z}/{x}/{y}.png'], tileSize: 256, maxzoom: 18, attribution: '© Example', opacity: 0.5 } } }));
    expect(connectSrc(rendererCsp(basemapConnectOrigins({ config })))).toBe("connect-src 'self' https://tile.example.vn");
    // A fresh start reads it back from config.json.
    const again = new ConfigStore(dir, () => {});
    expect(basemapConnectOrigins({ config: again })).toEqual(['https://tile.example.vn']);
    // An app-origin PMTiles archive needs no extra origin.
    config.update((c) => ({ ...c, map: { basemap: { kind: 'pmtiles', url: '/map/vn.pmtiles', tileType: 'vector-protomaps', maxzoom: 15, attribution: '© OSM', opacity: 0.5 } } }));
    expect(basemapConnectOrigins({ config })).toEqual([]);
  });

  it('rejects a bad basemap with a clear error and keeps the stored config', () => {
    const { config } = store();
    config.update((c) => ({ ...c, language: 'en' }));
    const file = readFileSync(config.path, 'utf8');
    expect(() => config.update((c) => ({ ...c, map: { basemap: { kind: 'pmtiles', url: 'ftp://x/vn.pmtiles', tileType: 'raster', maxzoom: 15, attribution: '', opacity: 1 } } }))).toThrow(/pmtiles/);
    expect(readFileSync(config.path, 'utf8')).toBe(file);
    expect(basemapConnectOrigins({ config })).toEqual([]);
  });
});
