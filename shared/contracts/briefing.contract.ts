import { z } from 'zod';
import { call, event } from './rpc';

/**
 * The leaders' briefing (giao ban): a fixed deck of slides built from the cached data. Which slide
 * is shown, and whether the deck plays by itself, is held by main and broadcast, so every window or
 * page showing the briefing follows the one the leader (or the console operator) drives.
 */

export const BRIEFING_SLIDES = ['overview', 'water', 'feedback', 'services', 'cameras', 'health_education', 'cyberspace'] as const;
export const BriefingSlideId = z.enum(BRIEFING_SLIDES);
export type BriefingSlideId = z.infer<typeof BriefingSlideId>;

/** While playing, the deck moves on by itself this often (the service's timer, so windows stay in step). */
export const BRIEFING_AUTO_ADVANCE_MS = 30_000;
/** The periods the console offers; any whole number of seconds in [MIN, MAX] is accepted. */
export const BRIEFING_INTERVALS_S = [15, 30, 60, 120] as const;
export const BRIEFING_INTERVAL_MIN_S = 5;
export const BRIEFING_INTERVAL_MAX_S = 600;

export const BriefingState = z.object({
  /** Index into BRIEFING_SLIDES. */
  slide: z.number().int().min(0).max(BRIEFING_SLIDES.length - 1),
  count: z.literal(BRIEFING_SLIDES.length),
  playing: z.boolean(),
  intervalMs: z.number().int().positive(),
  /** Monotonic revision: a page ignores an older state than the one it shows. */
  revision: z.number().int().nonnegative(),
  /** Display that made the last change (null: a page without a display, the console, or the timer). */
  by: z.string().max(64).nullable(),
  at: z.string(),
});
export type BriefingState = z.infer<typeof BriefingState>;

/**
 * Go to a slide (`slide`, 0-based, bounded by the deck) or one step (`delta`: −1 or +1, wrapping
 * round the deck: next on the last slide is the first), and/or start/stop playing, and/or set the
 * auto-advance period. Not slide and delta both.
 */
export const BriefingGoInput = z
  .object({
    slide: z.number().int().min(0).max(BRIEFING_SLIDES.length - 1).optional(),
    delta: z.union([z.literal(-1), z.literal(1)]).optional(),
    playing: z.boolean().optional(),
    /** The auto-advance period, seconds (kept in config.json). */
    intervalSeconds: z.number().int().min(BRIEFING_INTERVAL_MIN_S).max(BRIEFING_INTERVAL_MAX_S).optional(),
  })
  .strict()
  .refine((i) => i.slide === undefined || i.delta === undefined, { message: 'Give either slide or delta, not both' })
  .refine((i) => i.slide !== undefined || i.delta !== undefined || i.playing !== undefined || i.intervalSeconds !== undefined, { message: 'Give slide, delta, playing or intervalSeconds' });
export type BriefingGoInput = z.infer<typeof BriefingGoInput>;

export const briefingContract = {
  getState: call('briefing:getState', z.void(), BriefingState),
  go: call('briefing:go', BriefingGoInput, BriefingState),
  onChanged: event('briefing:changed', BriefingState),
};
