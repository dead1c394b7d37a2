import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/contracts';
import { formatDateTime } from './format';

/** On every view: the room is working from its cache, since when the data is, and what waits to be sent. */
export function StandbyBanner({ status }: { status: SyncStatus | null }) {
  const { t, i18n } = useTranslation();
  if (!status || status.state !== 'standby' || status.needsLogin) return null;
  return (
    <div className="standby-banner" role="status" data-testid="standby-banner" title={status.reason}>
      <strong>{t('sync.standbyTitle')}</strong>
      <span>{t(`sync.reason.${status.reasonCode}`, { defaultValue: status.reason })}</span>
      <span>
        {t('sync.asOf')}: <strong data-testid="standby-as-of">{formatDateTime(status.asOf, i18n.language)}</strong>
      </span>
      <span data-testid="standby-queued">{t('sync.queuedCount', { count: status.queued })}</span>
    </div>
  );
}
