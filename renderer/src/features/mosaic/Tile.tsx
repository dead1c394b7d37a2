import { memo, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Camera } from '../../../../shared/domain/entities';
import type { TileArea } from '../../../../shared/video/layouts';
import { streamUrl, type StreamHealth, type StreamProfile } from '../../../../shared/video/streams';
import { DND_CAMERA, DND_TILE, isOurDrag } from './dnd';
import { downloadSnapshot } from './snapshot';
import { tileState } from './tile-state';
import { formatHms, useSecond } from './time';
import { useFrozenDetector } from './useFrozenDetector';
import { useMpegtsPlayer } from './useMpegtsPlayer';
import type { EndpointState } from './useStreams';

export interface TileProps {
  index: number;
  area: TileArea;
  cameraId: string | null;
  camera: Camera | undefined;
  profile: StreamProfile;
  endpoint: EndpointState;
  health: StreamHealth | undefined;
  selected: boolean;
  enlarged: boolean;
  /** Stagger of the first player start (ms). */
  startDelayMs: number;
  onSelect(index: number): void;
  onToggleEnlarge(index: number): void;
  onDropCamera(index: number, cameraId: string): void;
  onSwap(from: number, to: number): void;
  onClear(index: number): void;
  registerVideo(index: number, video: HTMLVideoElement | null): void;
}

/**
 * One mosaic tile. The grid keys it by index + camera + profile, so a camera change or
 * enlarge/shrink mounts a fresh tile: the old player is destroyed with its <video>, and counters and
 * "last frame" times never leak from one camera to another.
 */
export const Tile = memo(function Tile(p: TileProps) {
  const { t } = useTranslation();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [dropping, setDropping] = useState(false);
  const { index, registerVideo } = p;
  const videoRef = useCallback(
    (el: HTMLVideoElement | null) => {
      setVideo(el);
      registerVideo(index, el);
    },
    [index, registerVideo],
  );

  const url = p.cameraId && p.endpoint.status === 'ready' ? streamUrl(p.endpoint.endpoint, p.cameraId, p.profile) : null;
  const player = useMpegtsPlayer(video, url, p.startDelayMs);
  const { reload, markHealthy } = player;
  const onFrozen = useCallback(() => reload('frozen frame'), [reload]);
  const healthState = p.health?.state;
  // While main itself is (re)starting the pull, a silent socket is expected: do not pile reloads on it.
  const onStalled = useCallback(() => {
    if (url && healthState !== 'starting' && healthState !== 'reconnecting') reload('no data');
  }, [reload, healthState, url]);
  const receiving = url !== null && player.status === 'connecting' && (player.kbps > 0 || healthState === 'live');
  const frames = useFrozenDetector(video, { generation: player.generation, receiving, onFrozen, onStalled });
  const now = useSecond();
  const state = tileState({
    hasCamera: !!p.cameraId,
    endpoint: p.endpoint.status,
    health: p.health,
    player: player.status,
    failures: player.failures,
    frozen: frames.frozen,
    lastFrameAt: frames.lastFrameAt,
    now,
  });
  useEffect(() => {
    if (state === 'live') markHealthy();
  }, [state, markHealthy]);

  const name = p.camera?.name ?? p.cameraId ?? '';
  const kbps = p.health?.bitrateKbps || player.kbps;
  const fps = p.health?.fps;

  const onDragOver = (e: React.DragEvent) => {
    if (!isOurDrag(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    setDropping(true);
  };
  const onDrop = (e: React.DragEvent) => {
    setDropping(false);
    const cam = e.dataTransfer.getData(DND_CAMERA);
    const from = e.dataTransfer.getData(DND_TILE);
    if (!cam && from === '') return;
    e.preventDefault();
    if (cam) p.onDropCamera(index, cam);
    else if (Number(from) !== index) p.onSwap(Number(from), index);
  };

  return (
    <div
      className={`tile tile-${state}${p.selected ? ' tile-selected' : ''}${dropping ? ' tile-drop' : ''}`}
      style={{ gridRow: `${p.area.row} / span ${p.area.rowSpan}`, gridColumn: `${p.area.col} / span ${p.area.colSpan}` }}
      data-testid={`tile-${index}`}
      data-camera={p.cameraId ?? ''}
      data-state={state}
      data-frames={frames.frames}
      data-profile={p.profile}
      data-enlarged={p.enlarged || undefined}
      aria-selected={p.selected}
      role="gridcell"
      tabIndex={-1}
      draggable={!!p.cameraId}
      onDragStart={(e) => {
        if (!p.cameraId) return;
        e.dataTransfer.setData(DND_TILE, String(index));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
      onClick={() => p.onSelect(index)}
      onDoubleClick={() => p.cameraId && p.onToggleEnlarge(index)}
    >
      {p.cameraId && <video ref={videoRef} className="tile-video" muted autoPlay playsInline disablePictureInPicture />}
      {p.cameraId ? (
        <div className="tile-overlay">
          <div className="tile-top">
            <span className="tile-name" title={name}>
              <span className="tile-index">{index + 1}</span> {name}
            </span>
            <span className="tile-clock">{formatHms(now)}</span>
          </div>
          {state !== 'live' && (
            <div className="tile-message" data-testid={`tile-message-${index}`}>
              {(state === 'offline' || state === 'unavailable') && <strong className="tile-big-name">{name}</strong>}
              <span>
                {t(`mosaic.message.${state}`)}
                {state !== 'unavailable' && ` — ${frames.lastFrameAt ? t('mosaic.lastFrame', { time: formatHms(frames.lastFrameAt) }) : t('mosaic.noFrameYet')}`}
              </span>
            </div>
          )}
          <div className="tile-bottom">
            <span className={`tile-badge badge-${state}`} data-testid={`tile-badge-${index}`}>
              {t(`mosaic.state.${state}`)}
            </span>
            <span className="tile-stats">
              {kbps > 0 && t('mosaic.bitrate', { kbps: Math.round(kbps).toLocaleString('vi-VN') })}
              {fps ? ` · ${fps.toFixed(0)} fps` : ''}
              {p.enlarged ? ` · ${t('mosaic.mainStream')}` : ''}
            </span>
            <span className="tile-actions">
              <button
                type="button"
                className="tile-btn"
                title={t('mosaic.snapshot')}
                aria-label={t('mosaic.snapshot')}
                data-testid={`snapshot-${index}`}
                disabled={frames.frames === 0}
                onClick={(e) => {
                  e.stopPropagation();
                  if (video) void downloadSnapshot(video, name);
                }}
              >
                {t('mosaic.snapshotShort')}
              </button>
              <button
                type="button"
                className="tile-btn"
                title={t('mosaic.clear')}
                aria-label={t('mosaic.clear')}
                data-testid={`clear-${index}`}
                onClick={(e) => {
                  e.stopPropagation();
                  p.onClear(index);
                }}
              >
                ✕
              </button>
            </span>
          </div>
        </div>
      ) : (
        <div className="tile-hint">
          <span className="tile-index">{index + 1}</span>
          <span>{t('mosaic.dropHint')}</span>
        </div>
      )}
    </div>
  );
});
