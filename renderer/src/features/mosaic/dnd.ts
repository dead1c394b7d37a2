/** Drag payloads: a camera from the list, or a tile being moved (swap). Custom types keep foreign drops out. */
export const DND_CAMERA = 'application/x-ioc-camera';
export const DND_TILE = 'application/x-ioc-tile';

export const isOurDrag = (e: React.DragEvent) => e.dataTransfer.types.includes(DND_CAMERA) || e.dataTransfer.types.includes(DND_TILE);
