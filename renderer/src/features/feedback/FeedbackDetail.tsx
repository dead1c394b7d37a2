import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackDetail as Detail, FeedbackLookups } from '../../../../shared/contracts';
import { api } from '../../api';
import { useCacheQuery } from '../../shell/hooks';
import { AnswerForm, FormButtons, LevelForm, QuickActions, ReasonForm, ReferForm, ScheduleForm } from './CaseActions';
import { categoryLabel, formatRemaining, formatShort, slaState, statusLabel } from './format';
import { LocationPreview } from './LocationPreview';
import { Photo } from './Photo';
import './feedback-detail.css';

export type ActionMode = 'assign' | 'status' | 'note' | 'answer' | 'level' | 'pause' | 'refer' | 'schedule' | 'reopen' | null;

interface Props {
  id: string;
  lookups: FeedbackLookups | null;
  action: ActionMode;
  setAction: (a: ActionMode) => void;
  onClose: () => void;
}

/** One case: what the citizen sent, where, what happened since, likely duplicates, and the actions. */
export function FeedbackDetail({ id, lookups, action, setAction, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [queued, setQueued] = useState(false);
  const [bump, setBump] = useState(0);
  const [lightbox, setLightbox] = useState<number | null>(null);
  const detail = useCacheQuery<Detail | { error: string }>(
    () => api.feedback.get({ id }).catch((e: Error) => ({ error: e.message })),
    ['feedback_case', 'case_event', 'admin_unit', 'agency'],
    [id, bump],
  );

  useEffect(() => {
    setQueued(false);
    setError(null);
  }, [id]);

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      setQueued(true);
      setAction(null);
      setBump((b) => b + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const act = (name: string, args: Record<string, unknown>) => void run(() => api.feedback.act({ name, args }));

  if (!detail) return <aside className="fq-detail" data-testid="feedback-detail" aria-busy="true" />;
  if ('error' in detail)
    return (
      <aside className="fq-detail" data-testid="feedback-detail">
        <p className="error">{detail.error}</p>
      </aside>
    );
  const c = detail.row.case;
  const sla = detail.row.sla;
  const state = slaState(sla);

  return (
    <aside className={`fq-detail sla-${state}`} data-testid="feedback-detail" data-case={c.id} aria-label={c.title}>
      <header className="fq-detail-head">
        <div>
          <span className={`lvl lvl-${c.level}`}>{t(`feedback.level.${c.level}`)}</span> <span className="fq-id">{c.id}</span>
          <h2 className="fq-detail-title">{c.title}</h2>
        </div>
        <button onClick={onClose} aria-label={t('feedback.detail.close')}>
          ✕
        </button>
      </header>

      <dl className="facts fq-facts">
        <dt>{t('feedback.col.status')}</dt>
        <dd data-testid="detail-status">
          {statusLabel(c.status, t)} {detail.row.pending && <span className="pill pill-pending">{t('feedback.pending')}</span>}
          {detail.paused && <div className="fq-paused" data-testid="detail-paused">⏸ {t('feedback.act.paused')}{typeof c.pauseReason === 'string' ? ` — ${c.pauseReason}` : ''}</div>}
        </dd>
        <dt>{t('feedback.detail.dueAt')}</dt>
        <dd className={`sla-text-${state}`} data-testid="detail-sla" data-sla={state}>
          {sla.paused ? formatRemaining(sla, t) : sla.dueAt ? `${formatShort(sla.dueAt, i18n.language)} · ${formatRemaining(sla, t)}` : '—'}
          {sla.escalationLevel === 2 && (
            <span className="pill pill-closed fq-esc" data-testid="detail-escalated" data-escalations={sla.escalations}>
              {sla.escalations === 2 ? t('feedback.escalatedTwice') : t('feedback.escalated')}
            </span>
          )}
        </dd>
        <dt>{t('feedback.detail.receivedAt')}</dt>
        <dd>{formatShort(c.receivedAt, i18n.language)}</dd>
        <dt>{t('feedback.detail.agency')}</dt>
        <dd>{detail.agency?.name ?? c.agencyId ?? '—'}</dd>
        <dt>{t('feedback.detail.category')}</dt>
        <dd>{categoryLabel(c.category, i18n.language, t)}</dd>
      </dl>
      {detail.rejectedActions.length > 0 && (
        <div className="fq-rejected" data-testid="detail-rejected" role="alert">
          <h4>{t('feedback.act.rejectedTitle')}</h4>
          <ul>
            {detail.rejectedActions.map((r) => (
              <li key={r.mutationId}>
                <strong>{t(`commands.${r.name}`, { defaultValue: r.name })}</strong> · <span className="muted">{formatShort(r.rejectedAt, i18n.language)}</span>
                <div className="fq-reason" data-testid="rejected-reason">{r.reason}</div>
                <div className="row-actions">
                  <button onClick={() => run(() => api.sync.retryRejected({ mutationId: r.mutationId }))}>{t('feedback.act.retry')}</button>
                  <button onClick={() => run(() => api.sync.discardRejected({ mutationId: r.mutationId }))}>{t('feedback.act.discard')}</button>
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}

      <section>
        <h3>{t('feedback.detail.description')}</h3>
        <p className="fq-desc">{c.description}</p>
        {typeof c.answer === 'string' && c.answer && (
          <div className="fq-answer" data-testid="detail-answer">
            <strong>{t('feedback.act.answer_')}:</strong> {c.answer}
          </div>
        )}
      </section>

      <section>
        <h3>{t('feedback.detail.photos')}</h3>
        {detail.photos.length === 0 ? (
          <p className="muted">{t('feedback.detail.noPhotos')}</p>
        ) : (
          <div className="fq-photos">
            {detail.photos.map((src, n) => (
              <button key={src} className="fq-thumb" onClick={() => setLightbox(n)} aria-label={t('feedback.detail.photo', { n: n + 1 })} data-testid="detail-photo">
                <Photo photoRef={src} />
              </button>
            ))}
          </div>
        )}
      </section>

      <section>
        <h3>{t('feedback.detail.location')}</h3>
        <p data-testid="detail-location">
          {detail.unit?.name ?? c.unitId ?? '—'}
          {c.address ? ` · ${c.address}` : ''}
          <br />
          <span className="muted">{c.location ? `${c.location[1].toFixed(5)}° N, ${c.location[0].toFixed(5)}° E` : t('feedback.detail.noLocation')}</span>
        </p>
        {c.location && <LocationPreview location={c.location} label={detail.unit?.name ?? ''} />}
      </section>

      <section className="fq-actions">
        <h3>{t('feedback.detail.actions')}</h3>
        <div className="row-actions">
          <button aria-pressed={action === 'assign'} onClick={() => setAction(action === 'assign' ? null : 'assign')} disabled={!detail.canAssign} data-testid="action-assign">
            {t('feedback.detail.assign')}
          </button>
          <button aria-pressed={action === 'status'} onClick={() => setAction(action === 'status' ? null : 'status')} disabled={!detail.allowedStatuses.length} data-testid="action-status">
            {t('feedback.detail.setStatus')}
          </button>
          <button aria-pressed={action === 'note'} onClick={() => setAction(action === 'note' ? null : 'note')} data-testid="action-note">
            {t('feedback.detail.addNote')}
          </button>
          {detail.actions.includes('case.resolve') && (
            <button aria-pressed={action === 'answer'} onClick={() => setAction(action === 'answer' ? null : 'answer')} data-testid="action-answer">
              {t('feedback.act.answer')}
            </button>
          )}
          {detail.actions.includes('case.setLevel') && (
            <button aria-pressed={action === 'level'} onClick={() => setAction(action === 'level' ? null : 'level')} data-testid="action-level">
              {t('feedback.act.level')}
            </button>
          )}
          {detail.actions.includes('case.pause') && (
            <button aria-pressed={action === 'pause'} onClick={() => setAction(action === 'pause' ? null : 'pause')} data-testid="action-pause">
              {t('feedback.act.pause')}
            </button>
          )}
          {detail.actions.includes('case.schedule') && (
            <button aria-pressed={action === 'schedule'} onClick={() => setAction(action === 'schedule' ? null : 'schedule')} data-testid="action-schedule">
              {t('feedback.act.schedule')}
            </button>
          )}
          {detail.actions.includes('case.refer') && (
            <button aria-pressed={action === 'refer'} onClick={() => setAction(action === 'refer' ? null : 'refer')} data-testid="action-refer">
              {t('feedback.act.refer')}
            </button>
          )}
          {detail.actions.includes('case.reopen') && (
            <button aria-pressed={action === 'reopen'} onClick={() => setAction(action === 'reopen' ? null : 'reopen')} data-testid="action-reopen">
              {t('feedback.act.reopen')}
            </button>
          )}
        </div>
        <QuickActions detail={detail} act={act} />
        {!detail.canAssign && action === 'assign' && <p className="muted">{t('feedback.detail.cannotAssign')}</p>}
        {action === 'assign' && detail.canAssign && <AssignForm lookups={lookups} onCancel={() => setAction(null)} onSubmit={(agencyId, officer) => run(() => api.feedback.assign({ caseId: c.id, agencyId, officer: officer || undefined }))} />}
        {action === 'status' && (
          <StatusForm
            options={detail.allowedStatuses.filter((o) => o.status !== 'resolved' || !detail.needsFixPhoto)}
            onCancel={() => setAction(null)}
            onSubmit={(status, reason) => run(() => api.feedback.setStatus({ caseId: c.id, status, reason: reason || undefined }))}
          />
        )}
        {action === 'note' && <NoteForm onCancel={() => setAction(null)} onSubmit={(text) => run(() => api.feedback.addNote({ caseId: c.id, text }))} />}
        {action === 'answer' && <AnswerForm needsPhoto={detail.needsFixPhoto} onCancel={() => setAction(null)} onSubmit={(answer, photos) => act('case.resolve', { caseId: c.id, answer, photos })} />}
        {action === 'level' && <LevelForm current={c.level} onCancel={() => setAction(null)} onSubmit={(level) => act('case.setLevel', { caseId: c.id, level })} />}
        {action === 'pause' && <ReasonForm testid="form-pause" placeholder={t('feedback.act.reasonPause')} onCancel={() => setAction(null)} onSubmit={(reason) => act('case.pause', { caseId: c.id, reason })} />}
        {action === 'reopen' && <ReasonForm testid="form-reopen" placeholder={t('feedback.act.reasonReopen')} onCancel={() => setAction(null)} onSubmit={(reason) => act('case.reopen', { caseId: c.id, reason })} />}
        {action === 'refer' && <ReferForm lookups={lookups} currentAgency={c.agencyId} onCancel={() => setAction(null)} onSubmit={(agencyId, reason) => act('case.refer', { caseId: c.id, agencyId, reason })} />}
        {action === 'schedule' && <ScheduleForm onCancel={() => setAction(null)} onSubmit={(at) => act('case.schedule', { caseId: c.id, at })} />}
        {queued && (
          <p className="warn" data-testid="action-queued">
            {t('feedback.detail.queued')}
          </p>
        )}
        {error && <p className="error">{error}</p>}
      </section>

      <section>
        <h3>{t('feedback.detail.history')}</h3>
        <ol className="fq-timeline" data-testid="detail-history">
          {detail.pendingActions
            .slice()
            .reverse()
            .map((p) => (
              <li key={p.mutationId} className="fq-ev fq-ev-pending">
                <span className="muted">{formatShort(p.createdAt, i18n.language)}</span> <strong>{t(`commands.${p.name}`, { defaultValue: p.name })}</strong>{' '}
                <span className="pill pill-pending">{t('feedback.pending')}</span>
                <div className="muted">{describeArgs(p.args, lookups, t)}</div>
              </li>
            ))}
          {detail.history.map((h) => (
            <li key={h.id} className="fq-ev">
              <span className="muted">{formatShort(h.at, i18n.language)}</span> <strong>{eventLabel(h.action, t)}</strong> · {h.actor}
              {h.text && <div className="muted">{h.text}</div>}
            </li>
          ))}
          {!detail.history.length && !detail.pendingActions.length && <li className="muted">{t('feedback.detail.noHistory')}</li>}
        </ol>
      </section>

      <section>
        <h3>{t('feedback.detail.duplicates')}</h3>
        {detail.duplicates.length === 0 ? (
          <p className="muted">{t('feedback.detail.noDuplicates')}</p>
        ) : (
          <ul className="fq-dups" data-testid="detail-duplicates">
            {detail.duplicates.map((d) => (
              <li key={d.case.id}>
                <span className="fq-id">{d.case.id}</span> {d.case.title} · <span className="muted">{t('feedback.detail.distance', { m: Math.round(d.distanceM) })}</span> · {statusLabel(d.case.status, t)}
                {detail.actions.includes('case.merge') && (
                  <button onClick={() => act('case.merge', { caseId: c.id, into: d.case.id })} title={t('feedback.act.mergeHint')} data-testid={`merge-into-${d.case.id}`}>
                    {t('feedback.act.merge')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {lightbox !== null && <Lightbox photos={detail.photos} index={lightbox} onIndex={setLightbox} />}
    </aside>
  );
}

const EVENT_COMMAND: Record<string, string> = { markDuplicate: 'case.merge', addNote: 'case.addNote', note: 'case.addNote' };

function eventLabel(action: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (action.startsWith('status:')) return statusLabel(action.slice(7), t as never);
  const command = EVENT_COMMAND[action] ?? `case.${action}`;
  return t(`feedback.act.events.${action}`, { defaultValue: t(`commands.${command}`, { defaultValue: t(`feedback.status.${action}`, { defaultValue: action }) }) });
}

function describeArgs(args: unknown, lookups: FeedbackLookups | null, t: (k: string, o?: Record<string, unknown>) => string): string {
  const a = (args ?? {}) as Record<string, unknown>;
  if (typeof a.agencyId === 'string') return lookups?.agencies.find((x) => x.id === a.agencyId)?.name ?? a.agencyId;
  if (typeof a.status === 'string') return statusLabel(a.status, t as never) + (typeof a.reason === 'string' ? ` — ${a.reason}` : '');
  if (typeof a.level === 'string') return t(`feedback.level.${a.level}`);
  if (typeof a.into === 'string') return `→ ${a.into}`;
  if (typeof a.answer === 'string') return a.answer + (Array.isArray(a.photos) && a.photos.length ? ` (📷 ${a.photos.length})` : '');
  if (typeof a.at === 'string') return a.at;
  if (typeof a.reason === 'string') return a.reason;
  return typeof a.text === 'string' ? a.text : '';
}

function useAutofocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function AssignForm({ lookups, onSubmit, onCancel }: { lookups: FeedbackLookups | null; onSubmit: (agencyId: string, officer: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [agency, setAgency] = useState('');
  const [officer, setOfficer] = useState('');
  const first = useAutofocus<HTMLSelectElement>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (agency) onSubmit(agency, officer.trim());
  };
  return (
    <form className="fq-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()} data-testid="form-assign">
      <select ref={first} value={agency} onChange={(e) => setAgency(e.target.value)} required>
        <option value="">{t('feedback.detail.agencyPick')}</option>
        {lookups?.agencies.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      <input value={officer} onChange={(e) => setOfficer(e.target.value)} placeholder={t('feedback.detail.officer')} maxLength={200} />
      <FormButtons onCancel={onCancel} disabled={!agency} />
    </form>
  );
}

function StatusForm({ options, onSubmit, onCancel }: { options: Detail['allowedStatuses']; onSubmit: (status: string, reason: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState('');
  const [reason, setReason] = useState('');
  const first = useAutofocus<HTMLSelectElement>();
  const option = options.find((o) => o.status === status);
  const missing = !!option?.needsReason && !reason.trim();
  if (!options.length) return <p className="muted">{t('feedback.detail.noTransitions')}</p>;
  return (
    <form
      className="fq-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (status && !missing) onSubmit(status, reason.trim());
      }}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      data-testid="form-status"
    >
      <select ref={first} value={status} onChange={(e) => setStatus(e.target.value)} required>
        <option value="">{t('feedback.detail.statusPick')}</option>
        {options.map((o) => (
          <option key={o.status} value={o.status}>
            {statusLabel(o.status, t)}
          </option>
        ))}
      </select>
      <textarea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('feedback.detail.reason')} rows={2} maxLength={2000} />
      {missing && <p className="muted small">{t('feedback.detail.reasonRequired')}</p>}
      <FormButtons onCancel={onCancel} disabled={!status || missing} />
    </form>
  );
}

function NoteForm({ onSubmit, onCancel }: { onSubmit: (text: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const first = useAutofocus<HTMLTextAreaElement>();
  return (
    <form
      className="fq-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onSubmit(text.trim());
      }}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      data-testid="form-note"
    >
      <textarea ref={first} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('feedback.detail.note')} rows={3} maxLength={4000} required />
      <FormButtons onCancel={onCancel} disabled={!text.trim()} />
    </form>
  );
}


function Lightbox({ photos, index, onIndex }: { photos: string[]; index: number; onIndex: (i: number | null) => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onIndex(null);
      else if (e.key === 'ArrowRight') onIndex((index + 1) % photos.length);
      else if (e.key === 'ArrowLeft') onIndex((index - 1 + photos.length) % photos.length);
      else return;
      e.stopPropagation();
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [index, photos.length, onIndex]);
  return (
    <div className="fq-lightbox" role="dialog" aria-modal="true" onClick={() => onIndex(null)} data-testid="lightbox">
      <Photo photoRef={photos[index]} />
      <span className="fq-lightbox-count">
        {index + 1} / {photos.length}
      </span>
    </div>
  );
}
