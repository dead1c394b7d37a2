import { useTranslation } from 'react-i18next';

// Bắc Trà My district, roughly (resources/data commune polygons): the preview's frame.
const BOX = { w: 108.0, e: 108.42, s: 15.08, n: 15.45 };

/**
 * A small static location preview: the case's pin inside the district frame, with a graticule and
 * the coordinates (the full interactive map is the map view's job).
 */
export function LocationPreview({ location, label }: { location: [number, number]; label: string }) {
  const { t } = useTranslation();
  const [lon, lat] = location;
  const W = 240;
  const H = Math.round((W * (BOX.n - BOX.s)) / ((BOX.e - BOX.w) * Math.cos((15.27 * Math.PI) / 180)));
  const x = ((lon - BOX.w) / (BOX.e - BOX.w)) * W;
  const y = ((BOX.n - lat) / (BOX.n - BOX.s)) * H;
  const inside = x >= 0 && x <= W && y >= 0 && y <= H;
  const cx = Math.min(W - 6, Math.max(6, x));
  const cy = Math.min(H - 6, Math.max(6, y));
  return (
    <svg className="fq-map" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${t('feedback.act.mapPreview')}: ${label}`} data-testid="detail-map-pin" data-lon={lon} data-lat={lat}>
      <rect x="0" y="0" width={W} height={H} className="fq-map-bg" />
      {[1, 2, 3].map((i) => (
        <line key={`v${i}`} x1={(W * i) / 4} y1="0" x2={(W * i) / 4} y2={H} className="fq-map-grid" />
      ))}
      {[1, 2, 3].map((i) => (
        <line key={`h${i}`} x1="0" y1={(H * i) / 4} x2={W} y2={(H * i) / 4} className="fq-map-grid" />
      ))}
      <circle cx={cx} cy={cy} r="14" className="fq-map-halo" />
      <path d={`M ${cx} ${cy} l -7 -14 a 8 8 0 1 1 14 0 z`} className={inside ? 'fq-map-pin' : 'fq-map-pin fq-map-out'} />
      <circle cx={cx} cy={cy - 17} r="3" className="fq-map-dot" />
      <text x="6" y={H - 6} className="fq-map-text">
        {label}
      </text>
    </svg>
  );
}
