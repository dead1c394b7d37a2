import type { Camera } from '../../../../shared/domain/entities';

/**
 * Fold Vietnamese to plain ASCII lowercase so "cho tra my" finds "Chợ Trà My": NFD splits the
 * diacritics off as combining marks, which we drop; đ/Đ is a letter of its own (no decomposition),
 * so it is mapped by hand.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

/** Every word of the query must appear in the camera's name or id (order-free, diacritics-free). */
export function matchesCamera(camera: Pick<Camera, 'id' | 'name'>, query: string): boolean {
  const words = foldVietnamese(query).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = foldVietnamese(`${camera.name} ${camera.id}`);
  return words.every((w) => hay.includes(w));
}

export const CAMERA_GROUPS = ['security', 'traffic', 'market', 'water'] as const;
export type CameraGroupName = (typeof CAMERA_GROUPS)[number];
