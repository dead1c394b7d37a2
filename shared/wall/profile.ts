import { z } from 'zod';

/** The views a wall window can show. Order = default assignment order for extra displays. */
export const VIEW_IDS = ['console', 'mosaic', 'map', 'kpi', 'feedback', 'briefing'] as const;
export const ViewId = z.enum(VIEW_IDS);
export type ViewId = z.infer<typeof ViewId>;

export const Rect = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type Rect = z.infer<typeof Rect>;

/** A physical (Electron `screen`) or virtual (headless host) display. */
export const Display = z.object({
  /** Stable id as a string (Electron's numeric display.id, or "1", "2"… in the host). */
  id: z.string().min(1).max(64),
  label: z.string().max(200),
  bounds: Rect,
  workArea: Rect,
  primary: z.boolean(),
  scaleFactor: z.number().positive(),
});
export type Display = z.infer<typeof Display>;

/**
 * One entry of the wall profile: which view a display shows, and how.
 * `displayId` may be the literal "primary", which follows whichever display is primary.
 */
export const DisplayAssignment = z.object({
  displayId: z.string().min(1).max(64),
  view: ViewId,
  /** View-specific layout name (e.g. mosaic "3x3"); opaque to the planner. */
  layout: z.string().max(64).optional(),
  kiosk: z.boolean().default(false),
  fullscreen: z.boolean().default(true),
  /** Last bounds of a windowed (not fullscreen) window, restored if still on-screen. */
  savedBounds: Rect.optional(),
});
export type DisplayAssignment = z.infer<typeof DisplayAssignment>;

export const WallProfile = z.object({
  version: z.literal(1),
  name: z.string().max(200),
  assignments: z.array(DisplayAssignment).max(64),
});
export type WallProfile = z.infer<typeof WallProfile>;
