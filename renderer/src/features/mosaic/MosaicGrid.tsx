import type { Camera } from '../../../../shared/domain/entities';
import type { LayoutGeometry } from '../../../../shared/video/layouts';
import type { MosaicState } from '../../../../shared/video/mosaic';
import type { StreamHealth } from '../../../../shared/video/streams';
import { Tile, type TileProps } from './Tile';
import { healthKey, type EndpointState } from './useStreams';

/** Between two tiles' first player starts: spreads 25 socket opens + MSE setups over 1.5 s. */
const STAGGER_MS = 60;

type Handlers = Pick<TileProps, 'onSelect' | 'onToggleEnlarge' | 'onDropCamera' | 'onSwap' | 'onClear' | 'registerVideo'>;

interface Props extends Handlers {
  state: MosaicState;
  geometry: LayoutGeometry;
  cameras: Map<string, Camera>;
  endpoint: EndpointState;
  health: Map<string, StreamHealth>;
  selected: number;
}

/**
 * The tiles on a CSS grid from `layoutGeometry`. An enlarged tile is the only one mounted (on the
 * main stream): the others' players are destroyed, not hidden, so the CPU goes to the big picture.
 */
export function MosaicGrid({ state, geometry, cameras, endpoint, health, selected, ...handlers }: Props) {
  const enlarged = state.enlarged !== null && state.tiles[state.enlarged] ? state.enlarged : null;
  const rows = enlarged !== null ? 1 : geometry.rows;
  const cols = enlarged !== null ? 1 : geometry.cols;
  const shown = enlarged !== null ? [enlarged] : geometry.tiles.map((_, i) => i);
  let order = 0;
  return (
    <div className="mosaic-stage">
      <div
        className="mosaic-grid"
        role="grid"
        data-testid="mosaic-grid"
        data-layout={state.layout}
        style={{ gridTemplateRows: `repeat(${rows}, 1fr)`, gridTemplateColumns: `repeat(${cols}, 1fr)`, ['--ratio' as string]: `${(cols * 16) / (rows * 9)}` }}
      >
        {shown.map((i) => {
          const cameraId = state.tiles[i] ?? null;
          const profile = i === enlarged ? 'main' : 'sub';
          const area = i === enlarged ? { row: 1, col: 1, rowSpan: 1, colSpan: 1 } : geometry.tiles[i]!;
          const delay = cameraId ? order++ * STAGGER_MS : 0;
          return (
            <Tile
              key={`${i}:${cameraId ?? ''}:${profile}`}
              index={i}
              area={area}
              cameraId={cameraId}
              camera={cameraId ? cameras.get(cameraId) : undefined}
              profile={profile}
              endpoint={endpoint}
              health={cameraId ? health.get(healthKey(cameraId, profile)) : undefined}
              selected={i === selected}
              enlarged={i === enlarged}
              startDelayMs={delay}
              {...handlers}
            />
          );
        })}
      </div>
    </div>
  );
}
