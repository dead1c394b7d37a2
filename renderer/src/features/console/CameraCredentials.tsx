import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CredentialStatus } from '../../../../shared/contracts';
import { api } from '../../api';
import { useCacheQuery } from '../../shell/hooks';
import { matchesCamera } from '../mosaic/search';

type Result = { ok: boolean; text: string };

/**
 * Console panel: enter the login of an RTSP/HTTP camera. The password goes to the main process once
 * (`streams:setCredentials`), is stored encrypted on this machine and is never shown or returned
 * again; the camera's running streams restart with it.
 */
export function CameraCredentials() {
  const { t } = useTranslation();
  const cameras = useCacheQuery(() => api.streams.listCameras(), ['camera']);
  const [status, setStatus] = useState<CredentialStatus[]>([]);
  const [query, setQuery] = useState('');
  const [cameraId, setCameraId] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);

  const refresh = useCallback(() => {
    api.streams.credentialStatus().then(setStatus, () => setStatus([]));
  }, []);
  useEffect(refresh, [refresh, cameras]);

  const needing = useMemo(() => new Map(status.filter((s) => s.needsCredentials).map((s) => [s.cameraId, s.hasCredentials])), [status]);
  const hits = useMemo(() => (cameras ?? []).filter((c) => needing.has(c.id) && matchesCamera(c, query)), [cameras, needing, query]);
  const chosen = hits.find((c) => c.id === cameraId) ?? hits[0];
  const stored = chosen ? needing.get(chosen.id) === true : false;

  const run = async (clear: boolean) => {
    if (!chosen) return;
    setBusy(true);
    setResult(null);
    try {
      await api.streams.setCredentials(clear ? { cameraId: chosen.id, clear: true } : { cameraId: chosen.id, clear: false, username, password });
      setResult({ ok: true, text: t(clear ? 'credentials.cleared' : 'credentials.saved', { camera: chosen.name }) });
      setPassword('');
      refresh();
    } catch (err) {
      setResult({ ok: false, text: t('console.error', { message: (err as Error).message }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card push-to-wall"
      data-testid="camera-credentials"
      autoComplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        void run(false);
      }}
    >
      <h2>{t('credentials.title')}</h2>
      <p className="muted">{t('credentials.hint')}</p>
      <label>
        {t('mosaic.push.camera')}
        <input type="search" value={query} placeholder={t('mosaic.search')} onChange={(e) => setQuery(e.target.value)} data-testid="cred-camera-search" />
        <select size={Math.min(6, Math.max(2, hits.length))} value={chosen?.id ?? ''} onChange={(e) => setCameraId(e.target.value)} data-testid="cred-camera">
          {hits.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} {needing.get(c.id) ? `· ${t('credentials.stored')}` : ''}
            </option>
          ))}
        </select>
      </label>
      {hits.length === 0 && <p className="muted">{t('credentials.none')}</p>}
      <div className="push-row">
        <label>
          {t('credentials.username')}
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" data-testid="cred-username" />
        </label>
        <label>
          {t('credentials.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" data-testid="cred-password" />
        </label>
      </div>
      <div className="push-row">
        <button type="submit" disabled={busy || !chosen || !username.trim() || !password} data-testid="cred-save">
          {t('credentials.save')}
        </button>
        <button type="button" disabled={busy || !chosen || !stored} onClick={() => void run(true)} data-testid="cred-clear">
          {t('credentials.clear')}
        </button>
      </div>
      {result && (
        <p className={result.ok ? 'push-ok' : 'error'} role="status" data-testid="cred-result">
          {result.text}
        </p>
      )}
    </form>
  );
}
