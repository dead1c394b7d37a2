import type { Display, DisplayAssignment, Rect, ViewId, WallProfile } from './profile';

/**
 * Window planning for the wall: (displays, profile, open windows) → actions.
 * Pure and deterministic, so every monitor topology is a table row in a unit test;
 * the Electron adapter only applies the actions.
 */

export interface OpenWindow {
  windowId: string;
  displayId: string;
  view: ViewId;
  /** Layout the window was opened/switched with (compared to decide `setView`). */
  layout?: string;
  bounds: Rect;
  kiosk: boolean;
  fullscreen: boolean;
}

export type WindowAction =
  | { type: 'open'; displayId: string; view: ViewId; layout?: string; bounds: Rect; kiosk: boolean; fullscreen: boolean }
  | { type: 'move'; windowId: string; displayId: string; bounds: Rect; reason: string }
  | { type: 'setView'; windowId: string; view: ViewId; layout?: string }
  | { type: 'setMode'; windowId: string; kiosk: boolean; fullscreen: boolean }
  | { type: 'close'; windowId: string; reason: string };

export interface ResolvedAssignment {
  display: Display;
  /** The profile's own object (callers may look it up with indexOf), or a synthesized fallback. */
  assignment: DisplayAssignment;
}

/** Literal display id that follows whichever display is currently primary. */
export const PRIMARY = 'primary';
/** Size of a windowed window whose saved bounds are unusable (capped to the work area). */
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 800 } as const;
/** Saved bounds are restored (nudged inside) only if at least this share of them is on the work area. */
export const MIN_VISIBLE_FRACTION = 0.5;

const WALL_VIEWS: readonly ViewId[] = ['mosaic', 'map', 'kpi', 'feedback', 'briefing'];

/** Orders display ids numerically when both are numeric (Electron ids), else lexically. */
export function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function primaryOf(displays: Display[]): Display | undefined {
  return displays.find((d) => d.primary) ?? [...displays].sort((a, b) => compareIds(a.id, b.id))[0];
}

/**
 * Which assignment drives each present display, sorted by display id.
 * A concrete id beats "primary" on the same display; otherwise the first entry wins.
 * Entries for absent displays are ignored; if nothing resolves, the primary display gets a
 * windowed console so the operator always has a window.
 */
export function resolveAssignments(displays: Display[], profile: WallProfile): ResolvedAssignment[] {
  const byId = new Map<string, Display>();
  for (const d of displays) if (!byId.has(d.id)) byId.set(d.id, d);
  const primary = primaryOf(displays);
  const chosen = new Map<string, { assignment: DisplayAssignment; concrete: boolean }>();

  for (const assignment of profile.assignments) {
    const concrete = assignment.displayId !== PRIMARY;
    const display = concrete ? byId.get(assignment.displayId) : primary;
    if (!display) continue;
    const current = chosen.get(display.id);
    if (!current || (concrete && !current.concrete)) chosen.set(display.id, { assignment, concrete });
  }

  if (chosen.size === 0 && primary) {
    const fallback: DisplayAssignment = { displayId: PRIMARY, view: 'console', kiosk: false, fullscreen: false };
    chosen.set(primary.id, { assignment: fallback, concrete: false });
  }

  return [...chosen.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([id, { assignment }]) => ({ display: byId.get(id) as Display, assignment }));
}

/**
 * The profile used until the operator saves one: a windowed console on the primary, wall
 * views (fullscreen) on the others in list order. Concrete ids throughout, so a saved copy
 * does not reshuffle when the OS primary changes ("primary" would lose to the concrete
 * entry of the new primary and the console would vanish).
 */
export function defaultProfile(displays: Display[]): WallProfile {
  const primary = primaryOf(displays);
  const assignments: DisplayAssignment[] = [
    { displayId: primary?.id ?? PRIMARY, view: 'console', kiosk: false, fullscreen: false },
  ];
  let i = 0;
  for (const d of displays) {
    if (d === primary) continue;
    assignments.push({ displayId: d.id, view: WALL_VIEWS[i++ % WALL_VIEWS.length], kiosk: false, fullscreen: true });
  }
  return { version: 1, name: 'Default', assignments };
}

function area(r: Rect): number {
  return r.width * r.height;
}

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

export function rectEquals(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

export function rectContains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** Shrinks `bounds` to fit `area` if needed, then slides it fully inside (no other change). */
export function clampToArea(bounds: Rect, area: Rect): Rect {
  const width = Math.min(bounds.width, area.width);
  const height = Math.min(bounds.height, area.height);
  const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

function centred(area: Rect, size: { width: number; height: number }): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: area.x + Math.floor((area.width - width) / 2),
    y: area.y + Math.floor((area.height - height) / 2),
    width,
    height,
  };
}

/** Where a window for `assignment` belongs on `display`. Always inside the display. */
export function targetBounds(display: Display, assignment: DisplayAssignment): Rect {
  if (assignment.fullscreen || assignment.kiosk) return { ...display.bounds };
  // The work area should sit inside the display; if a platform reports otherwise, trust the bounds.
  const work = intersection(display.workArea, display.bounds) ?? display.bounds;
  const saved = assignment.savedBounds;
  if (!saved) return { ...work };
  const visible = intersection(saved, work);
  // Relative to the smaller of the two, so a saved window larger than the work area still counts.
  if (visible && area(visible) >= MIN_VISIBLE_FRACTION * Math.min(area(saved), area(work))) {
    return clampToArea(saved, work);
  }
  return centred(work, DEFAULT_WINDOW_SIZE);
}

interface Target {
  display: Display;
  assignment: DisplayAssignment;
  bounds: Rect;
}

/**
 * Actions that turn `windows` into one window per resolved display.
 * Order: closes, then per display (by id) move/setView/setMode, then opens (by display id).
 * With no displays at all (transient during reconfiguration) nothing is done.
 */
export function planWindows(displays: Display[], profile: WallProfile, windows: OpenWindow[]): WindowAction[] {
  if (displays.length === 0) return [];
  const targets: Target[] = resolveAssignments(displays, profile).map(({ display, assignment }) => ({
    display,
    assignment,
    bounds: targetBounds(display, assignment),
  }));

  const kept = new Map<string, OpenWindow>(); // display id → window that will show it
  const spare = new Set<OpenWindow>(windows);

  // 1. A window already on its display stays (prefer one already showing the right view).
  for (const t of targets) {
    const here = windows.filter((w) => spare.has(w) && w.displayId === t.display.id);
    const pick = here.find((w) => w.view === t.assignment.view) ?? here[0];
    if (pick) {
      kept.set(t.display.id, pick);
      spare.delete(pick);
    }
  }
  // 2. A leftover window with the right view moves over instead of close + open
  //    (e.g. the console following a primary change): no reload, no lost state.
  for (const t of targets) {
    if (kept.has(t.display.id)) continue;
    const pick = [...spare].find((w) => w.view === t.assignment.view);
    if (pick) {
      kept.set(t.display.id, pick);
      spare.delete(pick);
    }
  }

  const present = new Set(displays.map((d) => d.id));
  const assigned = new Set(targets.map((t) => t.display.id));
  const closes: WindowAction[] = [...spare]
    .sort((a, b) => compareIds(a.displayId, b.displayId) || compareIds(a.windowId, b.windowId))
    .map((w) => ({
      type: 'close',
      windowId: w.windowId,
      reason: !present.has(w.displayId) ? 'display-removed' : !assigned.has(w.displayId) ? 'unassigned' : 'duplicate',
    }));

  const updates: WindowAction[] = [];
  const opens: WindowAction[] = [];
  for (const t of targets) {
    const { assignment: a, display, bounds } = t;
    const w = kept.get(display.id);
    if (!w) {
      opens.push({
        type: 'open',
        displayId: display.id,
        view: a.view,
        ...(a.layout !== undefined ? { layout: a.layout } : {}),
        bounds,
        kiosk: a.kiosk,
        fullscreen: a.fullscreen,
      });
      continue;
    }
    const move: WindowAction | null =
      w.displayId !== display.id || !rectEquals(w.bounds, bounds)
        ? {
            type: 'move',
            windowId: w.windowId,
            displayId: display.id,
            bounds,
            reason: w.displayId !== display.id ? 'display-changed' : 'bounds-changed',
          }
        : null;
    const mode: WindowAction | null =
      w.kiosk !== a.kiosk || w.fullscreen !== a.fullscreen
        ? { type: 'setMode', windowId: w.windowId, kiosk: a.kiosk, fullscreen: a.fullscreen }
        : null;
    const view: WindowAction | null =
      w.view !== a.view || w.layout !== a.layout
        ? { type: 'setView', windowId: w.windowId, view: a.view, ...(a.layout !== undefined ? { layout: a.layout } : {}) }
        : null;
    // Fullscreen applies to the display the window is on: going fullscreen, move first;
    // leaving fullscreen, drop the mode first so the new windowed bounds stick.
    const leavingFullscreen = (w.kiosk || w.fullscreen) && !(a.kiosk || a.fullscreen);
    const ordered = leavingFullscreen ? [mode, move, view] : [move, view, mode];
    for (const action of ordered) if (action) updates.push(action);
  }

  return [...closes, ...updates, ...opens];
}
