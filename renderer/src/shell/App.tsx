import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { VIEW_IDS, type ViewId } from '../../../shared/contracts';
import { displayId } from '../api';
import { ConsoleView } from '../features/console/ConsoleView';
import { FeedbackView } from '../features/feedback/FeedbackView';
import { KpiView } from '../features/kpi/KpiView';
import { MosaicView } from '../features/mosaic/MosaicView';
import { EmptyState } from './EmptyState';
import { useConnection, useHealth, useSyncStatus, useWallState } from './hooks';
import { LoginView } from './LoginView';
import { StandbyBanner } from './StandbyBanner';
import { StatusBar } from './StatusBar';

// MapLibre is a megabyte of code: only pages that show the map load it.
const MapView = lazy(() => import('../features/map/MapView').then((m) => ({ default: m.MapView })));

/** `?view=` pins a page to one view (an operator's laptop); otherwise the wall profile decides. */
const pinned = new URLSearchParams(location.search).get('view');
const pinnedView: ViewId | null = (VIEW_IDS as readonly string[]).includes(pinned ?? '') ? (pinned as ViewId) : null;

export function App() {
  const { t } = useTranslation();
  const wall = useWallState();
  const health = useHealth();
  const conn = useConnection();
  const sync = useSyncStatus();

  const resolved = displayId ? wall?.resolved.find((r) => r.displayId === displayId) : undefined;
  const view: ViewId | null = pinnedView ?? (displayId ? (resolved?.view ?? null) : wall ? 'console' : null);

  useEffect(() => {
    if (!view) return;
    document.title = `${t(`views.${view}`)} · IOC Wall`;
    document.body.dataset.view = view;
    if (!document.documentElement.dataset.ready) {
      document.documentElement.dataset.ready = 'true';
      performance.mark('ioc:interactive');
    }
  }, [view, t]);

  return (
    <div className="shell" data-connection={conn} data-sync={sync?.state ?? ''}>
      <StatusBar view={view} health={health} sync={sync} />
      <StandbyBanner status={sync} />
      <main className="view" data-testid="view" data-current-view={view ?? ''}>
        {!wall ? (
          <p className="loading">{t(`status.${conn}`)}</p>
        ) : sync?.needsLogin ? (
          <LoginView status={sync} />
        ) : !sync ? (
          <p className="loading">{t(`status.${conn}`)}</p>
        ) : displayId && !resolved && !pinnedView ? (
          <p className="error">{t('errors.unknownDisplay', { id: displayId })}</p>
        ) : view === 'console' ? (
          <ConsoleView wall={wall} health={health} sync={sync} />
        ) : view === 'mosaic' ? (
          // A page pinned to the mosaic without ?display= (an operator's laptop) edits the first display's.
          <MosaicView displayId={displayId ?? wall.displays[0]?.id ?? '1'} />
        ) : view === 'map' ? (
          <Suspense fallback={<p className="loading">{t('map.loading')}</p>}>
            <MapView />
          </Suspense>
        ) : view === 'feedback' ? (
          <FeedbackView layout={resolved?.layout} />
        ) : view === 'kpi' ? (
          <KpiView layout={resolved?.layout} />
        ) : view ? (
          <EmptyState view={view} />
        ) : null}
      </main>
    </div>
  );
}
