import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackRow, FeedbackSort, FeedbackSortBy } from '../../../../shared/contracts';
import { formatDateTime } from '../../shell/format';
import { formatRemaining, formatShort, pausedLabel, slaState, statusLabel } from './format';

const OVERSCAN = 8;

interface Props {
  total: number;
  rowAt: (index: number) => FeedbackRow | undefined;
  unitName: (id: string | null) => string;
  selected: number;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
  sort: FeedbackSort;
  onSort: (by: FeedbackSortBy) => void;
  onRange: (range: { start: number; end: number }) => void;
}

/** Row height in px: 2.7 rem of the current root size (the wall theme scales type with the screen). */
function useRowHeight(): number {
  const [h, setH] = useState(() => Math.round(2.7 * parseFloat(getComputedStyle(document.documentElement).fontSize || '16')));
  useEffect(() => {
    const onResize = () => setH(Math.round(2.7 * parseFloat(getComputedStyle(document.documentElement).fontSize || '16')));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return h;
}

/**
 * A virtualized table: fixed row height, only the rows in view (plus a few) are in the DOM, so
 * 100k cases cost the same as 50. The header is sticky; clicking it sorts.
 */
export function FeedbackList({ total, rowAt, unitName, selected, onSelect, onOpen, sort, onSort, onRange }: Props) {
  const { t, i18n } = useTranslation();
  const rowH = useRowHeight();
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    el.addEventListener('scroll', update, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, []);

  const first = Math.max(0, Math.floor(view.top / rowH) - OVERSCAN);
  const last = Math.min(total, Math.ceil((view.top + view.height) / rowH) + OVERSCAN);
  useEffect(() => onRange({ start: first, end: last }), [first, last, onRange]);

  // Keep the keyboard selection in view.
  useEffect(() => {
    const el = scroller.current;
    if (!el || selected < 0) return;
    const header = rowH;
    const top = selected * rowH;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowH > el.scrollTop + el.clientHeight - header) el.scrollTop = top + rowH - el.clientHeight + header;
  }, [selected, rowH]);

  const head = (by: FeedbackSortBy | null, label: string, cls: string): ReactNode => (
    <div
      className={`fq-cell ${cls}${by ? ' fq-sortable' : ''}`}
      role="columnheader"
      aria-sort={by && sort.by === by ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
      onClick={by ? () => onSort(by) : undefined}
      data-testid={by ? `sort-${by}` : undefined}
    >
      {label}
      {by && sort.by === by ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </div>
  );

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const r = rowAt(i);
    const style = { top: i * rowH, height: rowH };
    if (!r) {
      rows.push(<div key={`p${i}`} className="fq-row fq-placeholder" style={style} aria-busy="true" />);
      continue;
    }
    const c = r.case;
    const state = slaState(r.sla);
    rows.push(
      <div
        key={c.id}
        role="row"
        aria-selected={i === selected}
        className={`fq-row sla-${state}${i === selected ? ' fq-selected' : ''}`}
        style={style}
        data-testid={`feedback-row-${c.id}`}
        data-sla={state}
        data-pending={r.pending}
        onClick={() => onSelect(i)}
        onDoubleClick={() => onOpen(i)}
      >
        <div className="fq-cell fq-c-level">
          <span className={`lvl lvl-${c.level}`}>{t(`feedback.level.${c.level}`)}</span>
        </div>
        <div className="fq-cell fq-c-title">
          <span className="fq-id">{c.id.length > 12 ? `…${c.id.slice(-6)}` : c.id}</span> <strong>{c.title}</strong>
          {r.pending && <span className="pill pill-pending fq-pending">{t('feedback.pending')}</span>}
        </div>
        <div className="fq-cell fq-c-status">{statusLabel(c.status, t)}</div>
        <div className="fq-cell fq-c-unit">{unitName(c.unitId)}</div>
        <div className="fq-cell fq-c-received">{formatShort(c.receivedAt, i18n.language)}</div>
        <div className="fq-cell fq-c-due" title={r.sla.paused ? `${pausedLabel(r.sla, t)} · ${formatRemaining(r.sla, t)}` : r.sla.dueAt ? formatDateTime(r.sla.dueAt, i18n.language) : ''}>
          {r.sla.phase === 'done' ? '—' : r.sla.paused ? `⏸ ${t('feedback.slaPausedWord')}` : formatRemaining(r.sla, t)}
        </div>
      </div>,
    );
  }

  return (
    <div className="fq-scroller" ref={scroller} data-testid="feedback-list" role="grid" aria-rowcount={total} tabIndex={0}>
      <div className="fq-row fq-header" role="row" style={{ height: rowH }}>
        {head('level', t('feedback.col.level'), 'fq-c-level')}
        {head(null, t('feedback.col.title'), 'fq-c-title')}
        {head('status', t('feedback.col.status'), 'fq-c-status')}
        {head(null, t('feedback.col.unit'), 'fq-c-unit')}
        {head('receivedAt', t('feedback.col.receivedAt'), 'fq-c-received')}
        <span title={t('feedback.dueHint')} style={{ display: 'contents' }}>
          {head('dueAt', t('feedback.col.dueAt'), 'fq-c-due')}
        </span>
      </div>
      <div className="fq-body" style={{ height: total * rowH }}>
        {rows}
      </div>
    </div>
  );
}
