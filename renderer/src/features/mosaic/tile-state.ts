import type { StreamHealth } from '../../../../shared/video/streams';
import { FROZEN_AFTER_MS } from './useFrozenDetector';
import { OFFLINE_AFTER_FAILURES, type PlayerStatus } from './useMpegtsPlayer';

export type TileState = 'live' | 'connecting' | 'reconnecting' | 'frozen' | 'offline' | 'empty' | 'unavailable';

export interface TileInputs {
  hasCamera: boolean;
  endpoint: 'loading' | 'ready' | 'unavailable';
  health: StreamHealth | undefined;
  player: PlayerStatus;
  failures: number;
  frozen: boolean;
  lastFrameAt: number | null;
  now: number;
}

/**
 * One badge from two witnesses: main's stream health (is ffmpeg getting bytes from the camera?) and
 * this page's player (are frames being decoded here?). Either one saying "broken" wins over "live".
 */
export function tileState(i: TileInputs): TileState {
  if (!i.hasCamera) return 'empty';
  if (i.endpoint === 'unavailable') return 'unavailable';
  if (i.endpoint === 'loading') return 'connecting';
  if (i.health?.state === 'failed' || i.failures >= OFFLINE_AFTER_FAILURES) return 'offline';
  if (i.frozen) return 'frozen';
  const fresh = i.lastFrameAt !== null && i.now - i.lastFrameAt <= FROZEN_AFTER_MS + 1000;
  if (fresh && i.player === 'connecting' && i.health?.state !== 'reconnecting') return 'live';
  if (i.player === 'retrying' || i.health?.state === 'reconnecting' || i.lastFrameAt !== null || i.failures > 0) return 'reconnecting';
  return 'connecting';
}
