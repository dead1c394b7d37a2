import { useTranslation } from 'react-i18next';
import type { MapIndicators } from '../../../../shared/contracts/map.contract';
import type { CodeList } from '../../../../shared/domain/entities';
import { INDICATORS } from '../../../../shared/kpi/catalogue';
import { PALETTES, type MapTheme } from '../../../../shared/map/palette';
import { formatPeriod } from '../kpi/format';
import { groupIndicators, indicatorName, indicatorOptionLabel } from './indicators';
import type { LiveSource, ToggleId } from './style';

export interface ChoroplethLegend {
  indicator: string;
  period: string | null;
  rows: Array<{ color: string; label: string }>;
}

interface Props {
  theme: MapTheme;
  onTheme(t: MapTheme): void;
  toggles: Record<ToggleId, boolean>;
  onToggle(id: ToggleId, on: boolean): void;
  codeList: CodeList;
  onCodeList(c: CodeList): void;
  indicators: MapIndicators | null;
  indicator: string;
  onIndicator(id: string): void;
  choropleth: ChoroplethLegend | null;
  counts: Record<LiveSource, number>;
}

const TOGGLE_ORDER: ToggleId[] = ['admin', 'choropleth', 'cameras', 'cases', 'heatmap', 'water', 'facilities'];
const COUNTED: Partial<Record<ToggleId, LiveSource>> = { cameras: 'cameras', cases: 'cases', water: 'water', facilities: 'facilities' };

function Swatch({ color, shape = 'dot' }: { color: string; shape?: 'dot' | 'box' | 'line' }) {
  return <span className={`map-swatch map-swatch-${shape}`} style={{ background: color }} aria-hidden />;
}

/** Layer switches, the code list, the choropleth's indicator, and a legend for what is visible. */
export function MapPanel(p: Props) {
  const { t, i18n } = useTranslation();
  const pal = PALETTES[p.theme];
  const s = pal.state;
  const shown = p.choropleth ? INDICATORS.get(p.choropleth.indicator) : undefined;
  return (
    <aside className="map-panel" data-testid="map-panel">
      <section>
        <h2>{t('map.layers')}</h2>
        <fieldset className="map-codelist" data-testid="map-codelist">
          <legend>{t('map.codeList.label')}</legend>
          {(['vn-2025', 'vn-2019'] as const).map((c) => (
            <label key={c}>
              <input type="radio" name="codelist" checked={p.codeList === c} onChange={() => p.onCodeList(c)} data-testid={`map-codelist-${c}`} /> {t(`map.codeList.${c}`)}
            </label>
          ))}
        </fieldset>
        <ul className="map-toggles">
          {TOGGLE_ORDER.map((id) => (
            <li key={id}>
              <label>
                <input type="checkbox" checked={p.toggles[id]} onChange={(e) => p.onToggle(id, e.target.checked)} data-testid={`map-toggle-${id}`} /> {t(`map.toggle.${id}`)}
                {COUNTED[id] !== undefined && (
                  <span className="map-count" data-testid={`map-count-${COUNTED[id]}`}>
                    {p.counts[COUNTED[id]!].toLocaleString('vi-VN')}
                  </span>
                )}
              </label>
            </li>
          ))}
        </ul>
        {p.toggles.choropleth && (
          <label className="map-indicator">
            {t('map.indicator')}
            {p.indicators && p.indicators.indicators.length ? (
              <select value={p.indicator} onChange={(e) => p.onIndicator(e.target.value)} data-testid="map-indicator">
                {groupIndicators(
                  p.indicators.indicators.map((i) => i.id),
                  t,
                ).map((g) => (
                  <optgroup key={g.label} label={g.label}>
                    {g.codes.map((code) => (
                      <option key={code} value={code}>
                        {indicatorOptionLabel(code, i18n.language, t)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            ) : (
              <span className="muted" data-testid="map-no-indicators">{t('map.noIndicators')}</span>
            )}
          </label>
        )}
        <div className="map-theme">
          {t('map.theme.label')}:{' '}
          {(['dark', 'light'] as const).map((th) => (
            <button key={th} type="button" aria-pressed={p.theme === th} onClick={() => p.onTheme(th)} data-testid={`map-theme-${th}`}>
              {t(`map.theme.${th}`)}
            </button>
          ))}
        </div>
      </section>
      <section className="map-legend" data-testid="map-legend">
        <h2>{t('map.legend')}</h2>
        {p.toggles.admin && (
          <ul>
            {p.codeList === 'vn-2025' ? (
              <>
                <li><Swatch color={pal.communeLine} shape="line" /> {t('map.admin.commune')}</li>
                <li><Swatch color={pal.office} /> {t('map.admin.office')}</li>
              </>
            ) : (
              <li><Swatch color={pal.oldUnit} /> {t('map.admin.oldUnit')}</li>
            )}
            <li><Swatch color={pal.districtLine} shape="line" /> {t('map.admin.district')}</li>
            <li><Swatch color={pal.neighbourLine} shape="line" /> {t('map.admin.neighbour')}</li>
          </ul>
        )}
        {p.toggles.choropleth && (
          <div data-testid="map-choropleth-legend">
            <h3>{p.choropleth ? indicatorName(p.choropleth.indicator, i18n.language) : t('map.toggle.choropleth')}</h3>
            {p.choropleth?.period && <p className="muted small">{t('map.period', { period: formatPeriod(p.choropleth.period, t) })}</p>}
            {shown && p.choropleth?.rows.length ? (
              <p className="muted small" data-testid="map-choropleth-direction">
                {t(`map.better.${shown.direction}`)}
              </p>
            ) : null}
            {p.choropleth && p.choropleth.rows.length ? (
              <ul>
                {p.choropleth.rows.map((r) => (
                  <li key={r.color + r.label}><Swatch color={r.color} shape="box" /> {r.label}</li>
                ))}
              </ul>
            ) : (
              <p className="muted small">{p.indicators?.indicators.length ? t('map.noValues') : t('map.noIndicators')}</p>
            )}
          </div>
        )}
        {p.toggles.cameras && (
          <div>
            <h3>{t('map.toggle.cameras')}</h3>
            <ul>
              {([['live', s.ok], ['reconnecting', s.warn], ['failed', s.bad], ['idle', s.idle]] as const).map(([k, c]) => (
                <li key={k}><Swatch color={c} /> {t(`map.camState.${k}`)}</li>
              ))}
            </ul>
          </div>
        )}
        {p.toggles.cases && (
          <div>
            <h3>{t('map.toggle.cases')}</h3>
            <ul>
              {([['overdue', s.bad], ['dueSoon', s.warn], ['ok', s.ok], ['done', s.idle]] as const).map(([k, c]) => (
                <li key={k}><Swatch color={c} /> {t(`map.sla.${k}`)}</li>
              ))}
              {p.toggles.heatmap ? <li><Swatch color="#fdae61" shape="box" /> {t('map.heat')}</li> : <li><span className="map-swatch map-swatch-cluster" aria-hidden>12</span> {t('map.cluster')}</li>}
            </ul>
          </div>
        )}
        {p.toggles.water && (
          <div>
            <h3>{t('map.toggle.water')}</h3>
            <ul>
              {(['normal', 'bd1', 'bd2', 'bd3'] as const).map((k) => (
                <li key={k}><Swatch color={pal.water[k]} /> {t(`map.water.${k}`)}</li>
              ))}
            </ul>
          </div>
        )}
        {p.toggles.facilities && (
          <div>
            <h3>{t('map.toggle.facilities')}</h3>
            <ul>
              <li><Swatch color={pal.facility.school} /> {t('map.facility.school')}</li>
              <li><Swatch color={pal.facility.health_station} /> {t('map.facility.health_station')}</li>
            </ul>
          </div>
        )}
      </section>
      <p className="map-keys muted small">
        {t('map.keys')}
        <br />
        {t('map.offline')}
      </p>
    </aside>
  );
}
