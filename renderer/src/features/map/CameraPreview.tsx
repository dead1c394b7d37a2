import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MapFeature, WallState } from '../../../../shared/contracts';
import { streamUrl } from '../../../../shared/video/streams';
import { api } from '../../api';
import { useFrozenDetector } from '../mosaic/useFrozenDetector';
import { useMpegtsPlayer } from '../mosaic/useMpegtsPlayer';
import { useStreamEndpoint } from '../mosaic/useStreams';

type Result = { ok: boolean; text: string };

/**
 * A camera's popup on the map: its live sub-stream (the mosaic's player, so it shares the one
 * ffmpeg pull with every tile) and "show on wall" onto a chosen display's mosaic.
 */
export function CameraPreview({ camera, wall }: { camera: MapFeature; wall: WallState | null }) {
  const { t } = useTranslation();
  const endpoint = useStreamEndpoint();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const url = endpoint.status === 'ready' ? streamUrl(endpoint.endpoint, camera.id, 'sub') : null;
  const player = useMpegtsPlayer(video, url, 0);
  const { reload } = player;
  const onFrozen = useCallback(() => reload('frozen frame'), [reload]);
  const onStalled = useCallback(() => reload('no data'), [reload]);
  const frames = useFrozenDetector(video, { generation: player.generation, receiving: player.kbps > 0, onFrozen, onStalled });

  // Displays showing the mosaic first: that is where a camera is expected to go.
  const displays = useMemo(() => [...(wall?.resolved ?? [])].sort((a, b) => Number(b.view === 'mosaic') - Number(a.view === 'mosaic')), [wall]);
  const [displayId, setDisplayId] = useState('');
  const target = displays.find((d) => d.displayId === displayId) ?? displays[0];
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);

  const push = async () => {
    if (!target) return;
    setBusy(true);
    setResult(null);
    try {
      const s = await api.mosaic.pushCamera({ displayId: target.displayId, cameraId: camera.id });
      const text = t('map.popup.sent', { display: target.label, tile: s.tiles.indexOf(camera.id) + 1 });
      setResult({ ok: true, text: target.view === 'mosaic' ? text : `${text} ${t('map.popup.notShowing', { view: t(`views.${target.view}`) })}` });
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const state = String(camera.props.state ?? 'idle');
  return (
    <div className="map-popup-body" data-testid="map-camera-popup" data-camera={camera.id}>
      <strong className="map-popup-title">{String(camera.props.name ?? camera.id)}</strong>
      <span className={`map-state map-state-${state}`}>{t(`map.camState.${state}`)}</span>
      <div className="map-preview">
        {url ? (
          <video ref={setVideo} muted autoPlay playsInline disablePictureInPicture data-testid="map-preview-video" data-frames={frames.frames} />
        ) : (
          <span className="muted">{endpoint.status === 'unavailable' ? t('map.popup.noVideo') : t('map.loading')}</span>
        )}
      </div>
      <div className="map-popup-row">
        <label>
          {t('map.popup.display')}{' '}
          <select value={target?.displayId ?? ''} onChange={(e) => setDisplayId(e.target.value)} data-testid="map-push-display">
            {displays.map((d) => (
              <option key={d.displayId} value={d.displayId}>
                {d.label} — {t(`views.${d.view}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={push} disabled={busy || !target} data-testid="map-push-submit">
          {t('map.popup.showOnWall')}
        </button>
      </div>
      {result && (
        <p className={result.ok ? 'push-ok' : 'error'} role="status" data-testid="map-push-result">
          {result.text}
        </p>
      )}
    </div>
  );
}
