import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/contracts';
import { formatTime } from './format';

/** Status bar: sync state with its reason, "as of", queued and rejected counts. */
export function SyncPill({ status }: { status: SyncStatus | null }) {
  const { t, i18n } = useTranslation();
  if (!status) return null;
  return (
    <div className="sync-status" data-testid="sync-status" data-state={status.state} title={status.reason}>
      <span className={`pill pill-sync-${status.state}`} data-testid="sync-state">
        {t(`sync.state.${status.state}`)}
      </span>
      <span className="sync-facts">
        <span data-testid="sync-as-of">
          {t('sync.asOf')} {formatTime(status.asOf, i18n.language)}
        </span>
        <span className={status.queued ? 'warn' : 'muted'} data-testid="sync-queued">
          {t('sync.queued')} {status.queued}
        </span>
        <span className={status.rejected ? 'bad' : 'muted'} data-testid="sync-rejected">
          {t('sync.rejected')} {status.rejected}
        </span>
      </span>
    </div>
  );
}
