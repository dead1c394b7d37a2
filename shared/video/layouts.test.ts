import { describe, expect, it } from 'vitest';
import { MOSAIC_LAYOUTS, type MosaicState } from './mosaic';
import { layoutGeometry, placeCamera, tileCount, withLayout } from './layouts';

describe('mosaic layouts', () => {
  it.each([
    ['1', 1, 1],
    ['2x2', 4, 2],
    ['3x3', 9, 3],
    ['4x4', 16, 4],
    ['5x5', 25, 5],
    ['1+5', 6, 3],
    ['1+7', 8, 4],
    ['2+8', 10, 4],
  ] as const)('%s has %i tiles on a %i-wide grid', (layout, tiles, cols) => {
    const g = layoutGeometry(layout);
    expect(g.tiles).toHaveLength(tiles);
    expect(g.cols).toBe(cols);
  });

  it.each(MOSAIC_LAYOUTS.filter((l) => l !== 'custom'))('%s covers its grid exactly once', (layout) => {
    const g = layoutGeometry(layout);
    const cells = new Map<string, number>();
    for (const t of g.tiles)
      for (let r = t.row; r < t.row + t.rowSpan; r++)
        for (let c = t.col; c < t.col + t.colSpan; c++) cells.set(`${r},${c}`, (cells.get(`${r},${c}`) ?? 0) + 1);
    expect(cells.size).toBe(g.rows * g.cols);
    expect([...cells.values()].every((n) => n === 1)).toBe(true);
  });

  it('custom grids use their size', () => {
    expect(tileCount('custom', { rows: 2, cols: 3 })).toBe(6);
  });

  const base: MosaicState = { displayId: '2', layout: '2x2', tiles: ['a', 'b', null, 'd'], enlarged: 3 };
  it.each([
    ['shrinking drops cameras from the end and an enlarged tile that no longer exists', '1', ['a'], null],
    ['growing adds empty tiles', '3x3', ['a', 'b', null, 'd', null, null, null, null, null], 3],
  ] as const)('%s', (_n, layout, tiles, enlarged) => {
    const s = withLayout(base, layout);
    expect(s.tiles).toEqual(tiles);
    expect(s.enlarged).toBe(enlarged);
  });

  it.each([
    ['first empty tile by default', 'x', undefined, ['a', 'b', 'x', 'd']],
    ['a chosen tile', 'x', 0, ['x', 'b', null, 'd']],
    ['a camera already shown swaps places', 'a', 1, ['b', 'a', null, 'd']],
    ['a camera already shown stays put when no tile is given', 'd', undefined, ['a', 'b', null, 'd']],
  ] as const)('placeCamera: %s', (_n, cam, tile, tiles) => {
    expect(placeCamera(base, cam, tile).tiles).toEqual(tiles);
  });
});
