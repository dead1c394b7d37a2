import { useTranslation } from 'react-i18next';
import { BRIEFING_SLIDES, type WallState } from '../../../../shared/contracts';
import { BRIEFING_INTERVALS_S } from '../../../../shared/contracts/briefing.contract';
import { useBriefing } from './useBriefing';
import './briefing.css';

/** The offered periods, and the current one if config.json holds another. */
const intervalChoices = (current: number) => [...new Set<number>([...BRIEFING_INTERVALS_S, current])].sort((a, b) => a - b);

/**
 * Console panel: drive the briefing from the operator's desk. It moves the same deck position the
 * wall's briefing displays follow (held by main), so the operator and the leader's clicker agree,
 * and sets how long each slide stays while the deck plays.
 */
export function BriefingRemote({ wall }: { wall: WallState }) {
  const { t } = useTranslation();
  const { state, go, error } = useBriefing();
  const showing = wall.resolved.filter((r) => r.view === 'briefing').map((r) => r.label);
  return (
    <section className="card bf-remote" data-testid="briefing-remote" data-slide-index={state?.slide ?? ''}>
      <h2>{t('briefing.remote.title')}</h2>
      <p className="muted">{showing.length ? t('briefing.remote.showing', { displays: showing.join(', ') }) : t('briefing.remote.none')}</p>
      {state && (
        <>
          <p>
            <strong data-testid="briefing-remote-current">
              {state.slide + 1}/{state.count} · {t(`briefing.slides.${BRIEFING_SLIDES[state.slide]}`)}
            </strong>
          </p>
          <div className="view-buttons" role="group" aria-label={t('views.briefing')}>
            <button type="button" onClick={() => go({ delta: -1 })} data-testid="briefing-remote-prev">
              ◀ {t('briefing.prev')}
            </button>
            {BRIEFING_SLIDES.map((s, i) => (
              <button key={s} type="button" aria-pressed={i === state.slide} title={t(`briefing.slides.${s}`)} onClick={() => go({ slide: i })} data-testid={`briefing-remote-${i}`}>
                {i + 1}
              </button>
            ))}
            <button type="button" onClick={() => go({ delta: 1 })} data-testid="briefing-remote-next">
              {t('briefing.next')} ▶
            </button>
            <button type="button" aria-pressed={state.playing} onClick={() => go({ playing: !state.playing })} data-testid="briefing-remote-play">
              {state.playing ? t('briefing.pause') : t('briefing.play')}
            </button>
          </div>
          <label className="bf-interval">
            {t('briefing.remote.interval')}{' '}
            <select data-testid="briefing-remote-interval" value={state.intervalMs / 1000} onChange={(e) => go({ intervalSeconds: Number(e.target.value) })}>
              {intervalChoices(state.intervalMs / 1000).map((s) => (
                <option key={s} value={s}>
                  {t('briefing.remote.seconds', { s })}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
