import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MapFeature, WallState } from '../../../../shared/contracts';
import { streamUrl } from '../../../../shared/video/streams';
import { api } from '../../api';
import { DisplaySelect, useDisplayTarget } from '../../shell/DisplaySelect';
import { PushResult, usePush } from '../../shell/usePush';
import { useFrozenDetector } from '../mosaic/useFrozenDetector';
import { useMpegtsPlayer } from '../mosaic/useMpegtsPlayer';
import { useStreamEndpoint } from '../mosaic/useStreams';

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
  const { displays, target, choose } = useDisplayTarget(wall?.resolved, 'mosaic');
  const { busy, result, run } = usePush();

  const push = () => {
    if (!target) return;
    void run(async () => {
      const s = await api.mosaic.pushCamera({ displayId: target.displayId, cameraId: camera.id });
      const text = t('map.popup.sent', { display: target.label, tile: s.tiles.indexOf(camera.id) + 1 });
      return target.view === 'mosaic' ? text : `${text} ${t('map.popup.notShowing', { view: t(`views.${target.view}`) })}`;
    });
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
        <DisplaySelect label={t('map.popup.display')} displays={displays} value={target} onChange={choose} testId="map-push-display" />
        <button type="button" onClick={push} disabled={busy || !target} data-testid="map-push-submit">
          {t('map.popup.showOnWall')}
        </button>
      </div>
      <PushResult result={result} testId="map-push-result" />
    </div>
  );
}
