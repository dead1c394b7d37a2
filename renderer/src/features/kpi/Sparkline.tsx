import type { KpiPoint } from '../../../../shared/contracts';

/**
 * A trend in plain SVG (no chart library on the tile: first paint must not wait for one). Gaps
 * (periods without a value) break the line; the last point is a dot; the target is a dashed line.
 */
export function Sparkline({ points, target, className }: { points: readonly KpiPoint[]; target: number | null; className?: string }) {
  const W = 200;
  const H = 44;
  const PAD = 5;
  const values = points.map((p) => p.value).filter((v): v is number => v != null && Number.isFinite(v));
  if (values.length === 0) return <svg className={className} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" data-empty="true" />;
  const all = target != null ? [...values, target] : values;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const x = (i: number) => (points.length === 1 ? W / 2 : (i / (points.length - 1)) * W);
  const y = (v: number) => PAD + (1 - (v - lo) / (hi - lo)) * (H - 2 * PAD);
  const segments: string[] = [];
  let cur: string[] = [];
  points.forEach((p, i) => {
    if (p.value == null || !Number.isFinite(p.value)) {
      if (cur.length) segments.push(cur.join(' '));
      cur = [];
    } else cur.push(`${x(i).toFixed(2)},${y(p.value).toFixed(2)}`);
  });
  if (cur.length) segments.push(cur.join(' '));
  let lastIdx = -1;
  points.forEach((p, i) => {
    if (p.value != null && Number.isFinite(p.value)) lastIdx = i;
  });
  const last = points[lastIdx];
  return (
    <svg className={className} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" data-points={values.length}>
      {target != null && <line className="spark-target" x1={0} x2={W} y1={y(target)} y2={y(target)} vectorEffect="non-scaling-stroke" />}
      {segments.map((s, i) =>
        s.includes(' ') ? <polyline key={i} className="spark-line" points={s} vectorEffect="non-scaling-stroke" /> : <line key={i} className="spark-line" x1={Number(s.split(',')[0]) - 1.5} x2={Number(s.split(',')[0]) + 1.5} y1={Number(s.split(',')[1])} y2={Number(s.split(',')[1])} vectorEffect="non-scaling-stroke" />,
      )}
      {last?.value != null && <circle className="spark-dot" cx={x(lastIdx)} cy={y(last.value)} r={4} />}
    </svg>
  );
}
