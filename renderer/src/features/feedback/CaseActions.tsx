import { useEffect, useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeedbackDetail as Detail, FeedbackLookups } from '../../../../shared/contracts';
import { api } from '../../api';

type Act = (name: string, args: Record<string, unknown>) => void;

function useAutofocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/** Submit + cancel under every form of the case detail. */
export function FormButtons({ onCancel, disabled }: { onCancel: () => void; disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="row-actions">
      <button type="submit" className="primary" disabled={disabled} data-testid="form-submit">
        {t('feedback.detail.submit')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('feedback.detail.cancel')}
      </button>
    </div>
  );
}

function Form({ testid, onSubmit, onCancel, children }: { testid: string; onSubmit: () => void; onCancel: () => void; children: ReactNode }) {
  return (
    <form
      className="fq-form"
      data-testid={testid}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      {children}
    </form>
  );
}

/** One reason/text field (pause, reopen). */
export function ReasonForm({ testid, placeholder, onSubmit, onCancel }: { testid: string; placeholder: string; onSubmit: (reason: string) => void; onCancel: () => void }) {
  const [text, setText] = useState('');
  const first = useAutofocus<HTMLTextAreaElement>();
  return (
    <Form testid={testid} onSubmit={() => text.trim() && onSubmit(text.trim())} onCancel={onCancel}>
      <textarea ref={first} value={text} onChange={(e) => setText(e.target.value)} placeholder={placeholder} rows={2} maxLength={2000} required />
      <FormButtons onCancel={onCancel} disabled={!text.trim()} />
    </Form>
  );
}

export function LevelForm({ current, onSubmit, onCancel }: { current: string; onSubmit: (level: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState('');
  const first = useAutofocus<HTMLSelectElement>();
  return (
    <Form testid="form-level" onSubmit={() => level && onSubmit(level)} onCancel={onCancel}>
      <select ref={first} value={level} onChange={(e) => setLevel(e.target.value)} required>
        <option value="">{t('feedback.act.levelPick')}</option>
        {(['urgent', 'normal', 'complex'] as const)
          .filter((l) => l !== current)
          .map((l) => (
            <option key={l} value={l}>
              {t(`feedback.level.${l}`)}
            </option>
          ))}
      </select>
      <FormButtons onCancel={onCancel} disabled={!level} />
    </Form>
  );
}

export function ReferForm({ lookups, currentAgency, onSubmit, onCancel }: { lookups: FeedbackLookups | null; currentAgency: string | null; onSubmit: (agencyId: string, reason: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [agency, setAgency] = useState('');
  const [reason, setReason] = useState('');
  const first = useAutofocus<HTMLSelectElement>();
  return (
    <Form testid="form-refer" onSubmit={() => agency && reason.trim() && onSubmit(agency, reason.trim())} onCancel={onCancel}>
      <select ref={first} value={agency} onChange={(e) => setAgency(e.target.value)} required>
        <option value="">{t('feedback.detail.agencyPick')}</option>
        {lookups?.agencies
          .filter((a) => a.id !== currentAgency)
          .map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
      </select>
      <textarea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('feedback.act.reasonRefer')} rows={2} maxLength={2000} required />
      <FormButtons onCancel={onCancel} disabled={!agency || !reason.trim()} />
    </Form>
  );
}

/** datetime-local is read as Vietnam time (UTC+7, no DST), whatever the PC's zone. */
export function ScheduleForm({ onSubmit, onCancel }: { onSubmit: (iso: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [at, setAt] = useState('');
  const first = useAutofocus<HTMLInputElement>();
  const iso = at ? `${at}:00+07:00` : '';
  const future = iso && Date.parse(iso) > Date.now();
  return (
    <Form testid="form-schedule" onSubmit={() => future && onSubmit(iso)} onCancel={onCancel}>
      <label>
        {t('feedback.act.scheduleAt')}
        <input ref={first} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} required />
      </label>
      <FormButtons onCancel={onCancel} disabled={!future} />
    </Form>
  );
}

interface Attached {
  ref: string;
  preview: string;
  uploaded: boolean;
}

/**
 * The answer to the citizen with "after" photos. Each photo is handed to main as soon as it is
 * picked: stored on this machine and uploaded if the server is there (else later); the resolve
 * command only carries the photos' references.
 */
export function AnswerForm({ needsPhoto, onSubmit, onCancel }: { needsPhoto: boolean; onSubmit: (answer: string, photos: string[]) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState('');
  const [photos, setPhotos] = useState<Attached[]>([]);
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const first = useAutofocus<HTMLTextAreaElement>();

  const onFiles = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    for (const file of files) {
      if (file.type !== 'image/jpeg' && file.type !== 'image/png') {
        setError(`${file.name}: JPEG/PNG`);
        continue;
      }
      setBusy((b) => b + 1);
      try {
        const preview = await new Promise<string>((ok, fail) => {
          const r = new FileReader();
          r.onload = () => ok(String(r.result));
          r.onerror = () => fail(r.error);
          r.readAsDataURL(file);
        });
        const res = await api.feedback.attachPhoto({ type: file.type, dataBase64: preview.slice(preview.indexOf(',') + 1) });
        setPhotos((p) => (p.some((x) => x.ref === res.ref) ? p : [...p, { ref: res.ref, preview, uploaded: res.uploaded }]));
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setBusy((b) => b - 1);
      }
    }
  };

  const missingPhoto = needsPhoto && photos.length === 0;
  return (
    <Form testid="form-answer" onSubmit={() => answer.trim() && !missingPhoto && !busy && onSubmit(answer.trim(), photos.map((p) => p.ref))} onCancel={onCancel}>
      <textarea ref={first} value={answer} onChange={(e) => setAnswer(e.target.value)} placeholder={t('feedback.act.answerText')} rows={4} maxLength={4000} required data-testid="answer-text" />
      <div className="fq-upload">
        {photos.map((p) => (
          <figure key={p.ref} data-testid="answer-photo" data-uploaded={p.uploaded}>
            <img src={p.preview} alt="" />
            <figcaption>{p.uploaded ? t('feedback.act.photoUploaded') : t('feedback.act.photoLocal')}</figcaption>
          </figure>
        ))}
        <label className="fq-file">
          {t('feedback.act.addPhoto')} <input type="file" accept="image/jpeg,image/png" multiple onChange={onFiles} data-testid="answer-file" />
        </label>
        {busy > 0 && <span className="muted small">{t('feedback.act.photoBusy')}</span>}
      </div>
      {missingPhoto && <p className="muted small">{t('feedback.act.photoNeeded')}</p>}
      {error && <p className="error">{error}</p>}
      <FormButtons onCancel={onCancel} disabled={!answer.trim() || missingPhoto || busy > 0} />
    </Form>
  );
}

/** One-click workflow steps (no arguments) offered by the workflow now. */
export function QuickActions({ detail, act }: { detail: Detail; act: Act }) {
  const { t } = useTranslation();
  const id = detail.row.case.id;
  const quick: Array<[string, string]> = [
    ['case.triage', 'triage'],
    ['case.start', 'start'],
    ['case.publish', 'publish'],
    ['case.resume', 'resume'],
  ];
  const shown = quick.filter(([name]) => detail.actions.includes(name));
  if (!shown.length) return null;
  return (
    <div className="fq-act-row">
      {shown.map(([name, key]) => (
        <button key={name} onClick={() => act(name, { caseId: id })} data-testid={`act-${key}`}>
          {t(`feedback.act.${key}`)}
        </button>
      ))}
    </div>
  );
}
