import { useTranslation } from 'react-i18next';
import type { ServiceHealth, SyncStatus, ViewId } from '../../../shared/contracts';
import { setLanguage } from '../i18n';
import { displayId } from '../api';
import { Clock } from './Clock';
import { useConnection } from './hooks';
import { SyncPill } from './SyncPill';

export function StatusBar({ view, health, sync }: { view: ViewId | null; health: ServiceHealth[] | null; sync: SyncStatus | null }) {
  const { t, i18n } = useTranslation();
  const conn = useConnection();
  const problems = (health ?? []).filter((h) => h.state === 'degraded' || h.state === 'down');
  return (
    <header className="status-bar" data-testid="status-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          IOC
        </span>
        <div className="brand-text">
          <strong>{t('app.district')}</strong>
          <span>
            {displayId ? t('status.display', { id: displayId }) : t('status.noDisplay')}
            {view ? ` · ${t(`views.${view}`)}` : ''}
          </span>
        </div>
      </div>
      <div className="status-items">
        <SyncPill status={sync} />
        <span className={`pill pill-${conn}`} data-testid="connection" data-state={conn}>
          {t(`status.${conn}`)}
        </span>
        {health && (
          <span className={`pill ${problems.length ? 'pill-degraded' : 'pill-ok'}`} data-testid="health-summary" title={problems.map((p) => `${p.name}: ${p.detail}`).join('\n')}>
            {problems.length ? t('status.servicesProblem', { count: problems.length }) : t('status.servicesOk')}
          </span>
        )}
        <button className="lang" onClick={() => setLanguage(i18n.language === 'vi' ? 'en' : 'vi')} data-testid="language-toggle">
          {t('status.language')}
        </button>
        <Clock />
      </div>
    </header>
  );
}
