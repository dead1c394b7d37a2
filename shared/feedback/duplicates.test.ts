import { describe, expect, it } from 'vitest';
import { findDuplicateCandidates, haversineMeters, type DuplicateCandidateInput, type LonLat } from './duplicates';

// Near the Trà My commune centre; at 15.34° N one degree of longitude is ≈ 107.3 km.
const HERE: LonLat = [108.2279, 15.3415];
const north = (m: number): LonLat => [HERE[0], HERE[1] + m / 111_195.08];
const east = (m: number): LonLat => [HERE[0] + m / (111_195.08 * Math.cos((HERE[1] * Math.PI) / 180)), HERE[1]];

describe('haversineMeters', () => {
  it.each<[string, LonLat, LonLat, number, number]>([
    ['same point', HERE, HERE, 0, 1e-9],
    ['one degree of latitude', [108, 15], [108, 16], 111_195, 1],
    ['one degree of longitude on the equator', [0, 0], [1, 0], 111_195, 1],
    ['30 m north', HERE, north(30), 30, 0.01],
    ['45 m east', HERE, east(45), 45, 0.01],
    ['equator to pole is a quarter great circle', [108, 0], [0, 90], (Math.PI / 2) * 6_371_008.8, 1e-6],
    ['60° N: a degree of longitude is half of one at the equator', [0, 60], [1, 60], 55_596, 2],
    ['antipodes do not produce NaN', [0, 0], [180, 0], Math.PI * 6_371_008.8, 1],
  ])('%s', (_label, a, b, metres, tolerance) => {
    expect(Math.abs(haversineMeters(a, b) - metres)).toBeLessThanOrEqual(tolerance);
    expect(haversineMeters(b, a)).toBeCloseTo(haversineMeters(a, b), 6);
  });
});

describe('findDuplicateCandidates', () => {
  const mk = (id: string, category: string, location: LonLat | null, receivedAt = 0): DuplicateCandidateInput => ({
    id,
    category,
    location,
    receivedAt,
  });
  const fresh = mk('new', 'road_damage', HERE, 100);
  const open = [
    mk('far', 'road_damage', north(80)),
    mk('near-40', 'road_damage', east(40)),
    mk('near-10', 'road_damage', north(10)),
    mk('other-cat', 'street_lighting', north(5)),
    mk('no-loc', 'road_damage', null),
    mk('new', 'road_damage', HERE), // the new case itself, already stored
    mk('edge-49', 'road_damage', north(49.9), 50),
    mk('edge-51', 'road_damage', north(50.1)),
    mk('tie-10-older', 'road_damage', north(-10), -5),
  ];

  it.each<[string, Parameters<typeof findDuplicateCandidates>[2], string[]]>([
    ['default: same category within 50 m, nearest first, older first on ties', undefined, ['tie-10-older', 'near-10', 'near-40', 'edge-49']],
    ['any category', { sameCategory: false }, ['other-cat', 'tie-10-older', 'near-10', 'near-40', 'edge-49']],
    ['wider radius', { radiusM: 100 }, ['tie-10-older', 'near-10', 'near-40', 'edge-49', 'edge-51', 'far']],
    ['only recent cases', { sinceMs: 0 }, ['near-10', 'near-40', 'edge-49']],
    ['tiny radius', { radiusM: 1 }, []],
  ])('%s', (_label, opts, ids) => {
    const got = findDuplicateCandidates(fresh, open, opts);
    expect(got.map((g) => g.case.id)).toEqual(ids);
    for (let i = 1; i < got.length; i++) expect(got[i].distanceM).toBeGreaterThanOrEqual(got[i - 1].distanceM);
  });

  it('a new case without a location has no candidates', () => {
    expect(findDuplicateCandidates({ ...fresh, location: null }, open)).toEqual([]);
  });

  it('returns the callers’ own objects with the distance', () => {
    const rows = [{ ...mk('a', 'road_damage', north(20)), title: 'Ổ gà' }];
    const [hit] = findDuplicateCandidates(fresh, rows);
    expect(hit.case.title).toBe('Ổ gà');
    expect(hit.distanceM).toBeCloseTo(20, 1);
  });
});
