import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackLookups, RoutingRule, RoutingRules } from '../../../../shared/contracts';
import { IocError } from '../../../../shared/contracts/rpc';
import { FEEDBACK_CATEGORIES } from '../../../../shared/feedback/categories';
import { api } from '../../api';
import { categoryLabel } from './format';

/**
 * The central server's routing rules (category × commune → agency, auto-assign), for admins in the
 * console: list, add / edit / delete rows locally, then save the whole table to the server. Online
 * only; the server validates (its message names the rule, the row is marked) and nothing typed is
 * lost on an error.
 */
export function RoutingRulesPanel() {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<RoutingRules | null>(null);
  const [rules, setRules] = useState<RoutingRule[]>([]);
  const [agencies, setAgencies] = useState<FeedbackLookups['agencies']>([]);
  const [editing, setEditing] = useState<number | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'load' | 'save' | null>(null);
  const [error, setError] = useState<{ text: string; row: number | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const explain = useCallback(
    (e: unknown): { text: string; row: number | null } => {
      const code = e instanceof IocError ? e.code : 'internal';
      const message = (e as Error).message;
      const m = /rules\.(\d+)/.exec(e instanceof IocError ? (e.issues?.[0]?.path ?? message) : message);
      const known = ['unavailable', 'forbidden', 'unauthorized', 'invalid_input'].includes(code);
      return { text: t(`feedback.routing.error.${known ? code : 'other'}`, { message }), row: code === 'invalid_input' && m ? Number(m[1]) : null };
    },
    [t],
  );

  const load = useCallback(async () => {
    setBusy('load');
    setError(null);
    setNotice(null);
    try {
      const [r, l] = await Promise.all([api.feedback.routingRules(), api.feedback.lookups().catch(() => null)]);
      setData(r);
      setRules(r.rules);
      if (l) setAgencies(l.agencies);
      setDirty(false);
      setEditing(null);
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(null);
    }
  }, [explain]);

  useEffect(() => {
    void load();
  }, [load]);

  const save = async () => {
    setBusy('save');
    setError(null);
    setNotice(null);
    try {
      const r = await api.feedback.saveRoutingRules({ rules });
      setData(r);
      setRules(r.rules);
      setDirty(false);
      setEditing(null);
      setNotice(t('feedback.routing.saved', { count: r.rules.length }));
    } catch (e) {
      setError(explain(e)); // the table keeps every edit
    } finally {
      setBusy(null);
    }
  };

  const update = (i: number, patch: Partial<RoutingRule>) => {
    setRules((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
    setDirty(true);
  };
  const add = () => {
    const category = FEEDBACK_CATEGORIES[0].code;
    const ids = new Set(rules.map((r) => r.id));
    let n = rules.length + 1;
    while (ids.has(`rr-desk-${n}`)) n++;
    setRules((rs) => [...rs, { id: `rr-desk-${n}`, category, unitId: null, agencyId: agencies[0]?.id ?? '', autoAssign: false }]);
    setEditing(rules.length);
    setDirty(true);
  };
  const remove = (i: number) => {
    setRules((rs) => rs.filter((_, k) => k !== i));
    setEditing(null);
    setDirty(true);
  };

  const categories = useMemo(() => {
    const codes = [...FEEDBACK_CATEGORIES.map((c) => c.code)];
    for (const r of rules) if (!codes.includes(r.category)) codes.push(r.category);
    return codes;
  }, [rules]);
  const communeName = (id: string | null) => (id === null ? t('feedback.routing.allCommunes') : (data?.communes.find((c) => c.id === id)?.name ?? id));
  const agencyName = (id: string) => agencies.find((a) => a.id === id)?.name ?? id;

  return (
    <section className="routing-panel card" data-testid="routing-panel" aria-label={t('feedback.routing.title')}>
      <header className="routing-head">
        <h2>{t('feedback.routing.title')}</h2>
        <div className="routing-buttons">
          {dirty && <span className="pill pill-pending">{t('feedback.routing.unsaved')}</span>}
          <button onClick={() => void load()} disabled={busy !== null} data-testid="routing-reload">
            {busy === 'load' ? t('feedback.routing.loading') : t('feedback.routing.reload')}
          </button>
          <button onClick={add} disabled={busy !== null || !data} data-testid="routing-add">
            {t('feedback.routing.add')}
          </button>
          <button className="primary" onClick={() => void save()} disabled={busy !== null || !data || !dirty} data-testid="routing-save">
            {busy === 'save' ? t('feedback.routing.saving') : t('feedback.routing.save')}
          </button>
        </div>
      </header>
      <p className="muted small">{t('feedback.routing.intro')}</p>
      {error && (
        <p className="error" role="alert" data-testid="routing-error">
          {error.text}
        </p>
      )}
      {notice && (
        <p className="ok-text" role="status" data-testid="routing-notice">
          {notice}
        </p>
      )}
      {data && (
        <table className="table routing-table" data-testid="routing-table">
          <thead>
            <tr>
              <th>{t('feedback.routing.category')}</th>
              <th>{t('feedback.routing.commune')}</th>
              <th>{t('feedback.routing.agency')}</th>
              <th>{t('feedback.routing.autoAssign')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {t('feedback.routing.empty')}
                </td>
              </tr>
            )}
            {rules.map((r, i) =>
              editing === i ? (
                <tr key={i} className={`routing-editing${error?.row === i ? ' routing-bad' : ''}`} data-testid={`routing-row-${i}`}>
                  <td>
                    <select value={r.category} onChange={(e) => update(i, { category: e.target.value })} aria-label={t('feedback.routing.category')} data-testid="routing-edit-category">
                      {categories.map((c) => (
                        <option key={c} value={c}>
                          {categoryLabel(c, i18n.language, t)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select value={r.unitId ?? ''} onChange={(e) => update(i, { unitId: e.target.value || null })} aria-label={t('feedback.routing.commune')} data-testid="routing-edit-commune">
                      <option value="">{t('feedback.routing.allCommunes')}</option>
                      {r.unitId && !data.communes.some((c) => c.id === r.unitId) && <option value={r.unitId}>{r.unitId}</option>}
                      {data.communes.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select value={r.agencyId} onChange={(e) => update(i, { agencyId: e.target.value })} aria-label={t('feedback.routing.agency')} data-testid="routing-edit-agency">
                      {!agencies.some((a) => a.id === r.agencyId) && <option value={r.agencyId}>{r.agencyId || '—'}</option>}
                      {agencies.map((a) => (
                        <option key={a.id} value={a.id}>
                          {a.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input type="checkbox" checked={r.autoAssign} onChange={(e) => update(i, { autoAssign: e.target.checked })} aria-label={t('feedback.routing.autoAssign')} data-testid="routing-edit-auto" />
                  </td>
                  <td className="routing-actions">
                    <button onClick={() => setEditing(null)}>{t('feedback.routing.done')}</button>
                    <button onClick={() => remove(i)}>{t('feedback.routing.delete')}</button>
                  </td>
                </tr>
              ) : (
                <tr key={i} className={error?.row === i ? 'routing-bad' : undefined} data-testid={`routing-row-${i}`} data-rule={r.id}>
                  <td>{categoryLabel(r.category, i18n.language, t)}</td>
                  <td>{communeName(r.unitId)}</td>
                  <td>{agencyName(r.agencyId)}</td>
                  <td>{r.autoAssign ? <strong className="ok-text">{t('feedback.routing.yes')}</strong> : <span className="muted">{t('feedback.routing.no')}</span>}</td>
                  <td className="routing-actions">
                    <button onClick={() => setEditing(i)} disabled={busy !== null} data-testid={`routing-edit-${i}`}>
                      {t('feedback.routing.edit')}
                    </button>
                    <button onClick={() => remove(i)} disabled={busy !== null} data-testid={`routing-delete-${i}`}>
                      {t('feedback.routing.delete')}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      {data && <p className="muted small">{t('feedback.routing.count', { count: rules.length })}</p>}
    </section>
  );
}
