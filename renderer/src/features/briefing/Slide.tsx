import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BriefingSlideId, KpiState, KpiTile } from '../../../../shared/contracts';
import { formatAsOf } from '../kpi/format';
import { Tile } from '../kpi/Tile';
import { locale } from '../../i18n';

/** One slide: its title and the "as of" of its data, then its body (or why there is none yet). */
export function Slide({ id, asOf, ready, error, aside, children }: { id: BriefingSlideId; asOf: string | null; ready: boolean; error?: string | null; aside?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className={`bf-slide bf-slide-${id}`} data-testid={`slide-${id}`} data-ready={ready}>
      <header className="bf-slide-head">
        <h1>{t(`briefing.slides.${id}`)}</h1>
        <div className="bf-head-aside">
          {aside}
          <span className="bf-asof" data-testid="slide-asof">
            {t('briefing.asOf', { time: formatAsOf(asOf) })}
          </span>
        </div>
      </header>
      {error && <p className="error">{t('briefing.error', { message: error })}</p>}
      {ready ? children : <p className="loading">{t('briefing.loading')}</p>}
    </section>
  );
}

const noop = () => {};

/** KPI tiles at briefing size (the boards' own Tile, restyled by briefing.css). */
export function Tiles({ tiles, current, className = '' }: { tiles: KpiTile[]; current: string; className?: string }) {
  return (
    <div className={`bf-tiles n-${tiles.length} ${className}`}>
      {tiles.map((tile) => (
        <Tile key={tile.indicator} tile={tile} current={current} selected={false} onSelect={noop} />
      ))}
    </div>
  );
}

/** A headline count that is not a catalogue indicator (open cases, cameras online…). */
export function BigStat({ label, value, sub, state, testId }: { label: string; value: number | null | undefined; sub?: string; state: KpiState; testId: string }) {
  const { i18n } = useTranslation();
  return (
    <div className={`bf-stat kpi-tile state-${state}`} data-testid={testId} data-value={value ?? ''} data-state={state}>
      <span className="kpi-tile-name">{label}</span>
      <span className="kpi-tile-value">
        <strong>{value == null ? '—' : value.toLocaleString(locale(i18n.language))}</strong>
      </span>
      {sub && <span className="bf-stat-sub">{sub}</span>}
    </div>
  );
}
