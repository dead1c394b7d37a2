import { describe, expect, it } from 'vitest';
import { findSpikes } from './spike';

const NOW = Date.parse('2026-11-20T03:00:00Z');
const H = 3_600_000;
/** `perDay[d]` negative mentions d days ago (d = 0: the last 24 h) in a unit. */
const mentions = (unitId: string, perDay: number[]) => perDay.flatMap((n, d) => Array.from({ length: n }, (_, i) => ({ unitId, at: NOW - d * 24 * H - (i + 1) * 60_000, negative: true })));

describe('cyber spike detection (24 h vs 7-day baseline, k = 2)', () => {
  it.each([
    ['quiet week, 6 today', [6, 1, 0, 1, 2, 1, 0, 1], true],
    ['busy week, 6 today', [6, 5, 6, 7, 5, 6, 4, 6], false],
    ['below the minimum', [3, 0, 0, 0, 0, 0, 0, 0], false],
    ['steady 4 a day', [4, 4, 4, 4, 4, 4, 4, 4], false],
  ] as const)('%s → %s', (_what, perDay, spike) => {
    const s = findSpikes(mentions('vn-2025:20929', [...perDay]), NOW);
    expect(s.some((x) => x.unitId === 'vn-2025:20929')).toBe(spike);
  });

  it('rolls old-unit mentions up to the commune and the district; positive mentions never count', () => {
    const s = findSpikes([...mentions('vn-2019:20932', [5]), ...mentions('vn-2025:20929', [2]), { unitId: 'vn-2025:20900', at: NOW - H, negative: false }], NOW);
    expect(s.map((x) => [x.unitId, x.last24h]).sort()).toEqual([['vn-2019:20932', 5], ['vn-2019:515', 7], ['vn-2025:20929', 7]]);
  });
});
