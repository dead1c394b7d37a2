import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WallState } from '../../../../shared/contracts';
import { tileCount } from '../../../../shared/video/layouts';
import type { MosaicState } from '../../../../shared/video/mosaic';
import { api } from '../../api';
import { useCacheQuery } from '../../shell/hooks';
import { matchesCamera } from '../mosaic/search';

type Result = { ok: true; text: string } | { ok: false; text: string };

/**
 * Console panel: send a camera to a wall display's mosaic (`mosaic:pushCamera`). Displays showing
 * the mosaic come first; a camera pushed to a display showing another view waits in its mosaic.
 */
export function PushToWall({ wall }: { wall: WallState }) {
  const { t } = useTranslation();
  const cameras = useCacheQuery(() => api.streams.listCameras(), ['camera']);
  const [query, setQuery] = useState('');
  const [cameraId, setCameraId] = useState('');
  const displays = useMemo(() => [...wall.resolved].sort((a, b) => Number(b.view === 'mosaic') - Number(a.view === 'mosaic')), [wall.resolved]);
  const [displayId, setDisplayId] = useState('');
  const target = displays.find((d) => d.displayId === displayId) ?? displays[0];
  const [tile, setTile] = useState('');
  const [mosaic, setMosaic] = useState<MosaicState | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);

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

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!chosen || !target) return;
    setBusy(true);
    setResult(null);
    try {
      const s = await api.mosaic.pushCamera({ displayId: target.displayId, cameraId: chosen.id, tile: tile === '' ? undefined : Number(tile) });
      const at = s.tiles.indexOf(chosen.id);
      const text = t('mosaic.push.done', { camera: chosen.name, tile: at + 1, display: target.label });
      setResult({ ok: true, text: target.view === 'mosaic' ? text : `${text} ${t('mosaic.push.notShowing', { view: t(`views.${target.view}`) })}` });
    } catch (err) {
      setResult({ ok: false, text: t('console.error', { message: (err as Error).message }) });
    } finally {
      setBusy(false);
    }
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
        <label>
          {t('mosaic.push.display')}
          <select value={target?.displayId ?? ''} onChange={(e) => {
              setDisplayId(e.target.value);
              setTile('');
            }} data-testid="push-display">
            {displays.map((d) => (
              <option key={d.displayId} value={d.displayId}>
                {d.label} — {t(`views.${d.view}`)}
              </option>
            ))}
          </select>
        </label>
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
      {result && (
        <p className={result.ok ? 'push-ok' : 'error'} role="status" data-testid="push-result">
          {result.text}
        </p>
      )}
    </form>
  );
}
