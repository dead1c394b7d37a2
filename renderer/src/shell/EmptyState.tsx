import { useTranslation } from 'react-i18next';
import type { Entity, ViewId } from '../../../shared/contracts';
import { formatDateTime } from './format';
import { useDataSummary } from './hooks';

/** The cached data each not-yet-built view will draw on: shown as real counts, never invented figures. */
type PlaceholderView = Exclude<ViewId, 'console' | 'briefing'>;
const VIEW_DATA: Record<PlaceholderView, Entity[]> = {
  mosaic: ['camera'],
  map: ['admin_unit', 'camera', 'feedback_case', 'water_station'],
  kpi: ['dossier_event', 'indicator_value'],
  feedback: ['feedback_case', 'case_event'],
};

/** An honest placeholder for a view whose capability has not landed: it says so, and invents nothing. */
export function EmptyState({ view }: { view: PlaceholderView }) {
  const { t, i18n } = useTranslation();
  const summary = useDataSummary();
  return (
    <section className="empty-state" data-testid={`view-${view}`} data-view={view}>
      <h1>{t(`views.${view}`)}</h1>
      <p className="empty-title">{t('empty.title')}</p>
      <p>{t(`empty.${view}`)}</p>
      {summary && (
        <ul className="cached-counts" data-testid="cached-counts">
          {VIEW_DATA[view].map((e) => (
            <li key={e}>
              <strong>{(summary.counts[e] ?? 0).toLocaleString('vi-VN')}</strong> {t(`entities.${e}`)}
            </li>
          ))}
          <li className="muted" data-testid="cached-as-of">
            {t('sync.asOf')} {formatDateTime(summary.asOf, i18n.language)}
          </li>
        </ul>
      )}
      <p className="muted">{t('empty.hint')}</p>
    </section>
  );
}
