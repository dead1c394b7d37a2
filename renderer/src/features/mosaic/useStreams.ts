import { useEffect, useMemo, useState } from 'react';
import type { Camera } from '../../../../shared/domain/entities';
import type { StreamHealth, StreamProfile } from '../../../../shared/video/streams';
import { api } from '../../api';
import { useCacheQuery, useConnection } from '../../shell/hooks';

export type Endpoint = { baseUrl: string; token: string };
export type EndpointState = { status: 'loading' } | { status: 'ready'; endpoint: Endpoint } | { status: 'unavailable'; message: string };

/** While the video service is down, ask again this often (it may come up after the page). */
const ENDPOINT_RETRY_MS = 5000;

/** The stream server's address; 'unavailable' (not an endless spinner) when main has no video service. */
export function useStreamEndpoint(): EndpointState {
  const [state, setState] = useState<EndpointState>({ status: 'loading' });
  const conn = useConnection();
  useEffect(() => {
    if (conn !== 'open') return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () =>
      api.streams.getEndpoint().then(
        (endpoint) => {
          if (!alive) return;
          setState((prev) => (prev.status === 'ready' && prev.endpoint.baseUrl === endpoint.baseUrl && prev.endpoint.token === endpoint.token ? prev : { status: 'ready', endpoint }));
        },
        (e: Error) => {
          if (!alive) return;
          setState({ status: 'unavailable', message: e.message });
          timer = setTimeout(ask, ENDPOINT_RETRY_MS);
        },
      );
    void ask();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [conn]);
  return state;
}

export const healthKey = (cameraId: string, profile: StreamProfile) => `${cameraId}/${profile}`;

/** Every stream's health by `cameraId/profile`, from the snapshot and the `streams:health` event. */
export function useStreamHealth(): Map<string, StreamHealth> {
  const [list, setList] = useState<StreamHealth[]>([]);
  const conn = useConnection();
  useEffect(() => {
    const off = api.streams.onHealth(setList);
    if (conn === 'open') api.streams.getHealth().then(setList, () => {}); // unavailable: tiles say so already
    return off;
  }, [conn]);
  return useMemo(() => new Map(list.map((h) => [healthKey(h.cameraId, h.profile), h])), [list]);
}

/** Is the camera worth showing on a tour step? Known-bad streams are skipped; never-pulled ones (no
 * health yet, or idle: streams start on their first viewer) cannot be judged, so they are tried. */
export function cameraLooksLive(health: Map<string, StreamHealth>, cameraId: string): boolean {
  const states = (['sub', 'main'] as const).map((p) => health.get(healthKey(cameraId, p))?.state);
  if (states.includes('live')) return true;
  return !states.some((s) => s === 'failed' || s === 'reconnecting');
}

/** Cameras in display order, reloaded when the cache's camera rows change. */
export function useCameras(): Camera[] | null {
  return useCacheQuery(() => api.streams.listCameras(), ['camera']);
}
