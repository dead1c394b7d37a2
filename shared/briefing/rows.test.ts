import { describe, expect, it } from 'vitest';
import type { MapLayerSnapshot } from '../contracts/map.contract';
import type { Alert, Camera } from '../domain/entities';
import { camerasByCommune, onScreen, stations } from './rows';

const feature = (id: string, props: Record<string, string | number | null>) => ({ id, lon: 108.2, lat: 15.2, props });
const layer = (features: MapLayerSnapshot['features']): MapLayerSnapshot => ({ layer: 'water', rev: 1, features });
const station = (id: string, name: string, levelM: number | null, band: number) => feature(id, { name, river: 'Sông Tranh', levelM, readingAt: levelM == null ? null : '2026-11-26T11:00:00.000Z', bd1: 3.5, bd2: 5, bd3: 6.5, band });

describe('stations', () => {
  it('puts the worst band first, then orders by name in Vietnamese; a station without a reading last', () => {
    const rows = stations(
      layer([station('a', 'Trạm đo Trà Đốc', 2.1, 0), station('b', 'Trạm đo Trà Bui', null, -1), station('c', 'Trạm đo Trà Giác', 5.4, 2), station('d', 'Trạm đo Ấp Ba', 1.9, 0), station('e', 'Trạm đo Trà Tân', 3.9, 1)]),
    );
    expect(rows.map((r) => [r.id, r.band])).toEqual([
      ['c', 2],
      ['e', 1],
      ['d', 0], // "Ấp" sorts before "Trà" in Vietnamese
      ['a', 0],
      ['b', -1],
    ]);
    expect(rows[0]).toMatchObject({ name: 'Trạm đo Trà Giác', river: 'Sông Tranh', levelM: 5.4, bd1: 3.5, bd2: 5, bd3: 6.5 });
    expect(rows[4]).toMatchObject({ levelM: null, readingAt: null });
  });

  it('reads odd properties as missing instead of failing', () => {
    const [r] = stations(layer([feature('x', { name: null, river: null, levelM: 'high', band: null })]));
    expect(r).toEqual({ id: 'x', name: 'x', river: '', levelM: null, readingAt: null, bd1: null, bd2: null, bd3: null, band: -1 });
    expect(stations(null)).toEqual([]);
  });
});

const cam = (id: string, unitId: string | null, enabled = true): Camera => ({ id, name: id, group: 'traffic', unitId, location: { lon: 108.2, lat: 15.2 }, sources: {}, enabled }) as unknown as Camera;
const offline = (id: string, unitId: string | null, acknowledgedAt: string | null = null): Alert => ({ id, kind: 'camera_offline', severity: 'warning', title: id, unitId, raisedAt: '2026-11-26T10:00:00.000Z', acknowledgedAt, acknowledgedBy: null, note: null });

describe('camerasByCommune', () => {
  it('counts enabled cameras and open offline alerts per commune, the lowest online share first', () => {
    const rows = camerasByCommune(
      [cam('1', 'vn-2025:20900'), cam('2', 'vn-2025:20900'), cam('3', 'vn-2025:20900'), cam('4', 'vn-2025:20920'), cam('5', 'vn-2025:20920'), cam('6', 'vn-2025:20929'), cam('7', 'vn-2025:20929', false)],
      [offline('a', 'vn-2025:20900'), offline('b', 'vn-2025:20920'), offline('c', 'vn-2025:20929', '2026-11-26T10:30:00.000Z'), { ...offline('d', 'vn-2025:20929'), kind: 'water_level' }],
    );
    expect(rows.map((r) => [r.unitId, r.cameras, r.offline, Math.round(r.onlinePct! * 10) / 10])).toEqual([
      ['vn-2025:20920', 2, 1, 50], // Trà Đốc: 1 of 2 offline
      ['vn-2025:20900', 3, 1, 66.7], // Trà My
      ['vn-2025:20929', 1, 0, 100], // Trà Giáp: the disabled camera and the acknowledged alert do not count
    ]);
  });

  it('keeps an alert of a commune without cameras and cameras without a commune, never below 0 %', () => {
    const rows = camerasByCommune([cam('1', null), cam('2', 'vn-2025:20923')], [offline('a', 'vn-2025:20908'), offline('b', 'vn-2025:20923'), offline('c', 'vn-2025:20923')]);
    expect(rows).toEqual([
      { unitId: 'vn-2025:20908', cameras: 0, offline: 1, onlinePct: null },
      { unitId: 'vn-2025:20923', cameras: 1, offline: 2, onlinePct: 0 },
      { unitId: null, cameras: 1, offline: 0, onlinePct: 100 },
    ]);
  });
});

describe('onScreen', () => {
  it('shows everything that fits, else all but one row and how many more', () => {
    expect(onScreen([1, 2, 3], 5)).toEqual({ shown: [1, 2, 3], hidden: 0 });
    expect(onScreen([1, 2, 3, 4, 5], 5)).toEqual({ shown: [1, 2, 3, 4, 5], hidden: 0 });
    expect(onScreen([1, 2, 3, 4, 5, 6, 7], 5)).toEqual({ shown: [1, 2, 3, 4], hidden: 3 });
  });
});
