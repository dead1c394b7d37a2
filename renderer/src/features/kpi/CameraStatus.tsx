import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StreamHealth } from '../../../../shared/contracts';
import type { Camera } from '../../../../shared/domain/entities';
import { unitName } from '../../../../shared/kpi/units';
import { api } from '../../api';
import { useCacheQuery } from '../../shell/hooks';

type CamState = 'live' | 'starting' | 'reconnecting' | 'failed' | 'idle' | 'disabled';
const ORDER: Record<CamState, number> = { failed: 0, reconnecting: 1, starting: 2, live: 3, idle: 4, disabled: 5 };

/**
 * Every camera and what this PC's stream hub says about it right now. Cameras nobody watches have
 * no stream ("not open"): the hub pulls a camera only while a tile shows it.
 */
export function CameraStatus() {
  const { t } = useTranslation();
  const cameras = useCacheQuery<Camera[]>(() => api.streams.listCameras(), ['camera']);
  const [health, setHealth] = useState<StreamHealth[] | null>(null);
  useEffect(() => {
    let alive = true;
    api.streams.getHealth().then(
      (h) => alive && setHealth(h),
      () => alive && setHealth([]),
    );
    const off = api.streams.onHealth((h) => setHealth(h));
    return () => {
      alive = false;
      off();
    };
  }, []);
  const rows = useMemo(() => {
    const seen = new Map<string, CamState[]>();
    for (const h of health ?? []) seen.set(h.cameraId, [...(seen.get(h.cameraId) ?? []), h.state]);
    // Either profile live counts as live; otherwise the worst state of its streams.
    const stateOf = (id: string): CamState => {
      const s = seen.get(id);
      if (!s?.length) return 'idle';
      return s.includes('live') ? 'live' : [...s].sort((a, b) => ORDER[a] - ORDER[b])[0];
    };
    const byCam = { get: stateOf };
    return (cameras ?? [])
      .map((c) => ({ c, state: (!c.enabled ? 'disabled' : byCam.get(c.id)) as CamState }))
      .sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.c.name.localeCompare(b.c.name, 'vi'));
  }, [cameras, health]);
  const live = rows.filter((r) => r.state === 'live').length;
  return (
    <section className="kpi-panel kpi-cameras" data-testid="camera-status">
      <header className="kpi-panel-head">
        <h2>{t('kpi.cameras.title')}</h2>
        <strong className="kpi-count">{t('kpi.cameras.summary', { live, total: rows.length })}</strong>
      </header>
      <ol className="kpi-items kpi-cam-list">
        {rows.map(({ c, state }) => (
          <li key={c.id} data-camera={c.id} data-state={state}>
            <span className={`kpi-cam-dot cam-${state}`} aria-hidden="true" />
            <span className="kpi-item-main">
              <strong>{c.name}</strong>
              <span className="kpi-item-detail">
                {t(`kpi.cameras.groups.${c.group}`)}
                {c.unitId ? ` · ${unitName(c.unitId)}` : ''}
              </span>
            </span>
            <span className={`kpi-cam-state cam-${state}`}>{t(`kpi.cameras.state.${state}`)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
