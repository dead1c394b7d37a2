import { compareIds, planWindows, type OpenWindow, type WindowAction } from '../../../shared/wall/planner';
import type { Display, Rect, ViewId, WallProfile } from '../../../shared/wall/profile';

/** What the manager needs from a windowing system (Electron adapter: main/electron/window-port.ts). */
export interface WindowPort {
  /** Opens a window and returns its id. */
  create(spec: { displayId: string; view: ViewId; layout?: string; bounds: Rect; kiosk: boolean; fullscreen: boolean }): string;
  /** `displayId` is passed when the window changes display, so the port can keep its URL current. */
  move(windowId: string, bounds: Rect, displayId?: string): void;
  setView(windowId: string, view: ViewId, layout?: string): void;
  setMode(windowId: string, mode: { kiosk: boolean; fullscreen: boolean }): void;
  close(windowId: string): void;
  /**
   * Renderer crashed or window closed without `close()` being called. The port has already
   * disposed of that window; its id is dead.
   */
  onGone(listener: (windowId: string, reason: string) => void): () => void;
}

/** The displays present (Electron adapter: main/electron/screen-source.ts; host: virtual-displays.ts). */
export interface DisplaySource {
  list(): Display[];
  onChange(listener: () => void): () => void;
}

export interface WindowManagerDeps {
  port: WindowPort;
  displays: DisplaySource;
  getProfile: () => WallProfile;
  log?: (msg: string, meta?: object) => void;
  /** Clock for the crash-loop window; tests pass a fake. */
  now?: () => number;
}

/** More than this many crashes of one display's window within CRASH_WINDOW_MS: stop recreating it. */
export const MAX_CRASHES = 5;
export const CRASH_WINDOW_MS = 60_000;

/**
 * Keeps one window per wall display: applies the planner on start, on display changes and
 * after a window dies. The table of open windows is the manager's own record of what it
 * asked the port to do, so planning never needs to query the windowing system.
 */
export class WindowManager {
  private readonly table = new Map<string, OpenWindow>();
  private readonly crashes = new Map<string, number[]>(); // display|view → crash times
  private readonly givenUp = new Set<string>(); // display|view slots not recreated any more
  private subscriptions: Array<() => void> = [];
  private reconcileQueued = false;
  private started = false;
  private disposed = false;

  constructor(private readonly deps: WindowManagerDeps) {}

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.subscriptions.push(
      this.deps.displays.onChange(() => this.queueReconcile()),
      this.deps.port.onGone((id, reason) => this.handleGone(id, reason)),
    );
    this.reconcile();
  }

  /** Plans against the current displays/profile and applies the result; returns what was done. */
  reconcile(): WindowAction[] {
    if (this.disposed) return [];
    const displays = this.deps.displays.list();
    const planned = planWindows(displays, this.deps.getProfile(), this.windows());
    const applied: WindowAction[] = [];
    for (const action of planned) {
      if (action.type === 'open' && this.givenUp.has(slot(action.displayId, action.view))) continue;
      if (this.apply(action)) applied.push(action);
    }
    if (applied.length > 0) this.log('wall: windows reconciled', { displays: displays.length, actions: applied });
    return applied;
  }

  /** Snapshot of the windows this manager owns, sorted by display id. */
  windows(): OpenWindow[] {
    return [...this.table.values()]
      .map((w) => ({ ...w, bounds: { ...w.bounds } }))
      .sort((a, b) => compareIds(a.displayId, b.displayId) || compareIds(a.windowId, b.windowId));
  }

  /**
   * Lets a display whose window hit the crash-loop cap have a window again
   * (e.g. from the console after the cause was fixed). Reconciles.
   */
  retry(displayId?: string): WindowAction[] {
    for (const key of [...this.givenUp]) {
      if (displayId === undefined || key.startsWith(`${displayId}|`)) {
        this.givenUp.delete(key);
        this.crashes.delete(key);
      }
    }
    return this.reconcile();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe();
    for (const id of [...this.table.keys()]) {
      this.table.delete(id);
      this.safely('close', id, () => this.deps.port.close(id));
    }
  }

  private queueReconcile(): void {
    // Electron reports one topology change as several events (removed + metrics-changed…):
    // plan once for the whole synchronous burst.
    if (this.reconcileQueued || this.disposed) return;
    this.reconcileQueued = true;
    queueMicrotask(() => {
      this.reconcileQueued = false;
      this.reconcile();
    });
  }

  private handleGone(windowId: string, reason: string): void {
    const w = this.table.get(windowId);
    if (!w || this.disposed) return;
    this.table.delete(windowId);
    const key = slot(w.displayId, w.view);
    const now = (this.deps.now ?? Date.now)();
    const recent = (this.crashes.get(key) ?? []).filter((t) => now - t < CRASH_WINDOW_MS);
    recent.push(now);
    this.crashes.set(key, recent);
    if (recent.length > MAX_CRASHES) {
      this.givenUp.add(key);
      this.log('wall: window keeps dying, not recreating it', { displayId: w.displayId, view: w.view, reason, crashes: recent.length });
      return;
    }
    this.log('wall: window gone, recreating', { windowId, displayId: w.displayId, view: w.view, reason });
    // Re-plan rather than blindly reopen: the display may be gone or the profile changed meanwhile.
    this.reconcile();
  }

  /** Applies one action to the port and the table; false if the port refused it. */
  private apply(action: WindowAction): boolean {
    const { port } = this.deps;
    switch (action.type) {
      case 'open': {
        const spec = {
          displayId: action.displayId,
          view: action.view,
          ...(action.layout !== undefined ? { layout: action.layout } : {}),
          bounds: { ...action.bounds },
          kiosk: action.kiosk,
          fullscreen: action.fullscreen,
        };
        return this.safely('open', action.displayId, () => {
          const windowId = port.create(spec);
          this.table.set(windowId, { windowId, ...spec, bounds: { ...spec.bounds } });
        });
      }
      case 'close':
        this.table.delete(action.windowId);
        return this.safely('close', action.windowId, () => port.close(action.windowId));
      case 'move':
        return this.update(action.windowId, () => {
          const w = this.table.get(action.windowId)!;
          port.move(action.windowId, action.bounds, action.displayId !== w.displayId ? action.displayId : undefined);
          return { displayId: action.displayId, bounds: { ...action.bounds } };
        });
      case 'setView':
        return this.update(action.windowId, () => {
          port.setView(action.windowId, action.view, action.layout);
          return { view: action.view, layout: action.layout };
        });
      case 'setMode':
        return this.update(action.windowId, () => {
          port.setMode(action.windowId, { kiosk: action.kiosk, fullscreen: action.fullscreen });
          return { kiosk: action.kiosk, fullscreen: action.fullscreen };
        });
    }
  }

  /**
   * Runs a port call on an existing window. If it throws the window is in an unknown state,
   * so it is closed and forgotten; the next reconcile opens a fresh one.
   */
  private update(windowId: string, call: () => Partial<OpenWindow>): boolean {
    const w = this.table.get(windowId);
    if (!w) return false;
    const ok = this.safely('update', windowId, () => Object.assign(w, call()));
    if (!ok) {
      this.table.delete(windowId);
      this.safely('close', windowId, () => this.deps.port.close(windowId));
    }
    return ok;
  }

  private safely(what: string, id: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      this.log(`wall: ${what} failed`, { id, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  private log(msg: string, meta?: object): void {
    this.deps.log?.(msg, meta);
  }
}

function slot(displayId: string, view: ViewId): string {
  return `${displayId}|${view}`;
}
