import { BrowserWindow } from 'electron';
import type { Rect, ViewId } from '../../shared/wall/profile';
import type { WindowPort } from '../services/wall/window-manager';

export interface WindowPortOptions {
  preloadPath: string;
  /** URL of a view's page for a display (dev server or the app's own protocol). */
  urlFor: (view: ViewId, displayId: string, layout?: string) => string;
  /** Hook for the composition root (IPC sender registry, devtools…). windowId === String(win.id). */
  onCreated?: (win: BrowserWindow) => void;
  log?: (msg: string, meta?: object) => void;
}

interface Record {
  win: BrowserWindow;
  displayId: string;
}

/**
 * WindowPort over BrowserWindow: one sandboxed window per wall display. Deliberately thin;
 * every decision (where, which view, when to recreate) is made by WindowManager.
 */
export function createWindowPort(opts: WindowPortOptions): WindowPort & { dispose(): void } {
  const records = new Map<string, Record>();
  const goneListeners = new Set<(windowId: string, reason: string) => void>();
  const log = (msg: string, meta?: object): void => opts.log?.(msg, meta);

  function get(windowId: string): Record {
    const rec = records.get(windowId);
    if (!rec || rec.win.isDestroyed()) throw new Error(`wall window ${windowId} does not exist`);
    return rec;
  }

  /** Forget a window and destroy it; a record already gone means we closed it ourselves. */
  function drop(windowId: string): Record | undefined {
    const rec = records.get(windowId);
    if (!rec) return undefined;
    records.delete(windowId);
    if (!rec.win.isDestroyed()) rec.win.destroy();
    return rec;
  }

  function gone(windowId: string, reason: string): void {
    if (!drop(windowId)) return;
    log('wall: window gone', { windowId, reason });
    for (const listener of [...goneListeners]) listener(windowId, reason);
  }

  function load(windowId: string, view: ViewId, layout?: string): void {
    const { win, displayId } = get(windowId);
    const url = opts.urlFor(view, displayId, layout);
    win.setTitle(`IOC Wall: ${view}`);
    // The page follows the wall profile live (wall:changed); only a different URL needs a load.
    if (win.webContents.getURL() === url) return;
    // Rejects with ERR_ABORTED when a newer load replaces this one: logged, not fatal.
    win.loadURL(url).catch((err: unknown) => log('wall: load failed', { windowId, url, error: String(err) }));
  }

  return {
    create(spec): string {
      const win = new BrowserWindow({
        ...spec.bounds,
        show: false,
        backgroundColor: '#0b1220',
        autoHideMenuBar: true,
        title: `IOC Wall: ${spec.view}`,
        // Created at the display's position, so fullscreen/kiosk lands on that display.
        fullscreen: spec.fullscreen || spec.kiosk,
        kiosk: spec.kiosk,
        webPreferences: {
          preload: opts.preloadPath,
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          webSecurity: true,
          spellcheck: false,
        },
      });
      const windowId = String(win.id);
      records.set(windowId, { win, displayId: spec.displayId });

      win.once('ready-to-show', () => {
        if (!win.isDestroyed()) win.show();
      });
      // Unexpected only: close()/dispose() drop the record first, so this is a no-op for them.
      win.on('closed', () => gone(windowId, 'closed'));
      win.webContents.on('render-process-gone', (_event, details) => gone(windowId, `render-process-gone:${details.reason}`));
      win.webContents.on('unresponsive', () => log('wall: window unresponsive', { windowId }));
      // A wall window shows one of our views and nothing else.
      win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
      win.webContents.on('will-navigate', (event, url) => {
        const current = records.get(windowId);
        const allowed = current ? opts.urlFor('console', current.displayId) : '';
        if (!sameSite(url, allowed)) {
          event.preventDefault();
          log('wall: navigation blocked', { windowId, url });
        }
      });

      opts.onCreated?.(win);
      load(windowId, spec.view, spec.layout);
      return windowId;
    },

    move(windowId: string, bounds: Rect, displayId?: string): void {
      const rec = get(windowId);
      const { win } = rec;
      const kiosk = win.isKiosk();
      const fullscreen = win.isFullScreen();
      if (!kiosk && !fullscreen) {
        win.setBounds(bounds);
      } else if (displayId !== undefined && displayId !== rec.displayId) {
        // A fullscreen window cannot be dragged to another display: leave, move, re-enter.
        if (kiosk) win.setKiosk(false);
        if (fullscreen) win.setFullScreen(false);
        win.setBounds(bounds);
        if (fullscreen) win.setFullScreen(true);
        if (kiosk) win.setKiosk(true);
      }
      // else: fullscreen on the same display (resolution change): the OS already resized it.
      if (displayId !== undefined) rec.displayId = displayId;
    },

    setView(windowId: string, view: ViewId, layout?: string): void {
      load(windowId, view, layout);
    },

    setMode(windowId: string, mode: { kiosk: boolean; fullscreen: boolean }): void {
      const { win } = get(windowId);
      if (win.isKiosk() !== mode.kiosk) win.setKiosk(mode.kiosk);
      // Kiosk implies fullscreen; leaving kiosk also leaves fullscreen, so restore it if asked.
      if (!mode.kiosk && win.isFullScreen() !== mode.fullscreen) win.setFullScreen(mode.fullscreen);
    },

    close(windowId: string): void {
      drop(windowId);
    },

    onGone(listener: (windowId: string, reason: string) => void): () => void {
      goneListeners.add(listener);
      return () => {
        goneListeners.delete(listener);
      };
    },

    dispose(): void {
      goneListeners.clear();
      for (const windowId of [...records.keys()]) drop(windowId);
    },
  };
}

function sameSite(a: string, b: string): boolean {
  try {
    // Compare protocol + host, not `origin`: custom protocols (app://) have origin "null".
    const ua = new URL(a);
    const ub = new URL(b);
    return ua.protocol === ub.protocol && ua.host === ub.host;
  } catch {
    return false;
  }
}
