import { IocError } from '../../../shared/contracts/rpc';
import { mosaicContract } from '../../../shared/contracts/streams.contract';
import type { Camera } from '../../../shared/domain/entities';
import { placeCamera, tileCount } from '../../../shared/video/layouts';
import type { MosaicState } from '../../../shared/video/mosaic';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/dispatcher';
import type { ConfigStore } from '../config/config.service';

/**
 * Each display's camera mosaic, kept in the app config so a restart restores it. Until an operator
 * changes a display, it shows a 3×3 of the first enabled cameras. Every change is published as
 * `mosaic:state`, which is how a display's page (and push-to-wall from the console) follows.
 */
export class MosaicService {
  constructor(private readonly deps: { config: ConfigStore; bus: EventBus; log: Logger; cameras: () => Camera[] }) {}

  get(displayId: string): MosaicState {
    const saved = this.deps.config.get().mosaics[displayId];
    if (saved) return saved;
    const cams = this.deps.cameras().filter((c) => c.enabled);
    const n = tileCount('3x3');
    return { displayId, layout: '3x3', tiles: Array.from({ length: n }, (_, i) => cams[i]?.id ?? null), enlarged: null };
  }

  set(state: MosaicState): MosaicState {
    const n = tileCount(state.layout, state.custom);
    // Tiles always match the layout: extra entries dropped, missing ones empty.
    const next: MosaicState = { ...state, tiles: Array.from({ length: n }, (_, i) => state.tiles[i] ?? null), enlarged: state.enlarged !== null && state.enlarged < n ? state.enlarged : null };
    this.deps.config.update((c) => ({ ...c, mosaics: { ...c.mosaics, [state.displayId]: next } }));
    this.deps.bus.publish(mosaicContract.onState, next);
    return next;
  }

  pushCamera(displayId: string, cameraId: string, tile?: number): MosaicState {
    if (!this.deps.cameras().some((c) => c.id === cameraId)) throw new IocError('not_found', `No camera ${cameraId}`);
    this.deps.log('info', 'camera pushed to wall', { displayId, cameraId, tile });
    return this.set(placeCamera(this.get(displayId), cameraId, tile));
  }
}
