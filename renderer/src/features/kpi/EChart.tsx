import { useEffect, useRef } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent } from 'echarts/components';
import { init, use as registerEcharts, type ComposeOption, type ECharts } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, MarkLineComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the boards draw: bars and lines on a grid with a target line, on canvas. Canvas, not SVG,
// because the CSP forbids inline style attributes (no tooltips either: their HTML uses them).
registerEcharts([BarChart, LineChart, GridComponent, MarkLineComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | MarkLineComponentOption>;

/** An ECharts instance bound to a div: resized with it, updated in place, disposed on unmount. */
export default function EChart({ option, className, testId }: { option: ChartOption; className?: string; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = init(el.current, null, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option]);
  return <div ref={el} className={className} data-testid={testId} />;
}
