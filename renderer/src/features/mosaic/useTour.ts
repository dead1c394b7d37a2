import { useCallback, useEffect, useRef } from 'react';
import type { Camera } from '../../../../shared/domain/entities';
import { tileCount } from '../../../../shared/video/layouts';
import type { MosaicState } from '../../../../shared/video/mosaic';
import type { StreamHealth } from '../../../../shared/video/streams';
import type { MosaicStore } from './useMosaicState';
import { cameraLooksLive } from './useStreams';

export const DEFAULT_DWELL_SEC = 20;
type Step = NonNullable<MosaicState['tour']>['steps'][number];

const sameCameras = (tiles: (string | null)[], ids: string[]) => ids.length > 0 && ids.every((id, i) => tiles[i] === id);

/** A step's tiles: its cameras minus those known to be down, the rest of the layout empty. */
function stepTiles(state: MosaicState, step: Step, health: Map<string, StreamHealth>): string[] {
  return step.cameraIds.filter((id) => cameraLooksLive(health, id)).slice(0, tileCount(state.layout, state.custom));
}

export interface TourControls {
  running: boolean;
  steps: number;
  start(): void;
  stop(): void;
  /** Append the cameras on the wall now as a step. */
  addStep(): void;
  clear(): void;
}

/**
 * Camera tours: the steps live in the display's MosaicState (saved, shared with the console), and
 * the display's page advances them. The next step is derived from what is on the wall, not from a
 * local counter, so two pages showing the same display compute the same next state (idempotent).
 */
export function useTour(store: MosaicStore, health: Map<string, StreamHealth>, cameras: Camera[] | null): TourControls {
  const { state, update } = store;
  const healthRef = useRef(health);
  useEffect(() => {
    healthRef.current = health;
  });
  const running = !!state?.tour?.running && (state.tour.steps.length ?? 0) > 0;

  const advance = useCallback(() => {
    update((s) => {
      const steps = s.tour?.steps ?? [];
      if (!s.tour?.running || !steps.length) return s;
      const cur = steps.findIndex((st) => sameCameras(s.tiles, stepTiles(s, st, healthRef.current)));
      for (let k = 1; k <= steps.length; k++) {
        const step = steps[(cur + k) % steps.length]!;
        const ids = stepTiles(s, step, healthRef.current);
        if (!ids.length) continue; // every camera of this step is down: skip it
        const n = tileCount(s.layout, s.custom);
        return { ...s, enlarged: null, tiles: Array.from({ length: n }, (_, i) => ids[i] ?? null) };
      }
      return s;
    });
  }, [update]);

  // Dwell on the current step, then advance; any change of the tiles restarts the dwell.
  const tiles = state?.tiles.join('|');
  useEffect(() => {
    if (!running || !state?.tour) return;
    const steps = state.tour.steps;
    const cur = steps.findIndex((st) => sameCameras(state.tiles, stepTiles(state, st, healthRef.current)));
    const dwell = (steps[cur] ?? steps[0])!.dwellSec;
    const timer = setTimeout(advance, cur < 0 ? 0 : dwell * 1000);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the tiles' content, not the object
  }, [running, tiles, state?.tour?.steps, advance]);

  const start = useCallback(() => {
    update((s) => {
      let steps = s.tour?.steps ?? [];
      if (!steps.length) {
        // No tour defined yet: visit every enabled camera, one layout-full at a time.
        const n = tileCount(s.layout, s.custom);
        const ids = (cameras ?? []).filter((c) => c.enabled).map((c) => c.id);
        steps = [];
        for (let i = 0; i < ids.length; i += n) steps.push({ cameraIds: ids.slice(i, i + n), dwellSec: DEFAULT_DWELL_SEC });
      }
      if (!steps.length) return s;
      return { ...s, tour: { steps, running: true } };
    });
  }, [update, cameras]);

  const stop = useCallback(() => update((s) => (s.tour ? { ...s, tour: { ...s.tour, running: false } } : s)), [update]);
  const addStep = useCallback(
    () =>
      update((s) => {
        const ids = s.tiles.filter((x): x is string => !!x);
        if (!ids.length) return s;
        return { ...s, tour: { steps: [...(s.tour?.steps ?? []), { cameraIds: ids, dwellSec: DEFAULT_DWELL_SEC }].slice(0, 100), running: s.tour?.running ?? false } };
      }),
    [update],
  );
  const clear = useCallback(() => update((s) => ({ ...s, tour: undefined })), [update]);

  return { running, steps: state?.tour?.steps.length ?? 0, start, stop, addStep, clear };
}
