import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VIEW_IDS, type AppInfo, type ServiceHealth, type SyncStatus, type WallState } from '../../../../shared/contracts';
import { AlertsPanel } from './AlertsPanel';
import { CameraCredentials } from './CameraCredentials';
import { DataPanel } from './DataPanel';
import { PushToWall } from './PushToWall';
import { PushKpiBoard } from '../kpi/PushKpiBoard';
import { BriefingRemote } from '../briefing/BriefingRemote';
import { SyncPanel } from './SyncPanel';
import { RoutingRulesPanel } from '../feedback/RoutingRulesPanel';
import { api } from '../../api';
import { TIME_ZONE, locale } from '../../i18n';

function formatTime(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, dateStyle: 'short', timeStyle: 'medium', hour12: false }).format(new Date(iso));
}

export function ConsoleView({ wall, health, sync }: { wall: WallState; health: ServiceHealth[] | null; sync: SyncStatus }) {
  const { t, i18n } = useTranslation();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    api.system.getInfo().then(setInfo, (e: Error) => setError(e.message));
  }, []);

  const assign = async (displayId: string, view: (typeof VIEW_IDS)[number]) => {
    setBusy(`${displayId}:${view}`);
    setError(null);
    try {
      await api.wall.assignView({ displayId, view });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="console" data-testid="view-console" data-view="console">
      <h1>{t('console.title')}</h1>
      {error && (
        <p className="error" role="alert">
          {t('console.error', { message: error })}
        </p>
      )}
      <div className="console-columns">
        <div>
          <h2>{t('console.displays')}</h2>
          <div className="display-grid">
            {wall.resolved.map((r) => {
              const d = wall.displays.find((x) => x.id === r.displayId);
              return (
                <article key={r.displayId} className="card display-card" data-testid={`display-card-${r.displayId}`}>
                  <header>
                    <h3>
                      {r.label} {r.primary && <span className="tag">{t('console.primary')}</span>}
                    </h3>
                    {d && (
                      <span className="muted">
                        {d.bounds.width}×{d.bounds.height} @ {d.bounds.x},{d.bounds.y}
                      </span>
                    )}
                  </header>
                  <p>
                    {t('console.showing')}: <strong data-testid={`display-view-${r.displayId}`}>{t(`views.${r.view}`)}</strong>
                  </p>
                  <p className="muted">{t('console.clients', { count: r.clients })}</p>
                  <div className="view-buttons" role="group" aria-label={t('console.assign')}>
                    {VIEW_IDS.map((v) => (
                      <button
                        key={v}
                        aria-pressed={r.view === v}
                        disabled={busy !== null}
                        onClick={() => assign(r.displayId, v)}
                        data-testid={`assign-${r.displayId}-${v}`}
                      >
                        {t(`views.${v}`)}
                      </button>
                    ))}
                  </div>
                </article>
              );
            })}
          </div>
          <AlertsPanel />
        </div>
        <div>
          <PushToWall wall={wall} />
          <PushKpiBoard wall={wall} />
          <BriefingRemote wall={wall} />
          <SyncPanel status={sync} />
          <DataPanel />
          <CameraCredentials />
        </div>
      </div>

      {sync?.user?.role === 'admin' && <RoutingRulesPanel />}

      <div className="console-columns">
        <div>
          <h2>{t('console.health')}</h2>
          <table className="table" data-testid="health-table">
            <thead>
              <tr>
                <th>{t('console.service')}</th>
                <th>{t('console.state')}</th>
                <th>{t('console.detail')}</th>
                <th>{t('console.since')}</th>
              </tr>
            </thead>
            <tbody>
              {(health ?? []).map((h) => (
                <tr key={h.name} data-testid={`health-${h.name}`}>
                  <td>{h.name}</td>
                  <td>
                    <span className={`pill pill-${h.state}`}>{t(`health.${h.state}`)}</span>
                  </td>
                  <td className="detail">{h.detail}</td>
                  <td>{formatTime(h.since, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h2>{t('console.about')}</h2>
          {info && (
            <dl className="facts" data-testid="app-info">
              <dt>{t('console.about')}</dt>
              <dd data-testid="app-version">
                {info.name} {info.version}
              </dd>
              <dt>{t('console.runtime')}</dt>
              <dd>{t(`console.runtime_${info.runtime}`)}</dd>
              <dt>Node / Electron</dt>
              <dd>
                {info.nodeVersion} / {info.electronVersion ?? '—'}
              </dd>
              <dt>{t('console.started')}</dt>
              <dd>{formatTime(info.startedAt, i18n.language)}</dd>
            </dl>
          )}
          <h2>{t('console.profile')}</h2>
          <ul className="profile" data-testid="wall-profile">
            {wall.profile.assignments.map((a, i) => (
              <li key={i}>
                <strong>{a.displayId}</strong> → {t(`views.${a.view}`)}
                {a.layout ? ` (${a.layout})` : ''} · {a.kiosk ? t('console.kiosk') : a.fullscreen ? t('console.fullscreen') : t('console.windowed')}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
