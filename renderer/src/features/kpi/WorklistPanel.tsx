import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Worklist, WorklistKind } from '../../../../shared/contracts';
import { ANTIGEN_NAMES, type Antigen } from '../../../../shared/kpi/catalogue';
import { api } from '../../api';
import { useNow } from '../../shell/hooks';
import { categoryLabel, formatWorkingMinutes } from '../feedback/format';
import { formatAsOf, formatDuration } from './format';
import { useKpi } from './useKpi';
import { locale } from '../../i18n';

const ENTITIES = {
  dossiers_due: ['dossier_event'],
  dossiers_late: ['dossier_event'],
  feedback_overdue: ['feedback_case', 'case_event'],
  immunization_overdue: ['immunization_due'],
  cyber_negative: ['cyber_mention'],
} as const;

/** A due-soon / overdue list: who has to act, on what, by when. Refreshed on cache changes and every minute. */
export function WorklistPanel({ kind, unitId, limit = 20 }: { kind: WorklistKind; unitId?: string; limit?: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const now = useNow(60_000);
  const key = `${kind}|${unitId ?? ''}|${limit}|${now.getTime()}`;
  const list = useKpi<Worklist>(key, () => api.kpi.worklist({ kind, unitId, limit }), ENTITIES[kind]);
  const w = list.value;
  const t0 = w ? Date.parse(w.now) : now.getTime();
  // Show as many whole rows as the panel holds (a wall has no scroll bar); the rest is counted below.
  const listRef = useRef<HTMLOListElement>(null);
  const [fit, setFit] = useState(limit);
  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const measure = () => {
      const row = el.querySelector('li');
      if (!row) return;
      const gap = parseFloat(getComputedStyle(el).rowGap) || 0;
      setFit(Math.max(1, Math.floor((el.clientHeight + gap) / (row.getBoundingClientRect().height + gap))));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [w]);
  const items = w ? w.items.slice(0, fit) : [];
  return (
    <section className="kpi-panel kpi-worklist" data-testid={`worklist-${kind}`} data-total={w?.total ?? ''}>
      <header className="kpi-panel-head">
        <h2>{t(`kpi.worklists.${kind}`)}</h2>
        <strong className={`kpi-count ${w && w.total > 0 ? (kind === 'dossiers_due' ? 'warn' : 'bad') : ''}`}>{w ? w.total.toLocaleString(locale(lang)) : '…'}</strong>
      </header>
      {list.error && <p className="error">{list.error}</p>}
      {w && w.items.length === 0 && <p className="muted">{t('kpi.worklists.empty')}</p>}
      <ol className="kpi-items" ref={listRef} data-shown={items.length}>
        {items.map((it) => {
          const due = it.dueAt ? Date.parse(it.dueAt) : NaN;
          const detail =
            kind === 'immunization_overdue' && it.detail && it.detail in ANTIGEN_NAMES
              ? ANTIGEN_NAMES[it.detail as Antigen][lang === 'en' ? 'en' : 'vi']
              : kind === 'feedback_overdue' && it.detail
                ? categoryLabel(it.detail, lang, t)
                : it.detail;
          return (
            <li key={it.id} data-id={it.id} className={it.overdue ? 'overdue' : ''}>
              <span className="kpi-item-main">
                <strong>{it.title}</strong>
                {detail && <span className="kpi-item-detail">{detail}</span>}
              </span>
              <span className="kpi-item-where">{[it.unitName, it.agencyName].filter(Boolean).join(' · ')}</span>
              <span className={`kpi-item-due ${kind === 'cyber_negative' ? 'muted' : it.overdue ? 'bad' : 'warn'}`}>
                {!Number.isFinite(due)
                  ? ''
                  : kind === 'cyber_negative'
                    ? t('kpi.worklists.ago', { time: formatDuration(t0 - due, lang) })
                    : it.overdue
                      ? t('kpi.worklists.overdueBy', {
                          // A feedback case is late in working time, as the desk and the wall count it.
                          time: it.lateWorkingMinutes != null ? formatWorkingMinutes(it.lateWorkingMinutes, t) : formatDuration(t0 - due, lang),
                        })
                      : t('kpi.worklists.inTime', { time: formatDuration(due - t0, lang) })}
                <span className="kpi-item-at">{formatAsOf(it.dueAt, lang)}</span>
              </span>
            </li>
          );
        })}
      </ol>
      {w && w.total > items.length && <p className="muted kpi-more">{t('kpi.worklists.more', { count: w.total - items.length })}</p>}
    </section>
  );
}
