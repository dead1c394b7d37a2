import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BRIEFING_SLIDES } from '../../../../shared/contracts';
import { useNow } from '../../shell/hooks';
import { isTyping } from '../kpi/format';
import { SLIDE_VIEWS } from './slides';
import { useBriefing } from './useBriefing';
import '../kpi/kpi.css';
import './briefing.css';

/**
 * The leaders' briefing (giao ban): one slide per screen, huge figures, the deck position shared by
 * every window through main. Keys: → / PageDown / Space next, ← / PageUp previous (presenter
 * clickers), Home first, 1–9 jump, P play/pause (while playing, main advances every 30 s, or the
 * period the console's briefing remote sets).
 */
export function BriefingView() {
  const { t } = useTranslation();
  const { state, go, error } = useBriefing();
  const now = useNow(1000);

  useEffect(() => {
    if (!state) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const k = e.key;
      if (k === 'ArrowRight' || k === 'PageDown' || k === ' ') go({ delta: 1 });
      else if (k === 'ArrowLeft' || k === 'PageUp') go({ delta: -1 });
      else if (k === 'Home') go({ slide: 0 });
      else if (k === 'End') go({ slide: state.count - 1 });
      else if (/^[1-9]$/.test(k) && Number(k) <= state.count) go({ slide: Number(k) - 1 });
      else if (k === 'p' || k === 'P') go({ playing: !state.playing });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [state, go]);

  if (!state) return <p className="loading">{t('briefing.loading')}</p>;
  const id = BRIEFING_SLIDES[state.slide];
  const Current = SLIDE_VIEWS[id];
  // Seconds to the service's next step (this window's clock may differ from main's a little: bounded).
  const left = Math.min(state.intervalMs / 1000, Math.max(0, Math.ceil((Date.parse(state.at) + state.intervalMs - now.getTime()) / 1000)));
  return (
    <section className="briefing" data-testid="view-briefing" data-slide={id} data-slide-index={state.slide} data-playing={state.playing} data-revision={state.revision}>
      <div className="bf-stage">
        <Current key={id} />
      </div>
      <footer className="bf-controls">
        <button type="button" data-testid="briefing-prev" onClick={() => go({ delta: -1 })} aria-label={t('briefing.prev')}>
          ◀ {t('briefing.prev')}
        </button>
        <nav className="bf-dots" aria-label={t('views.briefing')} title={t('briefing.keys')}>
          {BRIEFING_SLIDES.map((s, i) => (
            <button key={s} type="button" className="bf-dot" data-testid={`briefing-dot-${i}`} aria-current={i === state.slide ? 'step' : undefined} title={`${i + 1}. ${t(`briefing.slides.${s}`)}`} aria-label={t('briefing.goTo', { n: i + 1 })} onClick={() => go({ slide: i })}>
              {i + 1}
            </button>
          ))}
        </nav>
        <strong className="bf-count" data-testid="briefing-count">
          {t('briefing.slideOf', { n: state.slide + 1, count: state.count })}
        </strong>
        <button type="button" data-testid="briefing-play" aria-pressed={state.playing} onClick={() => go({ playing: !state.playing })}>
          {state.playing ? `❚❚ ${t('briefing.pause')}` : `▶ ${t('briefing.play')}`}
        </button>
        {state.playing && <span className="bf-timer muted">{t('briefing.playing', { s: left })}</span>}
        <button type="button" data-testid="briefing-next" onClick={() => go({ delta: 1 })} aria-label={t('briefing.next')}>
          {t('briefing.next')} ▶
        </button>
      </footer>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
