import type { Display } from '../../../shared/wall/profile';
import type { DisplaySource } from './window-manager';

/**
 * The headless host's wall: N virtual 1920×1080 displays side by side, display "1" primary.
 * A browser page opened with `?display=N` plays the part of that display's window.
 */
export function createVirtualDisplays(count: number, size = { width: 1920, height: 1080 }): DisplaySource {
  const displays: Display[] = Array.from({ length: count }, (_, i) => {
    const bounds = { x: i * size.width, y: 0, width: size.width, height: size.height };
    return { id: String(i + 1), label: `Màn hình ${i + 1}`, bounds, workArea: bounds, primary: i === 0, scaleFactor: 1 };
  });
  return { list: () => displays.map((d) => ({ ...d })), onChange: () => () => {} };
}
