import { useTranslation } from 'react-i18next';
import type { Score766 } from '../../../../shared/contracts';
import { formatAsOf, formatPeriod } from './format';
import { locale } from '../../i18n';

const fmt = (n: number, lang: string) => new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 }).format(n);

/** The Decision 766 score: total, the five groups as bars against their points, and what closing today's dossiers would add. */
export function ScoreCard({ score, onShowDossiers }: { score: Score766; onShowDossiers?: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const total = score.total;
  return (
    <section className="kpi-panel kpi-score" data-testid="score-766" data-total={total ?? ''}>
      <header className="kpi-panel-head">
        <h2>
          {t('kpi.score.title')}{' '}
          <small>
            {formatPeriod(score.period, t)} · {formatAsOf(score.asOf, lang)}
          </small>
        </h2>
        <div className="kpi-score-total">
          {total != null ? (
            <>
              <strong data-testid="score-total">{fmt(total, lang)}</strong>
              <span>{t('kpi.score.of', { max: score.max })}</span>
            </>
          ) : score.partialMax > 0 ? (
            <span className="warn">{t('kpi.score.partial', { partial: fmt(score.partial, lang), max: score.partialMax })}</span>
          ) : (
            <span className="muted">{t('kpi.score.noData')}</span>
          )}
        </div>
      </header>
      <ul className="kpi-groups">
        {score.groups.map((g) => {
          const share = g.points == null ? 0 : Math.max(0, Math.min(1, g.points / g.max));
          const state = g.points == null ? 'none' : share >= 0.9 ? 'green' : share >= 0.75 ? 'amber' : 'red';
          return (
            <li key={g.group} data-group={g.group} data-points={g.points ?? ''}>
              <span className="kpi-group-name">{t(`kpi.score.groups.${g.group}`, { defaultValue: g.group })}</span>
              <span className="kpi-bar">
                <span className={`kpi-bar-fill state-${state}`} style={{ width: `${share * 100}%` }} />
              </span>
              <span className="kpi-group-points">
                {g.points == null ? '—' : fmt(g.points, lang)}/{g.max}
              </span>
            </li>
          );
        })}
      </ul>
      <div className="kpi-whatif" data-testid="what-if">
        {score.whatIf.length === 0 && score.period && <p className="muted">{t('kpi.score.whatIfNone')}</p>}
        {score.whatIf.map((w) => (
          <p key={w.scenario} data-scenario={w.scenario} data-gain={w.gain} data-count={w.count}>
            <button type="button" className="linklike" onClick={onShowDossiers}>
              {t(w.scenario === 'close_due_soon' ? 'kpi.score.whatIfDue' : 'kpi.score.whatIfLate', { count: w.count, gain: (w.gain < 0 ? '−' : '+') + fmt(Math.abs(w.gain), lang) })}
            </button>
          </p>
        ))}
      </div>
    </section>
  );
}
