import { z } from 'zod';
import { call, event } from './rpc';
import { Display, ViewId, WallProfile } from '../wall/profile';

export const ResolvedDisplay = z.object({
  displayId: z.string(),
  label: z.string(),
  primary: z.boolean(),
  view: ViewId,
  layout: z.string().optional(),
  /** Windows (Electron) or pages (host) currently showing this display. */
  clients: z.number().int().nonnegative(),
});
export type ResolvedDisplay = z.infer<typeof ResolvedDisplay>;

export const WallState = z.object({
  displays: z.array(Display),
  profile: WallProfile,
  resolved: z.array(ResolvedDisplay),
  /** Monotonic revision: a page ignores an older state than the one it shows. */
  revision: z.number().int().nonnegative(),
});
export type WallState = z.infer<typeof WallState>;

export const AssignViewInput = z.object({
  displayId: z.string().min(1).max(64),
  view: ViewId,
  layout: z.string().max(64).optional(),
});
export type AssignViewInput = z.infer<typeof AssignViewInput>;

export const wallContract = {
  getState: call('wall:getState', z.void(), WallState),
  /** Console: show `view` on a display; that display's window/page follows through `onChanged`. */
  assignView: call('wall:assignView', AssignViewInput, WallState),
  onChanged: event('wall:changed', WallState),
};
