import type { MosaicLayoutName, MosaicState } from './mosaic';

/** One tile's place in a CSS grid (1-based lines, as grid-row / grid-column start + span). */
export interface TileArea {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
}

export interface LayoutGeometry {
  rows: number;
  cols: number;
  tiles: TileArea[];
}

const grid = (n: number): LayoutGeometry => ({
  rows: n,
  cols: n,
  tiles: Array.from({ length: n * n }, (_, i) => ({ row: Math.floor(i / n) + 1, col: (i % n) + 1, rowSpan: 1, colSpan: 1 })),
});

/** A big tile of `big`×`big` cells in the top-left of an n×n grid, small tiles filling the rest in reading order. */
function bigPlusSmall(n: number, big: number, bigCount = 1): LayoutGeometry {
  const taken = new Set<string>();
  const tiles: TileArea[] = [];
  for (let b = 0; b < bigCount; b++) {
    const col = 1 + b * big;
    tiles.push({ row: 1, col, rowSpan: big, colSpan: big });
    for (let r = 1; r <= big; r++) for (let c = col; c < col + big; c++) taken.add(`${r},${c}`);
  }
  for (let r = 1; r <= n; r++) for (let c = 1; c <= n; c++) if (!taken.has(`${r},${c}`)) tiles.push({ row: r, col: c, rowSpan: 1, colSpan: 1 });
  return { rows: n, cols: n, tiles };
}

/**
 * Geometry of every mosaic layout. '1+5': one 2×2 tile + 5 in a 3×3 grid; '1+7': one 3×3 tile + 7 in
 * 4×4; '2+8': two 2×2 tiles + 8 in a 4-row × 4-col grid.
 */
export function layoutGeometry(layout: MosaicLayoutName, custom?: { rows: number; cols: number }): LayoutGeometry {
  switch (layout) {
    case '1':
      return grid(1);
    case '2x2':
      return grid(2);
    case '3x3':
      return grid(3);
    case '4x4':
      return grid(4);
    case '5x5':
      return grid(5);
    case '1+5':
      return bigPlusSmall(3, 2);
    case '1+7':
      return bigPlusSmall(4, 3);
    case '2+8':
      return bigPlusSmall(4, 2, 2);
    case 'custom': {
      const rows = custom?.rows ?? 2;
      const cols = custom?.cols ?? 2;
      return { rows, cols, tiles: Array.from({ length: rows * cols }, (_, i) => ({ row: Math.floor(i / cols) + 1, col: (i % cols) + 1, rowSpan: 1, colSpan: 1 })) };
    }
  }
}

export const tileCount = (layout: MosaicLayoutName, custom?: { rows: number; cols: number }) => layoutGeometry(layout, custom).tiles.length;

/** Change the layout, keeping cameras in tile order (extra cameras drop off the end; new tiles are empty). */
export function withLayout(state: MosaicState, layout: MosaicLayoutName, custom?: { rows: number; cols: number }): MosaicState {
  const n = tileCount(layout, custom);
  const tiles = Array.from({ length: n }, (_, i) => state.tiles[i] ?? null);
  return { ...state, layout, custom: layout === 'custom' ? custom : undefined, tiles, enlarged: state.enlarged !== null && state.enlarged < n ? state.enlarged : null };
}

/**
 * Put a camera on a tile: the given one, else the first empty, else tile 0. A camera already shown
 * stays where it is unless a tile is given (then the two tiles swap).
 */
export function placeCamera(state: MosaicState, cameraId: string, tile?: number): MosaicState {
  const n = tileCount(state.layout, state.custom);
  const tiles = Array.from({ length: n }, (_, i) => state.tiles[i] ?? null);
  if (tile === undefined && tiles.includes(cameraId)) return { ...state, tiles };
  const target = tile !== undefined && tile < n ? tile : Math.max(0, tiles.indexOf(null));
  const prev = tiles.indexOf(cameraId);
  if (prev >= 0 && prev !== target) tiles[prev] = tiles[target] ?? null; // swap: dragging onto a used tile exchanges them
  tiles[target] = cameraId;
  return { ...state, tiles };
}
