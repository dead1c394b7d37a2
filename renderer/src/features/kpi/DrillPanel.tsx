import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiCodeList, KpiDrill, KpiPeriodKind, KpiTile } from '../../../../shared/contracts';
import { INDICATORS } from '../../../../shared/kpi/catalogue';
import { api } from '../../api';
import { drillOption, trendOption } from './charts';
import { formatAsOf, formatPeriod, formatValue } from './format';
import { useKpi } from './useKpi';

// ECharts loads after the tiles have painted.
const EChart = lazy(() => import('./EChart'));

/** Indicators that can be drilled by agency (counted from dossiers / feedback cases on the desktop). */
const BY_AGENCY = new Set(['dvc.received', 'dvc.ontime_pct', 'dvc.online_pct', 'dvc.avg_days', 'dvc.overdue_open', 'dvc.due_24h', 'pakn.received', 'pakn.overdue']);

/** The selected indicator by commune (either code list) or by agency, plus its trend for the whole district. */
export function DrillPanel({ tile, periodKind, period }: { tile: KpiTile; periodKind: KpiPeriodKind; period: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const ind = INDICATORS.get(tile.indicator)!;
  const [codeList, setCodeList] = useState<KpiCodeList>('vn-2025');
  const [byChoice, setBy] = useState<'unit' | 'agency'>('unit');
  const by = byChoice === 'agency' && BY_AGENCY.has(ind.code) ? 'agency' : 'unit';
  const key = `${ind.code}|${by}|${codeList}|${periodKind}|${period}`;
  const drill = useKpi<KpiDrill>(key, () => api.kpi.drill({ indicator: ind.code, by, codeList, periodKind, period }), ['indicator_value', 'dossier_event', 'feedback_case', 'agency']);
  const d = drill.key === key ? drill.value : null;
  const name = lang === 'en' ? ind.en : ind.vi;
  const bars = useMemo(() => (d && d.rows.some((r) => r.value != null) ? drillOption(d, ind, lang) : null), [d, ind, lang]);
  const trend = useMemo(() => (tile.trend.some((p) => p.value != null) ? trendOption(tile, ind, lang) : null), [tile, ind, lang]);
  const rowCount = d?.rows.length ?? 5;

  return (
    <section className="kpi-panel kpi-drill" data-testid="kpi-drill" data-indicator={ind.code} data-by={by} data-code-list={codeList}>
      <header className="kpi-panel-head">
        <h2>{t(by === 'agency' ? 'kpi.drill.titleAgency' : 'kpi.drill.title', { indicator: name })}</h2>
        <div className="kpi-seg" role="group">
          <button type="button" aria-pressed={by === 'unit' && codeList === 'vn-2025'} data-testid="drill-2025" onClick={() => (setBy('unit'), setCodeList('vn-2025'))}>
            {t('kpi.drill.list2025')}
          </button>
          <button type="button" aria-pressed={by === 'unit' && codeList === 'vn-2019'} data-testid="drill-2019" onClick={() => (setBy('unit'), setCodeList('vn-2019'))}>
            {t('kpi.drill.list2019')}
          </button>
          {BY_AGENCY.has(ind.code) && (
            <button type="button" aria-pressed={by === 'agency'} data-testid="drill-agency" onClick={() => setBy('agency')}>
              {t('kpi.drill.byAgency')}
            </button>
          )}
        </div>
      </header>
      {d?.note === 'pre_merger_only' && <p className="kpi-note">{t('kpi.drill.preMerger', { period: formatPeriod(d.period, t) })}</p>}
      {drill.error && <p className="error">{drill.error}</p>}
      {d && !bars && <p className="muted kpi-note" data-testid="drill-empty">{by === 'agency' ? t('kpi.drill.noData') : t('kpi.drill.noData')}</p>}
      {bars && (
        <Suspense fallback={<div className="kpi-chart" />}>
          <EChart option={bars} className="kpi-chart kpi-chart-bars" testId="drill-chart" />
        </Suspense>
      )}
      {/* The same figures as text: screen readers, tests, and the operator who wants the number. */}
      <ol className="sr-only" data-testid="drill-rows" data-rows={rowCount}>
        {d?.rows.map((r) => (
          <li key={r.id} data-unit={r.id} data-value={r.value ?? ''} data-state={r.state}>
            {r.name}: {formatValue(r.value, ind.unit, lang)}
          </li>
        ))}
      </ol>
      {d && (
        <p className="kpi-asof">
          {d.district && d.district.value != null ? `${t('kpi.drill.districtLine')}: ${formatValue(d.district.value, ind.unit, lang)}${ind.unit === '%' ? ' %' : ''} · ` : ''}
          {formatPeriod(d.period, t)} · {t('kpi.asOf')} {formatAsOf(d.asOf, lang)}
        </p>
      )}
      {trend && (
        <Suspense fallback={<div className="kpi-chart" />}>
          <EChart option={trend} className="kpi-chart kpi-chart-trend" testId="trend-chart" />
        </Suspense>
      )}
    </section>
  );
}
