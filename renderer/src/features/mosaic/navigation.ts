import type { LayoutGeometry } from '../../../../shared/video/layouts';

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The tile an arrow key moves to in a layout with spanning tiles (1+5, 2+8…): the nearest tile
 * whose centre lies in that direction, straight-ahead preferred over diagonal. Stays put at an edge.
 */
export function neighbour(geometry: LayoutGeometry, from: number, dir: Direction): number {
  const centre = (i: number) => {
    const a = geometry.tiles[i]!;
    return { x: a.col + a.colSpan / 2, y: a.row + a.rowSpan / 2 };
  };
  if (!geometry.tiles[from]) return 0;
  const c = centre(from);
  let best = from;
  let bestScore = Infinity;
  geometry.tiles.forEach((_, i) => {
    if (i === from) return;
    const p = centre(i);
    const ahead = dir === 'right' ? p.x - c.x : dir === 'left' ? c.x - p.x : dir === 'down' ? p.y - c.y : c.y - p.y;
    const side = dir === 'left' || dir === 'right' ? Math.abs(p.y - c.y) : Math.abs(p.x - c.x);
    if (ahead <= 0) return;
    const score = ahead + 2 * side;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}
