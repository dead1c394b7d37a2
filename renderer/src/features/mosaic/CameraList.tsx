import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Camera } from '../../../../shared/domain/entities';
import type { StreamHealth } from '../../../../shared/video/streams';
import { DND_CAMERA } from './dnd';
import { CAMERA_GROUPS, matchesCamera } from './search';
import { healthKey } from './useStreams';

interface Props {
  cameras: Camera[] | null;
  health: Map<string, StreamHealth>;
  /** Cameras on the wall now (marked in the list). */
  onWall: Set<string>;
  /** Click (or Enter) on a camera: put it on the selected tile. */
  onPick(cameraId: string): void;
}

/** Searchable, grouped camera list; drag an entry onto a tile, or click it to fill the selected tile. */
export function CameraList({ cameras, health, onWall, onPick }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const hits = (cameras ?? []).filter((c) => matchesCamera(c, query));
    return CAMERA_GROUPS.map((g) => ({ group: g, items: hits.filter((c) => c.group === g) })).filter((g) => g.items.length);
  }, [cameras, query]);

  return (
    <aside className="camera-list" data-testid="camera-list" aria-label={t('mosaic.cameras')}>
      <input
        type="search"
        className="camera-search"
        placeholder={t('mosaic.search')}
        aria-label={t('mosaic.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="camera-search"
      />
      {cameras === null && <p className="muted">{t('mosaic.loadingCameras')}</p>}
      {cameras && groups.length === 0 && <p className="muted">{t('mosaic.noMatch')}</p>}
      {groups.map(({ group, items }) => (
        <section key={group} className="camera-group">
          <h3>
            {t(`mosaic.group.${group}`)} <span className="muted">{items.length}</span>
          </h3>
          <ul>
            {items.map((c) => {
              const h = health.get(healthKey(c.id, 'sub'))?.state ?? 'idle';
              return (
                <li
                  key={c.id}
                  className={`camera-item${onWall.has(c.id) ? ' on-wall' : ''}${c.enabled ? '' : ' disabled'}`}
                  draggable
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DND_CAMERA, c.id);
                    e.dataTransfer.effectAllowed = 'copyMove';
                  }}
                  onClick={() => onPick(c.id)}
                  onKeyDown={(e) => e.key === 'Enter' && onPick(c.id)}
                  tabIndex={0}
                  title={t('mosaic.dragHint')}
                  data-testid={`camera-${c.id}`}
                >
                  <span className={`dot dot-${h}`} aria-label={t(`mosaic.health.${h}`)} />
                  <span className="camera-name">{c.name}</span>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </aside>
  );
}
