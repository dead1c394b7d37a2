import { foldVietnamese } from './search';
import { fileStamp } from './time';

/** "Chợ Trà My" → "cho-tra-my": safe on every file system the operators' PCs use. */
export function fileSlug(name: string): string {
  return foldVietnamese(name).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'camera';
}

export function snapshotFileName(cameraName: string, at: Date | number = Date.now()): string {
  return `${fileSlug(cameraName)}-${fileStamp(at)}.png`;
}

/**
 * Draw the frame the video is showing to a canvas and download it as PNG. Returns false when there
 * is no decoded frame yet. MSE video from a blob: URL is same-origin, so the canvas is not tainted.
 */
export async function downloadSnapshot(video: HTMLVideoElement, cameraName: string): Promise<boolean> {
  if (!video.videoWidth || !video.videoHeight) return false;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) return false;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = snapshotFileName(cameraName);
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in Chromium; a minute later is safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return true;
}
