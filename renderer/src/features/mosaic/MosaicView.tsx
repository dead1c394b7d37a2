import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { layoutGeometry, withLayout } from '../../../../shared/video/layouts';
import type { MosaicLayoutName } from '../../../../shared/video/mosaic';
import { CameraList } from './CameraList';
import { MosaicGrid } from './MosaicGrid';
import { MosaicToolbar } from './MosaicToolbar';
import { neighbour, type Direction } from './navigation';
import { downloadSnapshot } from './snapshot';
import { useMosaicState } from './useMosaicState';
import { useCameras, useStreamEndpoint, useStreamHealth } from './useStreams';
import { useTour } from './useTour';

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/** Typing in the search box or a form control must not drive the wall; Enter/Space on a focused
 * button or list entry belongs to that control. */
function ownedByControl(e: KeyboardEvent): boolean {
  const el = e.target;
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) return true;
  return (e.key === 'Enter' || e.key === ' ') && (el.tagName === 'BUTTON' || !!el.closest('.camera-list'));
}

/** The live camera mosaic of one display: its saved state, followed live, changed only through main. */
export function MosaicView({ displayId }: { displayId: string }) {
  const { t } = useTranslation();
  const store = useMosaicState(displayId);
  const { state, update, push } = store;
  const endpoint = useStreamEndpoint();
  const health = useStreamHealth();
  const cameraList = useCameras();
  const tour = useTour(store, health, cameraList);
  const [selected, setSelected] = useState(0);
  const [listOpen, setListOpen] = useState(false);
  const videos = useRef(new Map<number, HTMLVideoElement>());

  const cameras = useMemo(() => new Map((cameraList ?? []).map((c) => [c.id, c])), [cameraList]);
  const geometry = useMemo(() => (state ? layoutGeometry(state.layout, state.custom) : null), [state]);
  const onWall = useMemo(() => new Set((state?.tiles ?? []).filter((x): x is string => !!x)), [state]);
  const sel = geometry && selected < geometry.tiles.length ? selected : 0;

  const registerVideo = useCallback((i: number, v: HTMLVideoElement | null) => {
    if (v) videos.current.set(i, v);
    else videos.current.delete(i);
  }, []);
  const onSelect = useCallback((i: number) => setSelected(i), []);
  const onToggleEnlarge = useCallback((i: number) => update((s) => ({ ...s, enlarged: s.enlarged === null ? i : null })), [update]);
  const onDropCamera = useCallback(
    (i: number, cameraId: string) => {
      setSelected(i);
      push(cameraId, i);
    },
    [push],
  );
  const onSwap = useCallback(
    (from: number, to: number) =>
      update((s) => {
        const tiles = [...s.tiles];
        [tiles[from], tiles[to]] = [tiles[to] ?? null, tiles[from] ?? null];
        return { ...s, tiles };
      }),
    [update],
  );
  const onClear = useCallback((i: number) => update((s) => ({ ...s, tiles: s.tiles.map((c, k) => (k === i ? null : c)), enlarged: s.enlarged === i ? null : s.enlarged })), [update]);
  const onLayout = useCallback((layout: MosaicLayoutName, custom?: { rows: number; cols: number }) => update((s) => withLayout(s, layout, custom)), [update]);
  const onPick = useCallback((cameraId: string) => onDropCamera(sel, cameraId), [onDropCamera, sel]);

  useEffect(() => {
    if (!state || !geometry) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || ownedByControl(e)) return;
      const enlarged = state.enlarged;
      if (/^[1-9]$/.test(e.key)) {
        const i = Number(e.key) - 1;
        if (i < geometry.tiles.length) setSelected(i);
      } else if (ARROWS[e.key] && enlarged === null) {
        setSelected(neighbour(geometry, sel, ARROWS[e.key]!));
      } else if (e.key === 'Enter' && state.tiles[sel]) {
        update((s) => ({ ...s, enlarged: s.enlarged === null ? sel : null }));
      } else if (e.key === 'Escape' && enlarged !== null) {
        update((s) => ({ ...s, enlarged: null }));
      } else if (e.key === 's' || e.key === 'S') {
        const i = enlarged ?? sel;
        const video = videos.current.get(i);
        const cam = state.tiles[i];
        if (video && cam) void downloadSnapshot(video, cameras.get(cam)?.name ?? cam);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [state, geometry, sel, update, cameras]);

  if (!state || !geometry) {
    return (
      <section className="mosaic" data-testid="view-mosaic" data-view="mosaic">
        <p className={store.error ? 'error' : 'loading'}>{store.error ?? t('mosaic.loading')}</p>
      </section>
    );
  }

  return (
    <section className={`mosaic${listOpen ? ' with-list' : ''}`} data-testid="view-mosaic" data-view="mosaic" data-display={displayId} data-video={endpoint.status}>
      <MosaicToolbar state={state} onLayout={onLayout} tour={tour} listOpen={listOpen} onToggleList={() => setListOpen((o) => !o)} />
      {(endpoint.status === 'unavailable' || store.error) && (
        <p className="mosaic-banner" role="status" data-testid="mosaic-banner">
          {endpoint.status === 'unavailable' ? t('mosaic.unavailableBanner') : t('mosaic.saveFailed', { message: store.error })}
        </p>
      )}
      <div className="mosaic-body">
        <MosaicGrid
          state={state}
          geometry={geometry}
          cameras={cameras}
          endpoint={endpoint}
          health={health}
          selected={sel}
          onSelect={onSelect}
          onToggleEnlarge={onToggleEnlarge}
          onDropCamera={onDropCamera}
          onSwap={onSwap}
          onClear={onClear}
          registerVideo={registerVideo}
        />
        {listOpen && <CameraList cameras={cameraList} health={health} onWall={onWall} onPick={onPick} />}
      </div>
    </section>
  );
}
