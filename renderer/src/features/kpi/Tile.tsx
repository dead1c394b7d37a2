import { useTranslation } from 'react-i18next';
import type { KpiTile } from '../../../../shared/contracts';
import { INDICATORS } from '../../../../shared/kpi/catalogue';
import { formatAsOf, formatPeriod, formatTarget, formatValue } from './format';
import { Sparkline } from './Sparkline';

/** One indicator, readable from across the room: name, value + unit, state colour, target, trend, "as of". */
export function Tile({ tile, current, selected, onSelect }: { tile: KpiTile; current: string; selected: boolean; onSelect: (code: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const ind = INDICATORS.get(tile.indicator);
  if (!ind) return null;
  const name = lang === 'en' ? ind.en : ind.vi;
  const unit = t(`kpi.unit.${ind.unit}`);
  const delta = tile.value != null && tile.previous != null ? tile.value - tile.previous : null;
  const better = delta == null || delta === 0 ? null : (delta > 0) === (ind.direction === 'up');
  const stale = tile.period && tile.period !== current;
  return (
    <button
      type="button"
      className={`kpi-tile state-${tile.state}${selected ? ' selected' : ''}`}
      data-testid={`tile-${tile.indicator}`}
      data-state={tile.state}
      data-value={tile.value ?? ''}
      data-source={tile.source}
      aria-pressed={selected}
      onClick={() => onSelect(tile.indicator)}
      title={ind.definition}
    >
      <span className="kpi-tile-name">{name}</span>
      <span className="kpi-tile-value">
        <strong data-testid="tile-value">{formatValue(tile.value, ind.unit, lang)}</strong>
        {tile.value != null && unit && <span className="kpi-tile-unit">{unit}</span>}
        {delta != null && delta !== 0 && (
          <span className={`kpi-delta ${better ? 'better' : 'worse'}`} title={t('kpi.vsPrevious')}>
            {delta > 0 ? '▲' : '▼'} {formatValue(Math.abs(delta), ind.unit, lang)}
          </span>
        )}
      </span>
      <Sparkline className="kpi-spark" points={tile.trend} target={ind.target} />
      <span className="kpi-tile-foot">
        <span className="kpi-target">{ind.target != null ? `${t('kpi.target')} ${ind.direction === 'up' ? '≥' : '≤'} ${formatTarget(ind.target, lang)}${ind.unit === '%' ? ' %' : unit ? ` ${unit}` : ''}` : ''}</span>
        <span className="kpi-state-word">{tile.value == null ? t('kpi.noData') : tile.state === 'none' ? '' : t(`kpi.state.${tile.state}`)}</span>
      </span>
      <span className="kpi-asof" data-testid="tile-asof">
        {tile.source === 'live' ? <b className="kpi-live">{t('kpi.live')}</b> : null} {stale ? `${formatPeriod(tile.period, t)} · ` : ''}
        {tile.source === 'live' ? '' : `${t('kpi.asOf')} `}
        {formatAsOf(tile.asOf, lang)}
      </span>
    </button>
  );
}
