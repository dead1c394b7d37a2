import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/contracts';
import { api } from '../api';

/** Shown when there is no usable session (a configured central server, no cached session ≤ 72 h). */
export function LoginView({ status }: { status: SyncStatus }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.sync.login({ username, password });
      setPassword('');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="login" data-testid="view-login">
      <form onSubmit={submit} className="card login-card">
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.server', { url: status.serverUrl ?? '—' })}</p>
        <label>
          {t('login.username')}
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus data-testid="login-username" />
        </label>
        <label>
          {t('login.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="login-password" />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !username || !password} data-testid="login-submit">
          {t('login.submit')}
        </button>
      </form>
    </section>
  );
}
