import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackLookups, FeedbackQueryResult } from '../../../../shared/contracts';
import { api } from '../../api';
import { formatTime } from '../../shell/format';
import { useCacheQuery, useNow } from '../../shell/hooks';
import { formatRemaining, formatShort, pausedLabel, slaState, statusLabel } from './format';

const PAGE_MS = 8000;

/**
 * The wall variant: read from across the room. Counts per SLA state on top, open cases with the
 * overdue ones first (due order), paging by itself; the newest cases in a side column. Live: it
 * reloads on every cache change and every 30 s.
 */
export function FeedbackWall({ lookups }: { lookups: FeedbackLookups | null }) {
  const { t, i18n } = useTranslation();
  const open = lookups?.openStatuses;
  const now = useNow(30_000);
  const queue = useCacheQuery<FeedbackQueryResult | null>(
    () => (open ? api.feedback.query({ filters: { status: open }, sort: { by: 'dueAt', dir: 'asc' }, offset: 0, limit: 120 }) : Promise.resolve(null)),
    ['feedback_case'],
    [open?.join(), now.getTime()],
  );
  const newest = useCacheQuery<FeedbackQueryResult | null>(
    () => (open ? api.feedback.query({ filters: { status: open }, sort: { by: 'receivedAt', dir: 'desc' }, offset: 0, limit: 8 }) : Promise.resolve(null)),
    ['feedback_case'],
    [open?.join(), now.getTime()],
  );
  const units = useMemo(() => new Map(lookups?.units.map((u) => [u.id, u.name])), [lookups]);

  // Auto-scroll: as many rows as fit, a new page every few seconds, back to the top (most urgent).
  const listRef = useRef<HTMLOListElement>(null);
  const [perPage, setPerPage] = useState(8);
  const [page, setPage] = useState(0);
  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const measure = () => {
      const row = el.querySelector('li');
      const h = row ? row.getBoundingClientRect().height + 6 : 80;
      setPerPage(Math.max(3, Math.floor(el.clientHeight / h)));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [queue]);
  const rows = queue?.rows ?? [];
  const pages = Math.max(1, Math.ceil(rows.length / perPage));
  useEffect(() => {
    const h = setInterval(() => setPage((p) => (p + 1) % pages), PAGE_MS);
    return () => clearInterval(h);
  }, [pages]);
  const shown = rows.slice((page % pages) * perPage, (page % pages) * perPage + perPage);

  const total = queue?.total ?? 0;
  const overdue = queue?.counts.overdue ?? 0;
  const dueSoon = queue?.counts.dueSoon ?? 0;
  const paused = queue?.counts.paused ?? 0;
  return (
    <section className="fq-wall" data-testid="view-feedback" data-layout="wall">
      <header className="fq-wall-head">
        <h1>{t('feedback.wall.title')}</h1>
        <div className="fq-wall-counts">
          <div className="fq-count sla-overdue" data-testid="wall-count-overdue">
            <b>{overdue}</b>
            <span>{t('feedback.overdue')}</span>
          </div>
          <div className="fq-count sla-due-soon" data-testid="wall-count-dueSoon">
            <b>{dueSoon}</b>
            <span>{t('feedback.dueSoon')}</span>
          </div>
          <div className="fq-count sla-paused" data-testid="wall-count-paused">
            <b>{paused}</b>
            <span>{t('feedback.slaPausedWord')}</span>
          </div>
          <div className="fq-count sla-ok" data-testid="wall-count-ok">
            <b>{Math.max(0, total - overdue - dueSoon - paused)}</b>
            <span>{t('feedback.onTime')}</span>
          </div>
          <div className="fq-count" data-testid="feedback-count-total" data-count={total}>
            <b>{total}</b>
            <span>{t('feedback.open')}</span>
          </div>
        </div>
      </header>
      <div className="fq-wall-body">
        <ol className="fq-wall-list" ref={listRef} data-testid="feedback-list" data-page={page % pages} data-pages={pages}>
          {shown.map((r) => {
            const state = slaState(r.sla);
            return (
              <li key={r.case.id} className={`fq-wall-row sla-${state}`} data-testid={`feedback-row-${r.case.id}`} data-sla={state}>
                <span className={`lvl lvl-${r.case.level}`}>{t(`feedback.level.${r.case.level}`)}</span>
                <div className="fq-wall-main">
                  <strong>{r.case.title}</strong>
                  <span className="muted">
                    {units.get(r.case.unitId ?? '') ?? r.case.unitId ?? ''} · {statusLabel(r.case.status, t)}
                    {r.pending ? ` · ${t('feedback.pending')}` : ''}
                    {r.sla.paused ? ` · ${pausedLabel(r.sla, t)}` : ''}
                  </span>
                </div>
                <span className={`fq-wall-due sla-text-${state}`}>{formatRemaining(r.sla, t)}</span>
              </li>
            );
          })}
        </ol>
        <aside className="fq-wall-newest">
          <h2>{t('feedback.wall.newest')}</h2>
          <ul>
            {newest?.rows.map((r) => (
              <li key={r.case.id} className={`sla-${slaState(r.sla)}`} data-testid={`wall-newest-${r.case.id}`}>
                <span className="muted">{formatShort(r.case.receivedAt, i18n.language)}</span>
                <strong>{r.case.title}</strong>
                <span className="muted">{units.get(r.case.unitId ?? '') ?? ''}</span>
              </li>
            ))}
          </ul>
          <p className="muted small">{t('feedback.wall.asOf', { time: formatTime(queue?.now, i18n.language) })}</p>
        </aside>
      </div>
    </section>
  );
}
