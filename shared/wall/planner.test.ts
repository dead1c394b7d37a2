import { describe, expect, it } from 'vitest';
import {
  clampToArea,
  defaultProfile,
  planWindows,
  rectContains,
  resolveAssignments,
  type OpenWindow,
  type WindowAction,
} from './planner';
import { Rect, VIEW_IDS, type Display, type DisplayAssignment, type ViewId, type WallProfile } from './profile';

// ---- fixtures -------------------------------------------------------------------------------

const FHD = { width: 1920, height: 1080 };

function display(id: string, x: number, y: number, opts: Partial<Display> = {}): Display {
  const bounds = { x, y, ...FHD };
  return { id, label: `Display ${id}`, bounds, workArea: bounds, primary: false, scaleFactor: 1, ...opts };
}

/** Primary laptop/desk monitor with a 40 px taskbar at the bottom. */
const D1 = display('1', 0, 0, { primary: true, workArea: { x: 0, y: 0, width: 1920, height: 1040 } });
const D2 = display('2', 1920, 0);
const D3 = display('3', 3840, 0);
const D4 = display('4', 5760, 0);
/** A monitor left of the primary: negative coordinates are normal there. */
const LEFT = display('5', -1920, 0);

const asPrimary = (d: Display): Display => ({ ...d, primary: true });
const notPrimary = (d: Display): Display => ({ ...d, primary: false });

function profile(...assignments: Array<Partial<DisplayAssignment> & Pick<DisplayAssignment, 'displayId' | 'view'>>): WallProfile {
  return {
    version: 1,
    name: 'test',
    assignments: assignments.map((a) => ({ kiosk: false, fullscreen: true, ...a })),
  };
}

function win(windowId: string, d: Display, view: ViewId, extra: Partial<OpenWindow> = {}): OpenWindow {
  return { windowId, displayId: d.id, view, bounds: { ...d.bounds }, kiosk: false, fullscreen: true, ...extra };
}

const WORK1 = D1.workArea;
const CONSOLE_ON_1: OpenWindow = win('c', D1, 'console', { bounds: WORK1, fullscreen: false });

/** What a WindowManager does with the actions; used to check that plans converge. */
function apply(windows: OpenWindow[], actions: WindowAction[]): OpenWindow[] {
  let next = windows.map((w) => ({ ...w }));
  let n = 0;
  for (const a of actions) {
    const w = 'windowId' in a ? next.find((x) => x.windowId === a.windowId) : undefined;
    switch (a.type) {
      case 'open':
        next.push({ windowId: `new${n++}`, displayId: a.displayId, view: a.view, layout: a.layout, bounds: a.bounds, kiosk: a.kiosk, fullscreen: a.fullscreen });
        break;
      case 'close':
        next = next.filter((x) => x.windowId !== a.windowId);
        break;
      case 'move':
        Object.assign(w!, { displayId: a.displayId, bounds: a.bounds });
        break;
      case 'setView':
        Object.assign(w!, { view: a.view, layout: a.layout });
        break;
      case 'setMode':
        Object.assign(w!, { kiosk: a.kiosk, fullscreen: a.fullscreen });
        break;
    }
  }
  return next;
}

// ---- planWindows ----------------------------------------------------------------------------

interface Case {
  name: string;
  displays: Display[];
  profile: WallProfile;
  windows: OpenWindow[];
  expected: WindowAction[];
}

const cases: Case[] = [
  {
    name: 'first start, 1 display: windowed console filling the work area',
    displays: [D1],
    profile: defaultProfile([D1]),
    windows: [],
    expected: [{ type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false }],
  },
  {
    name: 'first start, 2 displays: console + fullscreen mosaic',
    displays: [D1, D2],
    profile: defaultProfile([D1, D2]),
    windows: [],
    expected: [
      { type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false },
      { type: 'open', displayId: '2', view: 'mosaic', bounds: D2.bounds, kiosk: false, fullscreen: true },
    ],
  },
  {
    name: 'first start, 4 displays (listed out of order): opens sorted by display id',
    displays: [D4, D2, D1, D3],
    profile: defaultProfile([D1, D2, D3, D4]),
    windows: [],
    expected: [
      { type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false },
      { type: 'open', displayId: '2', view: 'mosaic', bounds: D2.bounds, kiosk: false, fullscreen: true },
      { type: 'open', displayId: '3', view: 'map', bounds: D3.bounds, kiosk: false, fullscreen: true },
      { type: 'open', displayId: '4', view: 'kpi', bounds: D4.bounds, kiosk: false, fullscreen: true },
    ],
  },
  {
    name: 'steady state: nothing to do',
    displays: [D1, D2],
    profile: defaultProfile([D1, D2]),
    windows: [CONSOLE_ON_1, win('m', D2, 'mosaic')],
    expected: [],
  },
  {
    name: 'hot-unplug: the window of the missing display closes, the rest stay',
    displays: [D1, D2, D3],
    profile: defaultProfile([D1, D2, D3, D4]),
    windows: [CONSOLE_ON_1, win('m', D2, 'mosaic'), win('g', D3, 'map'), win('k', D4, 'kpi')],
    expected: [{ type: 'close', windowId: 'k', reason: 'display-removed' }],
  },
  {
    name: 're-plug: the display is back, its window reopens',
    displays: [D1, D2, D3, D4],
    profile: defaultProfile([D1, D2, D3, D4]),
    windows: [CONSOLE_ON_1, win('m', D2, 'mosaic'), win('g', D3, 'map')],
    expected: [{ type: 'open', displayId: '4', view: 'kpi', bounds: D4.bounds, kiosk: false, fullscreen: true }],
  },
  {
    name: 'resolution change: fullscreen window follows the new display size',
    displays: [D1, display('2', 1920, 0, { bounds: { x: 1920, y: 0, width: 3840, height: 2160 }, workArea: { x: 1920, y: 0, width: 3840, height: 2160 } })],
    profile: profile({ displayId: 'primary', view: 'console', fullscreen: false }, { displayId: '2', view: 'mosaic' }),
    windows: [CONSOLE_ON_1, win('m', D2, 'mosaic')],
    expected: [{ type: 'move', windowId: 'm', displayId: '2', bounds: { x: 1920, y: 0, width: 3840, height: 2160 }, reason: 'bounds-changed' }],
  },
  {
    name: 'resolution change: windowed window is clamped into the smaller work area',
    displays: [{ ...D1, bounds: { x: 0, y: 0, width: 1280, height: 720 }, workArea: { x: 0, y: 0, width: 1280, height: 680 } }],
    profile: profile({ displayId: 'primary', view: 'console', fullscreen: false, savedBounds: { x: 400, y: 200, width: 1000, height: 600 } }),
    windows: [win('c', D1, 'console', { fullscreen: false, bounds: { x: 400, y: 200, width: 1000, height: 600 } })],
    expected: [{ type: 'move', windowId: 'c', displayId: '1', bounds: { x: 280, y: 80, width: 1000, height: 600 }, reason: 'bounds-changed' }],
  },
  {
    name: 'primary change: the "primary" console moves to the new primary (no reload)',
    displays: [notPrimary(D1), asPrimary(D2)],
    profile: profile({ displayId: 'primary', view: 'console', fullscreen: false }),
    windows: [CONSOLE_ON_1],
    expected: [{ type: 'move', windowId: 'c', displayId: '2', bounds: D2.workArea, reason: 'display-changed' }],
  },
  {
    name: 'primary change onto a display with a concrete entry: the concrete entry wins',
    displays: [notPrimary(D1), asPrimary(D2)],
    profile: profile({ displayId: 'primary', view: 'console', fullscreen: false }, { displayId: '2', view: 'mosaic' }),
    windows: [CONSOLE_ON_1, win('m', D2, 'mosaic')],
    expected: [{ type: 'close', windowId: 'c', reason: 'unassigned' }],
  },
  {
    name: 'off-screen saved bounds: centred default size in the work area',
    displays: [D1],
    profile: profile({ displayId: '1', view: 'console', fullscreen: false, savedBounds: { x: 5000, y: 3000, width: 800, height: 600 } }),
    windows: [],
    expected: [{ type: 'open', displayId: '1', view: 'console', bounds: { x: 320, y: 120, width: 1280, height: 800 }, kiosk: false, fullscreen: false }],
  },
  {
    name: 'saved bounds on another monitor: centred default on the assigned one',
    displays: [D1, D2],
    profile: profile({ displayId: '2', view: 'feedback', fullscreen: false, savedBounds: { x: 100, y: 100, width: 800, height: 600 } }),
    windows: [],
    expected: [{ type: 'open', displayId: '2', view: 'feedback', bounds: { x: 2240, y: 140, width: 1280, height: 800 }, kiosk: false, fullscreen: false }],
  },
  {
    name: 'partially off-screen saved bounds (mostly visible): nudged inside',
    displays: [D1],
    profile: profile({ displayId: '1', view: 'console', fullscreen: false, savedBounds: { x: 1500, y: 300, width: 800, height: 600 } }),
    windows: [],
    expected: [{ type: 'open', displayId: '1', view: 'console', bounds: { x: 1120, y: 300, width: 800, height: 600 }, kiosk: false, fullscreen: false }],
  },
  {
    name: 'partially off-screen saved bounds (mostly hidden): centred default',
    displays: [D1],
    profile: profile({ displayId: '1', view: 'console', fullscreen: false, savedBounds: { x: 1700, y: 100, width: 800, height: 600 } }),
    windows: [],
    expected: [{ type: 'open', displayId: '1', view: 'console', bounds: { x: 320, y: 120, width: 1280, height: 800 }, kiosk: false, fullscreen: false }],
  },
  {
    name: 'saved bounds larger than the work area: shrunk to it',
    displays: [D1],
    profile: profile({ displayId: '1', view: 'console', fullscreen: false, savedBounds: { x: -100, y: -100, width: 4000, height: 3000 } }),
    windows: [],
    expected: [{ type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false }],
  },
  {
    name: 'negative coordinates: saved bounds on a left-of-primary monitor are kept',
    displays: [D1, LEFT],
    profile: profile(
      { displayId: 'primary', view: 'console', fullscreen: false },
      { displayId: '5', view: 'feedback', fullscreen: false, savedBounds: { x: -1800, y: 100, width: 800, height: 600 } },
    ),
    windows: [CONSOLE_ON_1],
    expected: [{ type: 'open', displayId: '5', view: 'feedback', bounds: { x: -1800, y: 100, width: 800, height: 600 }, kiosk: false, fullscreen: false }],
  },
  {
    name: 'negative coordinates: fullscreen and clamped windows stay on that monitor',
    displays: [D1, LEFT, display('6', 0, -1080)],
    profile: profile(
      { displayId: '5', view: 'mosaic' },
      { displayId: '6', view: 'kpi', fullscreen: false, savedBounds: { x: -300, y: -1200, width: 1000, height: 700 } },
    ),
    windows: [],
    expected: [
      { type: 'open', displayId: '5', view: 'mosaic', bounds: LEFT.bounds, kiosk: false, fullscreen: true },
      { type: 'open', displayId: '6', view: 'kpi', bounds: { x: 0, y: -1080, width: 1000, height: 700 }, kiosk: false, fullscreen: false },
    ],
  },
  {
    name: 'duplicate windows on one display: keep the one showing the right view',
    displays: [D1, D2],
    profile: defaultProfile([D1, D2]),
    windows: [CONSOLE_ON_1, win('x', D2, 'map'), win('m', D2, 'mosaic'), win('y', D2, 'mosaic')],
    expected: [
      { type: 'close', windowId: 'x', reason: 'duplicate' },
      { type: 'close', windowId: 'y', reason: 'duplicate' },
    ],
  },
  {
    name: 'view change and layout change: setView, no reopen',
    displays: [D1, D2, D3],
    profile: profile(
      { displayId: 'primary', view: 'console', fullscreen: false },
      { displayId: '2', view: 'map' },
      { displayId: '3', view: 'mosaic', layout: '4x4' },
    ),
    windows: [CONSOLE_ON_1, win('a', D2, 'mosaic'), win('b', D3, 'mosaic', { layout: '3x3' })],
    expected: [
      { type: 'setView', windowId: 'a', view: 'map' },
      { type: 'setView', windowId: 'b', view: 'mosaic', layout: '4x4' },
    ],
  },
  {
    name: 'kiosk change: setMode only (bounds already the display)',
    displays: [D1, D2],
    profile: profile({ displayId: 'primary', view: 'console', fullscreen: false }, { displayId: '2', view: 'mosaic', kiosk: true }),
    windows: [CONSOLE_ON_1, win('m', D2, 'mosaic')],
    expected: [{ type: 'setMode', windowId: 'm', kiosk: true, fullscreen: true }],
  },
  {
    name: 'windowed → fullscreen: move onto the display first, then setMode',
    displays: [D1],
    profile: profile({ displayId: 'primary', view: 'console', fullscreen: true }),
    windows: [CONSOLE_ON_1],
    expected: [
      { type: 'move', windowId: 'c', displayId: '1', bounds: D1.bounds, reason: 'bounds-changed' },
      { type: 'setMode', windowId: 'c', kiosk: false, fullscreen: true },
    ],
  },
  {
    name: 'kiosk → windowed: setMode first, then move',
    displays: [D1],
    profile: profile({ displayId: 'primary', view: 'console', fullscreen: false }),
    windows: [win('c', D1, 'console', { kiosk: true })],
    expected: [
      { type: 'setMode', windowId: 'c', kiosk: false, fullscreen: false },
      { type: 'move', windowId: 'c', displayId: '1', bounds: WORK1, reason: 'bounds-changed' },
    ],
  },
  {
    name: 'empty profile: fallback console on the primary',
    displays: [D2, D1],
    profile: profile(),
    windows: [],
    expected: [{ type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false }],
  },
  {
    name: 'profile of another machine (unknown ids only): fallback console, stale windows close',
    displays: [D1, D2],
    profile: profile({ displayId: '2779098405', view: 'mosaic' }, { displayId: '99', view: 'map' }),
    windows: [win('m', D2, 'mosaic'), win('z', display('42', 0, 0), 'kpi')],
    expected: [
      { type: 'close', windowId: 'm', reason: 'unassigned' },
      { type: 'close', windowId: 'z', reason: 'display-removed' },
      { type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false },
    ],
  },
  {
    name: 'unknown display ids are ignored next to known ones',
    displays: [D1, D2],
    profile: profile({ displayId: '99', view: 'map' }, { displayId: '2', view: 'kpi' }),
    windows: [],
    expected: [{ type: 'open', displayId: '2', view: 'kpi', bounds: D2.bounds, kiosk: false, fullscreen: true }],
  },
  {
    name: 'every display unplugged but the primary: console survives, others close',
    displays: [D1],
    profile: profile({ displayId: '2', view: 'mosaic' }, { displayId: '3', view: 'map' }),
    windows: [win('m', D2, 'mosaic'), win('g', D3, 'map')],
    expected: [
      { type: 'close', windowId: 'm', reason: 'display-removed' },
      { type: 'close', windowId: 'g', reason: 'display-removed' },
      { type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false },
    ],
  },
  {
    name: 'no displays reported (transient): leave windows alone',
    displays: [],
    profile: defaultProfile([D1, D2]),
    windows: [CONSOLE_ON_1],
    expected: [],
  },
  {
    name: 'order: closes, then updates by display id, then opens by display id',
    displays: [D3, D1, D2, D4],
    profile: profile(
      { displayId: '4', view: 'kpi' },
      { displayId: 'primary', view: 'console', fullscreen: false },
      { displayId: '3', view: 'map' },
      { displayId: '2', view: 'briefing' },
    ),
    windows: [win('k', D4, 'feedback'), win('old', display('9', 0, 0), 'mosaic'), win('g', D3, 'mosaic')],
    expected: [
      { type: 'close', windowId: 'old', reason: 'display-removed' },
      { type: 'setView', windowId: 'g', view: 'map' },
      { type: 'setView', windowId: 'k', view: 'kpi' },
      { type: 'open', displayId: '1', view: 'console', bounds: WORK1, kiosk: false, fullscreen: false },
      { type: 'open', displayId: '2', view: 'briefing', bounds: D2.bounds, kiosk: false, fullscreen: true },
    ],
  },
];

describe('planWindows', () => {
  it.each(cases)('$name', ({ displays, profile, windows, expected }) => {
    const actions = planWindows(displays, profile, windows);
    expect(actions).toEqual(expected);
    // Applying the plan converges: a second pass has nothing left to do.
    expect(planWindows(displays, profile, apply(windows, actions))).toEqual([]);
  });
});

// ---- resolveAssignments / defaultProfile / clampToArea --------------------------------------

describe('resolveAssignments', () => {
  const rows: Array<{ name: string; displays: Display[]; profile: WallProfile; expected: Array<[string, ViewId]> }> = [
    {
      name: 'a concrete id beats "primary" on the same display, whatever the order',
      displays: [D1, D2],
      profile: profile({ displayId: 'primary', view: 'console' }, { displayId: '1', view: 'kpi' }),
      expected: [['1', 'kpi']],
    },
    {
      name: 'first entry wins among entries of the same kind',
      displays: [D1, D2],
      profile: profile({ displayId: '2', view: 'map' }, { displayId: '2', view: 'kpi' }, { displayId: 'primary', view: 'console' }, { displayId: 'primary', view: 'feedback' }),
      expected: [['1', 'console'], ['2', 'map']],
    },
    {
      name: '"primary" follows the primary flag',
      displays: [notPrimary(D1), asPrimary(D2)],
      profile: profile({ displayId: 'primary', view: 'console' }),
      expected: [['2', 'console']],
    },
    {
      name: 'no primary flag at all: lowest id acts as primary',
      displays: [D3, D2],
      profile: profile(),
      expected: [['2', 'console']],
    },
    {
      name: 'numeric ids sort numerically',
      displays: [display('10', 0, 0, { primary: true }), display('9', 1920, 0)],
      profile: profile({ displayId: '10', view: 'map' }, { displayId: '9', view: 'kpi' }),
      expected: [['9', 'kpi'], ['10', 'map']],
    },
  ];
  it.each(rows)('$name', ({ displays, profile, expected }) => {
    expect(resolveAssignments(displays, profile).map((r) => [r.display.id, r.assignment.view])).toEqual(expected);
  });

  it('returns the profile’s own assignment objects (callers edit them by index)', () => {
    const p = defaultProfile([D1, D2]);
    const resolved = resolveAssignments([D1, D2], p);
    expect(resolved.map((r) => p.assignments.indexOf(r.assignment))).toEqual([0, 1]);
  });
});

describe('defaultProfile', () => {
  it('console on the primary, then wall views in display order, cycling', () => {
    const ds = [display('a', 0, 0), display('b', 1920, 0, { primary: true }), ...['c', 'd', 'e', 'f', 'g'].map((id, i) => display(id, 3840 + i * 1920, 0))];
    const p = defaultProfile(ds);
    expect(p.assignments.map((a) => [a.displayId, a.view, a.fullscreen])).toEqual([
      ['b', 'console', false],
      ['a', 'mosaic', true],
      ['c', 'map', true],
      ['d', 'kpi', true],
      ['e', 'feedback', true],
      ['f', 'briefing', true],
      ['g', 'mosaic', true],
    ]);
  });

  it('no displays: a console on whatever becomes primary', () => {
    expect(defaultProfile([]).assignments).toEqual([{ displayId: 'primary', view: 'console', kiosk: false, fullscreen: false }]);
  });

  it('a saved default profile survives a primary change unchanged', () => {
    const p = defaultProfile([D1, D2]);
    const windows = [CONSOLE_ON_1, win('m', D2, 'mosaic')];
    expect(planWindows([notPrimary(D1), asPrimary(D2)], p, windows)).toEqual([]);
  });
});

describe('clampToArea', () => {
  const area = { x: -1920, y: 0, width: 1920, height: 1040 };
  it.each([
    { name: 'inside: unchanged', bounds: { x: -1800, y: 10, width: 800, height: 600 }, expected: { x: -1800, y: 10, width: 800, height: 600 } },
    { name: 'past the right edge', bounds: { x: -500, y: 10, width: 800, height: 600 }, expected: { x: -800, y: 10, width: 800, height: 600 } },
    { name: 'past the left/top edge', bounds: { x: -2500, y: -50, width: 800, height: 600 }, expected: { x: -1920, y: 0, width: 800, height: 600 } },
    { name: 'too big: shrunk to the area', bounds: { x: -3000, y: -100, width: 5000, height: 2000 }, expected: area },
  ])('$name', ({ bounds, expected }) => {
    expect(clampToArea(bounds, area)).toEqual(expected);
  });
});

// ---- property-style check --------------------------------------------------------------------

/** Small seeded PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomWorld(seed: number): { displays: Display[]; profile: WallProfile; windows: OpenWindow[] } {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T,>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const sizes = [
    { width: 1920, height: 1080 },
    { width: 1280, height: 720 },
    { width: 3840, height: 2160 },
    { width: 1080, height: 1920 },
  ];
  const n = int(0, 6);
  const originX = int(-2, 0) * 1920;
  const displays: Display[] = [];
  for (let i = 0; i < n; i++) {
    const size = pick(sizes);
    const bounds = { x: originX + (i % 3) * 4000, y: Math.floor(i / 3) * 2200 - int(0, 1) * 2200, ...size };
    const taskbar = int(0, 1) * 40;
    const workArea = { ...bounds, height: bounds.height - taskbar };
    displays.push({ id: String(int(1, 9) * 1000 + i), label: `D${i}`, bounds, workArea, primary: false, scaleFactor: 1 });
  }
  if (n > 0 && r() < 0.9) displays[int(0, n - 1)].primary = true;
  const ids = [...displays.map((d) => d.id), 'primary', 'primary', 'gone-1', '77'];
  const randomRect = () => ({ x: int(-12000, 12000), y: int(-5000, 5000), width: int(1, 5000), height: int(1, 3000) });
  const assignments: DisplayAssignment[] = Array.from({ length: int(0, 8) }, () => ({
    displayId: pick(ids),
    view: pick(VIEW_IDS),
    layout: r() < 0.3 ? pick(['2x2', '3x3']) : undefined,
    kiosk: r() < 0.2,
    fullscreen: r() < 0.5,
    savedBounds: r() < 0.7 ? randomRect() : undefined,
  }));
  const windows: OpenWindow[] = Array.from({ length: int(0, 8) }, (_, i) => ({
    windowId: `w${i}`,
    displayId: pick(ids),
    view: pick(VIEW_IDS),
    bounds: randomRect(),
    kiosk: r() < 0.2,
    fullscreen: r() < 0.5,
  }));
  return { displays, profile: { version: 1, name: 'random', assignments }, windows };
}

describe('planWindows properties (seeded random worlds)', () => {
  it('every open/move lands inside its display; plans converge to one window per resolved display', () => {
    const seen = { open: 0, move: 0, close: 0, setView: 0, setMode: 0 };
    for (let seed = 1; seed <= 1000; seed++) {
      const { displays, profile, windows } = randomWorld(seed);
      const at = `seed ${seed}`;
      const actions = planWindows(displays, profile, windows);

      for (const a of actions) {
        seen[a.type]++;
        if (a.type !== 'open' && a.type !== 'move') continue;
        expect(Rect.safeParse(a.bounds).success, at).toBe(true);
        // On screen: inside some present display, in fact inside the one it targets.
        expect(displays.some((d) => rectContains(d.bounds, a.bounds)), at).toBe(true);
        const target = displays.find((d) => d.id === a.displayId);
        expect(target && rectContains(target.bounds, a.bounds), at).toBe(true);
      }

      const after = apply(windows, actions);
      if (displays.length > 0) {
        // Exactly one window per resolved display, and never zero windows.
        const resolved = resolveAssignments(displays, profile);
        expect(resolved.length, at).toBeGreaterThan(0);
        expect(after.map((w) => w.displayId).sort(), at).toEqual(resolved.map((x) => x.display.id).sort());
        for (const { display, assignment } of resolved) {
          const w = after.find((x) => x.displayId === display.id)!;
          expect(w.view, at).toBe(assignment.view);
          if (!assignment.fullscreen && !assignment.kiosk) expect(rectContains(display.workArea, w.bounds), at).toBe(true);
        }
      }
      expect(planWindows(displays, profile, after), at).toEqual([]);
    }
    // The generator must actually exercise every kind of action.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(20);
  });
});
