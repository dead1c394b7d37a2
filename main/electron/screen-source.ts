import type { Display as ElectronDisplay, Rectangle, Screen } from 'electron';
import type { Display, Rect } from '../../shared/wall/profile';
import type { DisplaySource } from '../services/wall/window-manager';

/**
 * Electron's `screen` as a DisplaySource. Call after `app.whenReady()` (screen is unusable
 * before). Ids are Electron's numeric display ids as strings; bounds are in DIP, the same
 * space BrowserWindow bounds use.
 */
export function createScreenSource(screen: Screen): DisplaySource {
  return {
    list(): Display[] {
      const primaryId = screen.getPrimaryDisplay().id;
      return screen.getAllDisplays().map((d, i) => toDisplay(d, i, d.id === primaryId));
    },
    onChange(listener: () => void): () => void {
      const handler = (): void => listener();
      screen.on('display-added', handler);
      screen.on('display-removed', handler);
      screen.on('display-metrics-changed', handler);
      return () => {
        screen.removeListener('display-added', handler);
        screen.removeListener('display-removed', handler);
        screen.removeListener('display-metrics-changed', handler);
      };
    },
  };
}

function toDisplay(d: ElectronDisplay, index: number, primary: boolean): Display {
  const bounds = toRect(d.bounds);
  return {
    id: String(d.id),
    // Linux often reports an empty label.
    label: (d.label || `Display ${index + 1}`).slice(0, 200),
    bounds,
    workArea: d.workArea.width > 0 && d.workArea.height > 0 ? toRect(d.workArea) : bounds,
    primary,
    scaleFactor: d.scaleFactor > 0 ? d.scaleFactor : 1,
  };
}

/** Profile rects are positive integers; fractional DIP values can appear with odd scale factors. */
function toRect(r: Rectangle): Rect {
  return {
    x: Math.round(r.x),
    y: Math.round(r.y),
    width: Math.max(1, Math.round(r.width)),
    height: Math.max(1, Math.round(r.height)),
  };
}
