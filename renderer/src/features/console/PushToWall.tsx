import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WallState } from '../../../../shared/contracts';
import { tileCount } from '../../../../shared/video/layouts';
import type { MosaicState } from '../../../../shared/video/mosaic';
import { api } from '../../api';
import { DisplaySelect, useDisplayTarget } from '../../shell/DisplaySelect';
import { useCacheQuery } from '../../shell/hooks';
import { PushResult, usePush } from '../../shell/usePush';
import { matchesCamera } from '../mosaic/search';

/**
 * Console panel: send a camera to a wall display's mosaic (`mosaic:pushCamera`). Displays showing
 * the mosaic come first; a camera pushed to a display showing another view waits in its mosaic.
 */
export function PushToWall({ wall }: { wall: WallState }) {
  const { t } = useTranslation();
  const cameras = useCacheQuery(() => api.streams.listCameras(), ['camera']);
  const [query, setQuery] = useState('');
  const [cameraId, setCameraId] = useState('');
  const { displays, target, choose } = useDisplayTarget(wall.resolved, 'mosaic');
  const [tile, setTile] = useState('');
  const [mosaic, setMosaic] = useState<MosaicState | null>(null);
  const { busy, result, run } = usePush();

  const hits = useMemo(() => (cameras ?? []).filter((c) => matchesCamera(c, query)), [cameras, query]);
  const chosen = hits.find((c) => c.id === cameraId) ?? hits[0];

  // The target's current mosaic: how many tiles it has, and what each shows.
  const targetId = target?.displayId;
  useEffect(() => {
    if (!targetId) return;
    let alive = true;
    api.mosaic.getState({ displayId: targetId }).then((s) => alive && setMosaic(s), () => alive && setMosaic(null));
    const off = api.mosaic.onState((s) => s.displayId === targetId && setMosaic(s));
    return () => {
      alive = false;
      off();
    };
  }, [targetId]);
  const tiles = mosaic && mosaic.displayId === targetId ? tileCount(mosaic.layout, mosaic.custom) : 0;
  const name = (id: string | null | undefined) => (id ? (cameras?.find((c) => c.id === id)?.name ?? id) : '');

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!chosen || !target) return;
    void run(
      async () => {
        const s = await api.mosaic.pushCamera({ displayId: target.displayId, cameraId: chosen.id, tile: tile === '' ? undefined : Number(tile) });
        const at = s.tiles.indexOf(chosen.id);
        const text = t('mosaic.push.done', { camera: chosen.name, tile: at + 1, display: target.label });
        return target.view === 'mosaic' ? text : `${text} ${t('mosaic.push.notShowing', { view: t(`views.${target.view}`) })}`;
      },
      (message) => t('console.error', { message }),
    );
  };

  return (
    <form className="card push-to-wall" data-testid="push-to-wall" onSubmit={submit}>
      <h2>{t('mosaic.push.title')}</h2>
      <label>
        {t('mosaic.push.camera')}
        <input type="search" value={query} placeholder={t('mosaic.search')} onChange={(e) => setQuery(e.target.value)} data-testid="push-camera-search" />
        <select size={Math.min(6, Math.max(2, hits.length))} value={chosen?.id ?? ''} onChange={(e) => setCameraId(e.target.value)} data-testid="push-camera">
          {hits.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <div className="push-row">
        <DisplaySelect
          label={t('mosaic.push.display')}
          displays={displays}
          value={target}
          onChange={(id) => {
            choose(id);
            setTile('');
          }}
          testId="push-display"
        />
        <label>
          {t('mosaic.push.tile')}
          <select value={tile} onChange={(e) => setTile(e.target.value)} data-testid="push-tile">
            <option value="">{t('mosaic.push.auto')}</option>
            {Array.from({ length: tiles }, (_, i) => (
              <option key={i} value={i}>
                {i + 1}
                {mosaic?.tiles[i] ? ` — ${name(mosaic.tiles[i])}` : ` — ${t('mosaic.push.empty')}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit" disabled={busy || !chosen || !target} data-testid="push-submit">
        {t('mosaic.push.submit')}
      </button>
      <PushResult result={result} testId="push-result" />
    </form>
  );
}
