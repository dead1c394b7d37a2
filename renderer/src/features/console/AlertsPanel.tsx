import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { formatDateTime } from '../../shell/format';
import { useCacheQuery } from '../../shell/hooks';

/** Open alerts from the cache; acknowledging one is an operator action that works offline (outbox). */
export function AlertsPanel() {
  const { t, i18n } = useTranslation();
  const alerts = useCacheQuery(() => api.data.listAlerts({ open: true, limit: 12 }), ['alert']);
  const [error, setError] = useState<string | null>(null);
  const ack = async (alertId: string) => {
    setError(null);
    try {
      await api.data.acknowledgeAlert({ alertId });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div data-testid="alerts-panel">
      <h2>{t('alerts.title')}</h2>
      {error && <p className="error">{error}</p>}
      {alerts && alerts.length === 0 && <p className="muted">{t('alerts.none')}</p>}
      <ul className="alert-list">
        {alerts?.map(({ row, pending }) => (
          <li key={row.id} className={`card alert alert-${row.severity}`} data-testid={`alert-${row.id}`} data-pending={pending}>
            <div>
              <span className={`sev sev-${row.severity}`}>{t(`alerts.severity.${row.severity}`)}</span> <strong>{row.title}</strong>
              <div className="muted">{formatDateTime(row.raisedAt, i18n.language)}</div>
            </div>
            {row.acknowledgedAt ? (
              <span className={pending ? 'pill pill-pending' : 'pill pill-ok'} data-testid="alert-ack-state">
                {pending ? t('alerts.pending') : t('alerts.acknowledged')}
              </span>
            ) : (
              <button onClick={() => ack(row.id)} data-testid="alert-ack">
                {t('alerts.acknowledge')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
