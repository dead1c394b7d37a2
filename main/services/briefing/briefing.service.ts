import { BRIEFING_AUTO_ADVANCE_MS, BRIEFING_SLIDES, briefingContract, type BriefingGoInput, type BriefingState } from '../../../shared/contracts/briefing.contract';
import type { EventBus } from '../../core/events';
import type { ConfigStore } from '../config/config.service';
import type { Logger } from '../../core/dispatcher';

export interface BriefingServiceDeps {
  bus: EventBus;
  now?: () => Date;
  /** Auto-advance period while playing (default: config.json's briefing.intervalSeconds, else BRIEFING_AUTO_ADVANCE_MS). */
  intervalMs?: number;
  /** Where the slide and the period are kept across restarts (config.json); none: it starts on the first slide. */
  config?: Pick<ConfigStore, 'get' | 'update'>;
  log?: Logger;
}

/**
 * The briefing deck's position, held in main so every window showing the briefing shows the same
 * slide. A step (`delta`) wraps round the deck. While playing, the service's own timer moves the deck
 * on; any manual change restarts the period, so a slide the leader just went to stays its full time.
 * The slide is kept in config.json: after a restart (mid-meeting) the deck is where it was, paused.
 */
export class BriefingService {
  private slide = 0;
  private playing = false;
  private revision = 0;
  private by: string | null = null;
  private at: string;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly now: () => Date;
  private intervalMs: number;
  /** The period a user chose (or config.json held): saved with the slide; undefined: the default. */
  private intervalSeconds: number | undefined;
  private disposed = false;

  constructor(private readonly deps: BriefingServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    const saved = deps.config?.get().briefing;
    this.intervalSeconds = saved?.intervalSeconds;
    this.intervalMs = deps.intervalMs ?? (this.intervalSeconds !== undefined ? this.intervalSeconds * 1000 : BRIEFING_AUTO_ADVANCE_MS);
    this.at = this.now().toISOString();
    if (saved !== undefined && saved.slide < BRIEFING_SLIDES.length) this.slide = saved.slide;
  }

  getState(): BriefingState {
    return { slide: this.slide, count: BRIEFING_SLIDES.length, playing: this.playing, intervalMs: this.intervalMs, revision: this.revision, by: this.by, at: this.at };
  }

  /** Input already validated by the contract (slide bounded, delta ±1, not both). */
  go(input: BriefingGoInput, by: string | null): BriefingState {
    const n = BRIEFING_SLIDES.length;
    if (input.slide !== undefined) this.slide = input.slide;
    else if (input.delta !== undefined) this.slide = (((this.slide + input.delta) % n) + n) % n;
    if (input.playing !== undefined) this.playing = input.playing;
    if (input.intervalSeconds !== undefined) {
      this.intervalSeconds = input.intervalSeconds;
      this.intervalMs = input.intervalSeconds * 1000;
    }
    this.restartTimer();
    return this.changed(by);
  }

  dispose(): void {
    this.disposed = true;
    this.stopTimer();
  }

  private changed(by: string | null): BriefingState {
    this.save();
    this.revision += 1;
    this.by = by;
    this.at = this.now().toISOString();
    const s = this.getState();
    this.deps.bus.publish(briefingContract.onChanged, s);
    return s;
  }

  private save(): void {
    const config = this.deps.config;
    const saved = config?.get().briefing;
    const intervalSeconds = this.intervalSeconds;
    if (!config || (saved?.slide === this.slide && saved.intervalSeconds === intervalSeconds)) return;
    try {
      config.update((c) => ({ ...c, briefing: { slide: this.slide, ...(intervalSeconds !== undefined ? { intervalSeconds } : {}) } }));
    } catch (err) {
      // A full disk must not stop the meeting: the deck goes on, only a restart would forget the slide.
      this.deps.log?.('warn', 'briefing: the slide and period could not be saved', { error: (err as Error).message });
    }
  }

  private restartTimer(): void {
    this.stopTimer();
    if (!this.playing || this.disposed) return;
    this.timer = setInterval(() => {
      this.slide = (this.slide + 1) % BRIEFING_SLIDES.length;
      this.changed(null);
    }, this.intervalMs);
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
