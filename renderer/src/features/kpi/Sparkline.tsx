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
  if (values.length === 0) return <svg className={className} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true" data-empty="true" />;
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
    <svg className={className} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true" data-points={values.length}>
      {target != null && <line className="spark-target" x1={0} x2={W} y1={y(target)} y2={y(target)} vectorEffect="non-scaling-stroke" />}
      {segments.map((s, i) =>
        <polyline key={i} className="spark-line" points={s.includes(' ') ? s : `${s} ${s}`} vectorEffect="non-scaling-stroke" />,
      )}
      {/* A zero-length round-capped line: a dot that stays round however the sparkline is stretched. */}
      {last?.value != null && <line className="spark-dot" x1={x(lastIdx)} x2={x(lastIdx)} y1={y(last.value)} y2={y(last.value)} vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}
