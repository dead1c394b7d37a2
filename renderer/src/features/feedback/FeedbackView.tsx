import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackFilters, FeedbackLookups, FeedbackSort, FeedbackSortBy } from '../../../../shared/contracts';
import { api } from '../../api';
import { useCacheQuery } from '../../shell/hooks';
import { FeedbackDetail, type ActionMode } from './FeedbackDetail';
import { FeedbackList } from './FeedbackList';
import { FeedbackWall } from './FeedbackWall';
import { FilterBar } from './FilterBar';
import { isTyping } from './format';
import { useFeedbackWindow } from './useFeedbackWindow';

const forcedWall = new URLSearchParams(location.search).get('layout') === 'wall';

/** The citizen-feedback queue: the operator's triage desk, or (layout "wall") the room's live board. */
export function FeedbackView({ layout }: { layout?: string }) {
  const lookups = useCacheQuery<FeedbackLookups>(() => api.feedback.lookups(), ['feedback_case', 'admin_unit', 'agency']);
  if (forcedWall || layout === 'wall') return <FeedbackWall lookups={lookups} />;
  return <FeedbackDesk lookups={lookups} />;
}

function FeedbackDesk({ lookups }: { lookups: FeedbackLookups | null }) {
  const { t } = useTranslation();
  // Performance marks for bench:queue: the view opens here; ioc:feedback:rows when rows are painted.
  useState(() => performance.mark('ioc:feedback:open'));
  const [filters, setFilters] = useState<FeedbackFilters>({});
  const [text, setText] = useState('');
  const [sort, setSort] = useState<FeedbackSort>({ by: 'receivedAt', dir: 'desc' });
  const [range, setRange] = useState({ start: 0, end: 60 });
  const [selected, setSelected] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const [action, setAction] = useState<ActionMode>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // The search box filters as you type, debounced.
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const h = setTimeout(() => setDebounced(text.trim()), 200);
    return () => clearTimeout(h);
  }, [text]);
  const effective = useMemo(() => ({ ...filters, ...(debounced ? { text: debounced } : {}) }), [filters, debounced]);
  const { win, rowAt } = useFeedbackWindow(effective, sort, range);
  const total = win.total ?? 0;
  const painted = useRef(false);
  useEffect(() => {
    if (painted.current || !win.rows.length) return;
    painted.current = true;
    requestAnimationFrame(() => performance.mark('ioc:feedback:rows'));
  }, [win.rows.length]);

  const units = useMemo(() => new Map(lookups?.units.map((u) => [u.id, u.name])), [lookups]);
  const unitName = useCallback((id: string | null) => (id ? (units.get(id) ?? id) : '—'), [units]);
  const onRange = useCallback((r: { start: number; end: number }) => setRange((p) => (p.start === r.start && p.end === r.end ? p : r)), []);

  // New filters: back to the top.
  useEffect(() => setSelected(0), [effective, sort]);

  const onSort = (by: FeedbackSortBy) => setSort((s) => (s.by === by ? { by, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { by, dir: by === 'dueAt' ? 'asc' : 'desc' }));
  const open = useCallback(
    (i: number) => {
      const id = rowAt(i)?.case.id;
      if (id) setOpenId(id);
    },
    [rowAt],
  );

  // An open detail follows the keyboard selection (triage: next case).
  const selectedId = rowAt(selected)?.case.id;
  useEffect(() => {
    if (selectedId) setOpenId((cur) => (cur ? selectedId : cur));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  // Keyboard triage.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target)) return;
      const key = e.key;
      if (key === '/') {
        searchRef.current?.focus();
      } else if (key === 'ArrowDown' || key === 'j') {
        setSelected((s) => Math.min(Math.max(0, total - 1), s + 1));
      } else if (key === 'ArrowUp' || key === 'k') {
        setSelected((s) => Math.max(0, s - 1));
      } else if (key === 'PageDown') setSelected((s) => Math.min(Math.max(0, total - 1), s + 15));
      else if (key === 'PageUp') setSelected((s) => Math.max(0, s - 15));
      else if (key === 'Enter') open(selected);
      else if (key === 'Escape') {
        if (action) setAction(null);
        else setOpenId(null);
      } else if (/^[asnrASNR]$/.test(key)) {
        const id = openId ?? rowAt(selected)?.case.id;
        if (!id) return;
        setOpenId(id);
        setAction(({ a: 'assign', s: 'status', n: 'note', r: 'answer' } as const)[key.toLowerCase() as 'a' | 's' | 'n' | 'r']);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [total, selected, open, openId, action, rowAt]);

  return (
    <section className={`fq${openId ? ' fq-with-detail' : ''}`} data-testid="view-feedback">
      <FilterBar filters={filters} text={text} onText={setText} onChange={setFilters} counts={win.counts} lookups={lookups} searchRef={searchRef} />
      <div className="fq-main">
        <header className="fq-head">
          <h1>{t('feedback.title')}</h1>
          <span className="fq-total" data-testid="feedback-count-total" data-count={win.total ?? ''}>
            {win.total === null ? t('feedback.loading') : t('feedback.total', { count: win.total.toLocaleString('vi-VN') })}
          </span>
          <span className="muted small fq-keys">{t('feedback.keys')}</span>
        </header>
        {win.error && <p className="error">{win.error}</p>}
        {win.total === 0 && <p className="muted">{t('feedback.empty')}</p>}
        <FeedbackList
          total={total}
          rowAt={rowAt}
          unitName={unitName}
          selected={selected}
          onSelect={(i) => {
            setSelected(i);
            const id = rowAt(i)?.case.id;
            if (id && openId) setOpenId(id);
          }}
          onOpen={open}
          sort={sort}
          onSort={onSort}
          onRange={onRange}
        />
      </div>
      {openId && <FeedbackDetail id={openId} lookups={lookups} action={action} setAction={setAction} onClose={() => setOpenId(null)} />}
    </section>
  );
}
