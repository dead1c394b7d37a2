import { useTranslation } from 'react-i18next';
import { ENTITIES } from '../../../../shared/domain/entities';
import { formatDateTime } from '../../shell/format';
import { useDataSummary } from '../../shell/hooks';
import { locale } from '../../i18n';

/** What the local cache holds: the data every view works from, online or in standby. */
export function DataPanel() {
  const { t, i18n } = useTranslation();
  const summary = useDataSummary();
  if (!summary) return null;
  return (
    <div data-testid="data-panel">
      <h2>{t('data.title')}</h2>
      <p className="muted">
        {t('sync.asOf')} {formatDateTime(summary.asOf, i18n.language)}
      </p>
      <dl className="facts counts">
        {ENTITIES.map((e) => (
          <div key={e} className="count" data-testid={`count-${e}`}>
            <dt>{t(`entities.${e}`)}</dt>
            <dd>{(summary.counts[e] ?? 0).toLocaleString(locale(i18n.language))}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
