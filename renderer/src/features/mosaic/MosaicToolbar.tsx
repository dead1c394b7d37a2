import { useTranslation } from 'react-i18next';
import { MOSAIC_LAYOUTS, type MosaicLayoutName, type MosaicState } from '../../../../shared/video/mosaic';
import type { TourControls } from './useTour';

interface Props {
  state: MosaicState;
  onLayout(layout: MosaicLayoutName, custom?: { rows: number; cols: number }): void;
  tour: TourControls;
  listOpen: boolean;
  onToggleList(): void;
}

const LABEL: Record<MosaicLayoutName, string> = { '1': '1', '2x2': '2×2', '3x3': '3×3', '4x4': '4×4', '5x5': '5×5', '1+5': '1+5', '1+7': '1+7', '2+8': '2+8', custom: '' };
const clamp = (n: number) => Math.min(6, Math.max(1, Math.round(n) || 1));

/** Layout picker, tour controls and the camera-list toggle; slim, so the wall stays video. */
export function MosaicToolbar({ state, onLayout, tour, listOpen, onToggleList }: Props) {
  const { t } = useTranslation();
  const custom = state.custom ?? { rows: 2, cols: 3 };
  return (
    <div className="mosaic-toolbar" role="toolbar" aria-label={t('mosaic.toolbar')} data-testid="mosaic-toolbar">
      <div className="layout-picker" role="group" aria-label={t('mosaic.layout')}>
        {MOSAIC_LAYOUTS.filter((l) => l !== 'custom').map((l) => (
          <button key={l} aria-pressed={state.layout === l} onClick={() => onLayout(l)} data-testid={`layout-${l}`}>
            {LABEL[l]}
          </button>
        ))}
        <span className="custom-layout">
          <button aria-pressed={state.layout === 'custom'} onClick={() => onLayout('custom', custom)} data-testid="layout-custom">
            {t('mosaic.custom')}
          </button>
          {state.layout === 'custom' && (
            <>
              <input type="number" min={1} max={6} value={custom.rows} aria-label={t('mosaic.rows')} data-testid="custom-rows" onChange={(e) => onLayout('custom', { rows: clamp(Number(e.target.value)), cols: custom.cols })} />
              ×
              <input type="number" min={1} max={6} value={custom.cols} aria-label={t('mosaic.cols')} data-testid="custom-cols" onChange={(e) => onLayout('custom', { rows: custom.rows, cols: clamp(Number(e.target.value)) })} />
            </>
          )}
        </span>
      </div>
      <div className="tour-controls" role="group" aria-label={t('mosaic.tour')}>
        <button aria-pressed={tour.running} onClick={tour.running ? tour.stop : tour.start} data-testid="tour-toggle">
          {tour.running ? t('mosaic.tourStop') : t('mosaic.tourStart')}
        </button>
        <button onClick={tour.addStep} data-testid="tour-add" title={t('mosaic.tourAddHint')}>
          {t('mosaic.tourAdd')}
        </button>
        {tour.steps > 0 && (
          <>
            <span className="muted" data-testid="tour-steps">
              {t('mosaic.tourSteps', { count: tour.steps })}
            </span>
            <button onClick={tour.clear} data-testid="tour-clear">
              {t('mosaic.tourClear')}
            </button>
          </>
        )}
      </div>
      <button aria-pressed={listOpen} onClick={onToggleList} data-testid="camera-list-toggle">
        {t('mosaic.cameras')}
      </button>
    </div>
  );
}
