import { z } from 'zod';

export const MOSAIC_LAYOUTS = ['1', '2x2', '3x3', '4x4', '5x5', '1+5', '1+7', '2+8', 'custom'] as const;
export const MosaicLayoutName = z.enum(MOSAIC_LAYOUTS);
export type MosaicLayoutName = z.infer<typeof MosaicLayoutName>;

export const TourStep = z.object({ cameraIds: z.array(z.string().max(200)).max(25), dwellSec: z.number().int().min(3).max(3600) });

/** What one display's mosaic shows: saved per display, restored at start, followed live by its page. */
export const MosaicState = z.object({
  displayId: z.string().min(1).max(64),
  layout: MosaicLayoutName,
  /** For 'custom': grid size. */
  custom: z.object({ rows: z.number().int().min(1).max(6), cols: z.number().int().min(1).max(6) }).optional(),
  /** Camera per tile, in tile order; null = empty tile. */
  tiles: z.array(z.string().max(200).nullable()).max(36),
  /** Index of the enlarged tile (plays the main stream), or null. */
  enlarged: z.number().int().min(0).max(35).nullable().default(null),
  tour: z.object({ steps: z.array(TourStep).max(100), running: z.boolean() }).optional(),
});
export type MosaicState = z.infer<typeof MosaicState>;
