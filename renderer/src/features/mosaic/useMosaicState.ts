import { useCallback, useEffect, useRef, useState } from 'react';
import { placeCamera } from '../../../../shared/video/layouts';
import type { MosaicState } from '../../../../shared/video/mosaic';
import { api } from '../../api';
import { useConnection } from '../../shell/hooks';

export interface MosaicStore {
  state: MosaicState | null;
  error: string | null;
  /** Apply a change now (optimistic) and save it through main; main's answer (or event) wins. */
  update(change: (s: MosaicState) => MosaicState): void;
  /** Put a camera on a tile through `mosaic:pushCamera` (the same path the console uses). */
  push(cameraId: string, tile?: number): void;
}

/**
 * This display's mosaic: loaded on mount and after every reconnect, followed live through
 * `mosaic:state` (which is broadcast for every display, so we keep only ours).
 */
export function useMosaicState(displayId: string): MosaicStore {
  const [state, setState] = useState<MosaicState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = useRef<MosaicState | null>(null);
  // Quick successive changes (layout, then tour start…) must not flip the wall back and forth as
  // their answers arrive: only the newest write's answer is applied.
  const writeSeq = useRef(0);
  const pending = useRef(0);
  const conn = useConnection();

  const accept = useCallback((s: MosaicState) => {
    current.current = s;
    setState(s);
  }, []);

  const reload = useCallback(() => {
    api.mosaic.getState({ displayId }).then(accept, (e: Error) => setError(e.message));
  }, [displayId, accept]);

  useEffect(() => {
    const off = api.mosaic.onState((s) => {
      // While our own writes are in flight, events echo older states: the last write's answer decides.
      if (s.displayId === displayId && pending.current === 0) accept(s);
    });
    // Until a display is saved, main derives its mosaic from the cached cameras, which may arrive
    // after this page loaded (first sync): ask again when the camera rows change.
    const offData = api.data.onChanged(({ entities }) => {
      if (entities.includes('camera') && pending.current === 0) reload();
    });
    if (conn === 'open') reload();
    return () => {
      off();
      offData();
    };
  }, [conn, displayId, accept, reload]);

  const save = useCallback(
    (p: Promise<MosaicState>) => {
      const seq = ++writeSeq.current;
      pending.current += 1;
      return p.then(
        (s) => {
          pending.current -= 1;
          if (seq !== writeSeq.current) return;
          setError(null);
          accept(s);
        },
        (e: Error) => {
          pending.current -= 1;
          if (seq !== writeSeq.current) return;
          setError(e.message);
          reload(); // undo the optimistic change
        },
      );
    },
    [accept, reload],
  );

  const update = useCallback(
    (change: (s: MosaicState) => MosaicState) => {
      const prev = current.current;
      if (!prev) return;
      const next = change(prev);
      if (next === prev) return;
      accept(next);
      void save(api.mosaic.setState(next));
    },
    [accept, save],
  );

  const push = useCallback(
    (cameraId: string, tile?: number) => {
      if (current.current) accept(placeCamera(current.current, cameraId, tile)); // shows at once: the rule main applies too
      void save(api.mosaic.pushCamera({ displayId, cameraId, tile }));
    },
    [displayId, accept, save],
  );

  return { state, error, update, push };
}
