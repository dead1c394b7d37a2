import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackCounts, FeedbackFilters, FeedbackLookups } from '../../../../shared/contracts';
import { statusLabel } from './format';

const LEVELS = ['urgent', 'normal', 'complex'] as const;

interface Props {
  filters: FeedbackFilters;
  text: string;
  onText: (text: string) => void;
  onChange: (f: FeedbackFilters) => void;
  counts: FeedbackCounts | null;
  lookups: FeedbackLookups | null;
  searchRef: RefObject<HTMLInputElement | null>;
}

const toggle = <T,>(list: readonly T[] | undefined, v: T): T[] | undefined => {
  const next = list?.includes(v) ? list.filter((x) => x !== v) : [...(list ?? []), v];
  return next.length ? next : undefined;
};

/** Left column: search, SLA state, status chips with counts, level, commune, agency. */
export function FilterBar({ filters, text, onText, onChange, counts, lookups, searchRef }: Props) {
  const { t } = useTranslation();
  const statuses = lookups?.statuses ?? Object.keys(counts?.byStatus ?? {});
  const any = !!(filters.status || filters.level || filters.unitId || filters.agencyId || filters.overdue || filters.dueSoon || text);
  return (
    <nav className="fq-filters" aria-label={t('feedback.filters')}>
      <input
        ref={searchRef}
        className="fq-search"
        type="search"
        value={text}
        onChange={(e) => onText(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && (e.currentTarget.blur(), e.stopPropagation())}
        placeholder={t('feedback.search')}
        data-testid="filter-search"
        aria-label={t('feedback.search')}
      />
      <div className="fq-chips">
        <button className="chip chip-overdue" aria-pressed={!!filters.overdue} onClick={() => onChange({ ...filters, overdue: filters.overdue ? undefined : true })} data-testid="filter-overdue">
          {t('feedback.overdue')} <b>{counts?.overdue ?? '…'}</b>
        </button>
        <button className="chip chip-due-soon" aria-pressed={!!filters.dueSoon} onClick={() => onChange({ ...filters, dueSoon: filters.dueSoon ? undefined : true })} data-testid="filter-dueSoon">
          {t('feedback.dueSoon')} <b>{counts?.dueSoon ?? '…'}</b>
        </button>
      </div>

      <h3>{t('feedback.statusTitle')}</h3>
      <div className="fq-chips">
        {statuses.map((s) => (
          <button key={s} className="chip" aria-pressed={!!filters.status?.includes(s)} onClick={() => onChange({ ...filters, status: toggle(filters.status, s) })} data-testid={`filter-status-${s}`}>
            {statusLabel(s, t)} <b>{counts?.byStatus[s] ?? 0}</b>
          </button>
        ))}
      </div>

      <h3>{t('feedback.levelTitle')}</h3>
      <div className="fq-chips">
        {LEVELS.map((l) => (
          <button key={l} className={`chip chip-lvl-${l}`} aria-pressed={!!filters.level?.includes(l)} onClick={() => onChange({ ...filters, level: toggle(filters.level, l) })} data-testid={`filter-level-${l}`}>
            {t(`feedback.level.${l}`)}
          </button>
        ))}
      </div>

      <label>
        <h3>{t('feedback.unit')}</h3>
        <select value={filters.unitId ?? ''} onChange={(e) => onChange({ ...filters, unitId: e.target.value || undefined })} data-testid="filter-unit">
          <option value="">{t('feedback.all')}</option>
          {lookups?.units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.cases})
            </option>
          ))}
        </select>
      </label>
      <label>
        <h3>{t('feedback.agency')}</h3>
        <select value={filters.agencyId ?? ''} onChange={(e) => onChange({ ...filters, agencyId: e.target.value || undefined })} data-testid="filter-agency">
          <option value="">{t('feedback.all')}</option>
          {lookups?.agencies.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      {any && (
        <button
          className="fq-clear"
          onClick={() => {
            onText('');
            onChange({});
          }}
          data-testid="filter-clear"
        >
          {t('feedback.clear')}
        </button>
      )}
    </nav>
  );
}
