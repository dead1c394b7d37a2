import { useEffect, useRef, useState } from 'react';
import type { Entity } from '../../../../shared/contracts';
import { api } from '../../api';
import { useConnection } from '../../shell/hooks';

export interface Loaded<T> {
  value: T | null;
  /** The key the value was loaded for: a view never shows one board's figures under another's title. */
  key: string | null;
  error: string | null;
}

/**
 * Load `key`'s data now, again whenever the cache changes for one of `entities`, and after a
 * reconnect. Reloads coalesce: while one is in flight, further changes cause exactly one more (the
 * simulator or a big pull can send many events a second).
 */
export function useKpi<T>(key: string, load: () => Promise<T>, entities: readonly Entity[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ value: null, key: null, error: null });
  const conn = useConnection();
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let inflight = false;
    let again = false;
    const reload = async () => {
      if (inflight) {
        again = true;
        return;
      }
      inflight = true;
      try {
        do {
          again = false;
          try {
            const v = await loadRef.current();
            if (alive) setState({ value: v, key, error: null });
          } catch (err) {
            if (alive) setState((s) => ({ ...s, error: (err as Error).message ?? String(err) }));
          }
        } while (again && alive);
      } finally {
        inflight = false;
      }
    };
    if (conn === 'open') void reload();
    const off = api.data.onChanged(({ entities: touched }) => {
      if (touched.some((e) => entities.includes(e))) void reload();
    });
    return () => {
      alive = false;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conn, key]);
  return state;
}
