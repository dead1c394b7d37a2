import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../../shared/contracts';
import { api } from '../../api';
import { formatDateTime } from '../../shell/format';
import { useCacheQuery } from '../../shell/hooks';

/** Sync state in words, and the rejected commands with retry / discard (they never block the queue). */
export function SyncPanel({ status }: { status: SyncStatus | null }) {
  const { t, i18n } = useTranslation();
  const rejected = useCacheQuery(() => api.sync.listRejected(), 'all', [status?.rejected]);
  if (!status) return null;
  return (
    <div data-testid="sync-panel">
      <h2>{t('sync.title')}</h2>
      <dl className="facts">
        <dt>{t('sync.stateLabel')}</dt>
        <dd>
          <span className={`pill pill-sync-${status.state}`}>{t(`sync.state.${status.state}`)}</span>{' '}
          <span className="muted">{t(`sync.reason.${status.reasonCode}`, { defaultValue: status.reason })}</span>
        </dd>
        <dt>{t('sync.server')}</dt>
        <dd>
          {status.serverUrl ?? '—'} {status.embedded && <span className="tag">{t('sync.embedded')}</span>}
        </dd>
        <dt>{t('sync.user')}</dt>
        <dd>{status.user ? `${status.user.displayName} (${t(`roles.${status.user.role}`)})` : '—'}</dd>
        <dt>{t('sync.asOf')}</dt>
        <dd data-testid="sync-panel-as-of">{formatDateTime(status.asOf, i18n.language)}</dd>
        <dt>{t('sync.queued')}</dt>
        <dd data-testid="sync-panel-queued">{status.queued}</dd>
      </dl>
      {rejected && rejected.length > 0 && (
        <>
          <h2>{t('sync.rejectedTitle')}</h2>
          <ul className="rejected-list" data-testid="rejected-list">
            {rejected.map((r) => (
              <li key={r.mutationId} className="card">
                <div>
                  <strong>{t(`commands.${r.name}`, { defaultValue: r.name })}</strong> · {formatDateTime(r.createdAt, i18n.language)}
                  <div className="bad">{r.reason}</div>
                </div>
                <div className="row-actions">
                  <button onClick={() => api.sync.retryRejected({ mutationId: r.mutationId })}>{t('sync.retry')}</button>
                  <button onClick={() => api.sync.discardRejected({ mutationId: r.mutationId })}>{t('sync.discard')}</button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
