import { useTranslation } from 'react-i18next';
import type { ViewId } from '../../../shared/contracts';

/** An honest placeholder for a view whose capability has not landed: it says so, and invents nothing. */
export function EmptyState({ view }: { view: Exclude<ViewId, 'console'> }) {
  const { t } = useTranslation();
  return (
    <section className="empty-state" data-testid={`view-${view}`} data-view={view}>
      <h1>{t(`views.${view}`)}</h1>
      <p className="empty-title">{t('empty.title')}</p>
      <p>{t(`empty.${view}`)}</p>
      <p className="muted">{t('empty.hint')}</p>
    </section>
  );
}
