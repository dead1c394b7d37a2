import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VIEW_IDS, type ViewId } from '../../../shared/contracts';
import { displayId } from '../api';
import { BriefingView } from '../features/briefing/BriefingView';
import { ConsoleView } from '../features/console/ConsoleView';
import { FeedbackView } from '../features/feedback/FeedbackView';
import { KpiView } from '../features/kpi/KpiView';
import { MosaicView } from '../features/mosaic/MosaicView';
import { useConnection, useHealth, useSyncStatus, useWallState } from './hooks';
import { LoginView } from './LoginView';
import { StandbyBanner } from './StandbyBanner';
import { StatusBar } from './StatusBar';

// MapLibre is a megabyte of code: it is not in the first paint of any page. A wall display may be
// switched to the map at any moment, so its page fetches and compiles the chunk once it is idle
// (the switch is then immediate: the operator's "display follows within 1 s").
// Once the chunk is in, the view is rendered directly, not through `lazy`: a lazy component suspends
// on its first render even when its chunk is loaded, and React 19 holds the reveal of suspended
// content up to 300 ms after its fallback (measured: the switch took 1,204 ms on a loaded CI runner).
let mapModule: typeof import('../features/map/MapView') | null = null;
const loadMapView = () => import('../features/map/MapView').then((m) => (mapModule = m));
const LazyMapView = lazy(() => loadMapView().then((m) => ({ default: m.MapView })));
/**
 * The map view, directly when its chunk is in, else through `lazy`. The choice is made once per
 * mount: switching from the lazy element to the direct one on a later render would unmount the map
 * and build a new one (a map page opened cold would reload its map on the next status change).
 */
function MapSlot() {
  const { t } = useTranslation();
  const [loaded] = useState(() => mapModule);
  return loaded ? (
    <loaded.MapView />
  ) : (
    <Suspense fallback={<p className="loading">{t('map.loading')}</p>}>
      <LazyMapView />
    </Suspense>
  );
}
function useWarmMapChunk(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const warm = () => void loadMapView().catch(() => {}); // a failure shows when the view is opened
    if (typeof requestIdleCallback === 'function') {
      const h = requestIdleCallback(warm, { timeout: 5000 });
      return () => cancelIdleCallback(h);
    }
    const h = setTimeout(warm, 2000);
    return () => clearTimeout(h);
  }, [enabled]);
}

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
  useWarmMapChunk(!!displayId && !pinnedView && view !== null && view !== 'map');

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
          <MapSlot />
        ) : view === 'feedback' ? (
          <FeedbackView layout={resolved?.layout} />
        ) : view === 'kpi' ? (
          <KpiView layout={resolved?.layout} />
        ) : view === 'briefing' ? (
          <BriefingView />
        ) : null}
      </main>
    </div>
  );
}
