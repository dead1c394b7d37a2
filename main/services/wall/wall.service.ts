import { IocError } from '../../../shared/contracts/rpc';
import { wallContract, type AssignViewInput, type WallState } from '../../../shared/contracts/wall.contract';
import { defaultProfile, resolveAssignments } from '../../../shared/wall/planner';
import type { WallProfile } from '../../../shared/wall/profile';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/dispatcher';
import type { ConfigStore } from '../config/config.service';
import type { DisplaySource } from './window-manager';

/**
 * What each display shows. The profile lives in the app config; until the operator changes
 * anything it is derived from the displays present (primary → console, others → wall views).
 * Every change is published as `wall:changed`, which is how a display's page follows the console.
 */
export class WallService {
  private revision = 0;
  private clients = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deps: { displays: DisplaySource; config: ConfigStore; bus: EventBus; log: Logger },
  ) {}

  start(): void {
    this.unsubscribe = this.deps.displays.onChange(() => this.changed('displays changed'));
  }

  profile(): WallProfile {
    return this.deps.config.get().wallProfile ?? defaultProfile(this.deps.displays.list());
  }

  state(): WallState {
    const displays = this.deps.displays.list();
    const profile = this.profile();
    const resolved = resolveAssignments(displays, profile).map(({ display, assignment }) => ({
      displayId: display.id,
      label: display.label,
      primary: display.primary,
      view: assignment.view,
      layout: assignment.layout,
      clients: this.clients.get(display.id) ?? 0,
    }));
    return { displays, profile, resolved, revision: this.revision };
  }

  assignView(input: AssignViewInput): WallState {
    const displays = this.deps.displays.list();
    const display = displays.find((d) => d.id === input.displayId);
    if (!display) throw new IocError('not_found', `Display ${input.displayId} is not connected`);
    const profile = structuredClone(this.profile());
    // Change the entry that currently drives this display (it may be the "primary" entry), else add one.
    const driving = resolveAssignments(displays, profile).find((r) => r.display.id === display.id)?.assignment;
    const idx = driving ? profile.assignments.indexOf(driving) : -1;
    if (idx >= 0) profile.assignments[idx] = { ...profile.assignments[idx], view: input.view, layout: input.layout };
    else profile.assignments.push({ displayId: display.id, view: input.view, layout: input.layout, kiosk: false, fullscreen: true });
    this.deps.config.update((c) => ({ ...c, wallProfile: profile }));
    this.deps.log('info', 'view assigned', { displayId: display.id, view: input.view });
    return this.changed('view assigned');
  }

  /** A window or page showing `displayId` appeared; returns its goodbye. */
  attachClient(displayId: string): () => void {
    this.clients.set(displayId, (this.clients.get(displayId) ?? 0) + 1);
    this.changed('client attached');
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      const n = (this.clients.get(displayId) ?? 1) - 1;
      if (n <= 0) this.clients.delete(displayId);
      else this.clients.set(displayId, n);
      this.changed('client detached');
    };
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private changed(_why: string): WallState {
    this.revision++;
    const s = this.state();
    this.deps.bus.publish(wallContract.onChanged, s);
    return s;
  }
}
