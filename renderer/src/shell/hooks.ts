import { useEffect, useState } from 'react';
import type { DataSummary, Entity, ServiceHealth, SyncStatus, WallState } from '../../../shared/contracts';
import { api, connectionState, onConnectionState, type ConnectionState } from '../api';

export function useConnection(): ConnectionState {
  const [state, setState] = useState<ConnectionState>(connectionState());
  useEffect(() => {
    const off = onConnectionState(setState);
    setState(connectionState()); // it may have changed between render and subscription
    return off;
  }, []);
  return state;
}

/**
 * Subscribe to a contract event and (re)load the current value on mount and after every reconnect,
 * so a page that lost its connection never keeps showing stale state silently.
 */
export function useLive<T>(load: () => Promise<T>, subscribe: (l: (v: T) => void) => () => void, accept: (prev: T | null, next: T) => boolean = () => true): T | null {
  const [value, setValue] = useState<T | null>(null);
  const conn = useConnection();
  useEffect(() => {
    const apply = (v: T) => setValue((prev) => (accept(prev, v) ? v : prev));
    const off = subscribe(apply);
    if (conn === 'open') load().then(apply, (err) => console.warn('load failed', err));
    return off;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conn]);
  return value;
}

export function useWallState(): WallState | null {
  return useLive(
    () => api.wall.getState(),
    (l) => api.wall.onChanged(l),
    (prev, next) => !prev || next.revision >= prev.revision,
  );
}

export function useHealth(): ServiceHealth[] | null {
  return useLive(
    () => api.system.getHealth(),
    (l) => api.system.onHealth(l),
  );
}

/** Current time, ticking every second. */
export function useNow(intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function useSyncStatus(): SyncStatus | null {
  return useLive(
    () => api.sync.getStatus(),
    (l) => api.sync.onStatus(l),
  );
}

/**
 * Load something from the cache now, and again whenever the cache changes for one of `entities`
 * (or after a reconnect). Returns null until the first load.
 */
export function useCacheQuery<T>(load: () => Promise<T>, entities: readonly Entity[] | 'all', deps: unknown[] = []): T | null {
  const [value, setValue] = useState<T | null>(null);
  const conn = useConnection();
  useEffect(() => {
    let alive = true;
    const reload = () =>
      load().then(
        (v) => alive && setValue(v),
        (err) => console.warn('cache query failed', err),
      );
    if (conn === 'open') void reload();
    const off = api.data.onChanged(({ entities: touched }) => {
      if (entities === 'all' || touched.some((e) => entities.includes(e))) void reload();
    });
    return () => {
      alive = false;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conn, ...deps]);
  return value;
}

export function useDataSummary(): DataSummary | null {
  return useCacheQuery(() => api.data.summary(), 'all');
}
