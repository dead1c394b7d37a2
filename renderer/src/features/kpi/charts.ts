import type { KpiDrill, KpiState, KpiTile } from '../../../../shared/contracts';
import type { Indicator } from '../../../../shared/kpi/catalogue';
import type { ChartOption } from './EChart';
import { formatValue, shortPeriod } from './format';

export const STATE_COLOR: Record<KpiState, string> = { green: '#2ecc71', amber: '#f5b700', red: '#ff5c5c', none: '#6f7d96' };
const TEXT = '#e8eef9';
const MUTED = '#9fb0cc';
const LINE = '#2a3a5c';

/** Chart text follows the page's root font size (it grows with the wall's resolution). */
export function rootPx(): number {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 18;
}

/** A round axis end a little above `x` (so the target line is inside the chart). */
function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(x * 1.1));
  return Math.ceil((x * 1.1) / step) * step;
}

/** Horizontal bars per commune/agency, coloured by state, with the target as a dashed line. */
export function drillOption(drill: KpiDrill, ind: Indicator, lang: string): ChartOption {
  const px = rootPx();
  const rows = [...drill.rows].reverse(); // ECharts draws the first category at the bottom
  const axisMax = Math.max(1e-9, ...rows.map((r) => r.value ?? 0), ind.target ?? 0);
  const scaleMax = ind.unit === '%' && axisMax > 60 ? 100 : axisMax;
  return {
    animation: false,
    textStyle: { fontFamily: 'Noto Sans, DejaVu Sans, sans-serif', color: TEXT },
    grid: { left: 8, right: px * 4.2, top: 6, bottom: 6, containLabel: true },
    xAxis: { type: 'value', min: 0, max: ind.unit === '%' && axisMax > 60 ? 100 : (v: { max: number }) => niceMax(Math.max(v.max, ind.target ?? 0)), splitLine: { lineStyle: { color: LINE } }, axisLabel: { color: MUTED, fontSize: px * 0.75 } },
    yAxis: { type: 'category', data: rows.map((r) => r.name.replace(/^(Xã|Thị trấn) /, '')), axisLabel: { color: TEXT, fontSize: px * 0.85, width: px * 9, overflow: 'truncate' }, axisLine: { lineStyle: { color: LINE } }, axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        barMaxWidth: px * 1.3,
        // Long bars carry their figure inside (dark on colour) so the target line never crosses it.
        data: rows.map((r) => ({
          value: r.value ?? undefined,
          itemStyle: { color: STATE_COLOR[r.state], borderRadius: 3 },
          label: r.value != null && r.value / scaleMax > 0.3 ? { position: 'insideRight' as const, color: '#0b1220' } : { position: 'right' as const, color: TEXT },
        })),
        label: { show: true, fontSize: px * 0.85, fontWeight: 'bold', formatter: (p) => formatValue(typeof p.value === 'number' ? p.value : null, ind.unit, lang) },
        markLine:
          ind.target != null
            ? { symbol: 'none', silent: true, lineStyle: { color: TEXT, type: 'dashed', width: 2 }, label: { show: false }, data: [{ xAxis: ind.target }] }
            : undefined,
      },
    ],
  };
}

/** The selected indicator's district trend as a line with the target. */
export function trendOption(tile: KpiTile, ind: Indicator, lang: string): ChartOption {
  const px = rootPx();
  return {
    animation: false,
    textStyle: { fontFamily: 'Noto Sans, DejaVu Sans, sans-serif', color: TEXT },
    grid: { left: 8, right: 16, top: px, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: tile.trend.map((p) => shortPeriod(p.period)), axisLabel: { color: MUTED, fontSize: px * 0.7 }, axisLine: { lineStyle: { color: LINE } } },
    yAxis: { type: 'value', scale: true, splitNumber: 2, splitLine: { lineStyle: { color: LINE } }, axisLabel: { show: false } },
    series: [
      {
        type: 'line',
        data: tile.trend.map((p) => p.value),
        connectNulls: false,
        symbolSize: px * 0.45,
        lineStyle: { color: '#4cc2ff', width: 3 },
        itemStyle: { color: '#4cc2ff' },
        label: { show: true, position: 'top', color: TEXT, fontSize: px * 0.65, formatter: (p) => formatValue(typeof p.value === 'number' ? p.value : null, ind.unit, lang) },
        markLine: ind.target != null ? { symbol: 'none', silent: true, lineStyle: { color: STATE_COLOR.green, type: 'dashed', width: 2 }, label: { show: false }, data: [{ yAxis: ind.target }] } : undefined,
      },
    ],
  };
}
