import { describe, expect, it } from 'vitest';
import type { Display, Rect, ViewId, WallProfile } from '../../../shared/wall/profile';
import { defaultProfile } from '../../../shared/wall/planner';
import { CRASH_WINDOW_MS, MAX_CRASHES, WindowManager, type DisplaySource, type WindowPort } from './window-manager';

// ---- fakes at the edges: the windowing system and the screen ----------------------------------

interface FakeWindow {
  displayId: string;
  view: ViewId;
  layout?: string;
  bounds: Rect;
  kiosk: boolean;
  fullscreen: boolean;
}

class FakePort implements WindowPort {
  readonly open = new Map<string, FakeWindow>();
  readonly calls: string[] = [];
  readonly goneListeners = new Set<(id: string, reason: string) => void>();
  failNextCreate = false;
  private n = 0;

  create(spec: FakeWindow): string {
    if (this.failNextCreate) {
      this.failNextCreate = false;
      throw new Error('GPU process unavailable');
    }
    const id = `w${++this.n}`;
    this.open.set(id, { ...spec });
    this.calls.push(`create ${id} ${spec.displayId} ${spec.view}`);
    return id;
  }
  move(id: string, bounds: Rect, displayId?: string): void {
    const w = this.get(id);
    w.bounds = bounds;
    if (displayId) w.displayId = displayId;
    this.calls.push(`move ${id} ${bounds.x},${bounds.y} ${bounds.width}x${bounds.height}`);
  }
  setView(id: string, view: ViewId, layout?: string): void {
    Object.assign(this.get(id), { view, layout });
    this.calls.push(`setView ${id} ${view}`);
  }
  setMode(id: string, mode: { kiosk: boolean; fullscreen: boolean }): void {
    Object.assign(this.get(id), mode);
    this.calls.push(`setMode ${id} kiosk=${mode.kiosk} fullscreen=${mode.fullscreen}`);
  }
  close(id: string): void {
    this.get(id);
    this.open.delete(id);
    this.calls.push(`close ${id}`);
  }
  onGone(listener: (id: string, reason: string) => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  /** The renderer of `id` dies: the port drops the window and tells its listeners. */
  crash(id: string, reason = 'crashed'): void {
    this.get(id);
    this.open.delete(id);
    for (const l of [...this.goneListeners]) l(id, reason);
  }
  /** What the operator sees: "display:view" per window, sorted. */
  screen(): string[] {
    return [...this.open.values()].map((w) => `${w.displayId}:${w.view}`).sort();
  }
  idOn(displayId: string): string {
    const hit = [...this.open.entries()].find(([, w]) => w.displayId === displayId);
    if (!hit) throw new Error(`no window on ${displayId}`);
    return hit[0];
  }
  private get(id: string): FakeWindow {
    const w = this.open.get(id);
    if (!w) throw new Error(`unknown window ${id}`);
    return w;
  }
}

class FakeDisplays implements DisplaySource {
  readonly listeners = new Set<() => void>();
  listCalls = 0;
  constructor(public current: Display[]) {}
  list(): Display[] {
    this.listCalls++;
    return this.current.map((d) => ({ ...d }));
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Electron fires several events for one change (removed, metrics-changed…). */
  set(displays: Display[], events = 2): void {
    this.current = displays;
    for (let i = 0; i < events; i++) for (const l of [...this.listeners]) l();
  }
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function display(id: string, x: number, primary = false, size = { width: 1920, height: 1080 }): Display {
  const bounds = { x, y: 0, ...size };
  return { id, label: `Display ${id}`, bounds, workArea: bounds, primary, scaleFactor: 1 };
}
const D1 = display('1', 0, true);
const D2 = display('2', 1920);
const D3 = display('3', 3840);
const WALL = [D1, D2, D3];
const PROFILE: WallProfile = defaultProfile(WALL); // 1 console, 2 mosaic, 3 map
const FOLLOWING: WallProfile = {
  version: 1,
  name: 'console follows the primary',
  assignments: [
    { displayId: 'primary', view: 'console', kiosk: false, fullscreen: false },
    { displayId: '3', view: 'map', kiosk: true, fullscreen: true },
  ],
};

function setup(opts: { displays?: Display[]; profile?: WallProfile } = {}) {
  const port = new FakePort();
  const displays = new FakeDisplays(opts.displays ?? WALL);
  let profile = opts.profile ?? PROFILE;
  let clock = 1_000_000;
  const logs: Array<{ msg: string; meta?: object }> = [];
  const manager = new WindowManager({
    port,
    displays,
    getProfile: () => profile,
    log: (msg, meta) => logs.push({ msg, meta }),
    now: () => clock,
  });
  return {
    port,
    displays,
    manager,
    logs,
    setProfile: (p: WallProfile) => (profile = p),
    advance: (ms: number) => (clock += ms),
  };
}

// ---- tests ------------------------------------------------------------------------------------

describe('WindowManager', () => {
  it('start opens one window per display as the profile says', () => {
    const { port, manager } = setup();
    manager.start();
    expect(port.screen()).toEqual(['1:console', '2:mosaic', '3:map']);
    expect(manager.windows().map((w) => [w.displayId, w.view, w.fullscreen])).toEqual([
      ['1', 'console', false],
      ['2', 'mosaic', true],
      ['3', 'map', true],
    ]);
  });

  it.each([
    {
      name: 'unplug closes that display’s window',
      after: [D1, D2],
      screen: ['1:console', '2:mosaic'],
    },
    {
      name: 'unplug of everything but the primary leaves the console',
      after: [D1],
      screen: ['1:console'],
    },
    {
      name: 'resolution change moves the window to the new size',
      after: [D1, display('2', 1920, false, { width: 2560, height: 1440 }), display('3', 4480)],
      screen: ['1:console', '2:mosaic', '3:map'],
    },
    {
      name: 'primary change with the default profile: nothing moves',
      after: [display('1', 0, false), display('2', 1920, true), D3],
      screen: ['1:console', '2:mosaic', '3:map'],
    },
    {
      name: 'primary change with a "primary" console: the console follows the primary',
      profile: FOLLOWING,
      after: [display('1', 0, false), display('2', 1920, true), D3],
      screen: ['2:console', '3:map'],
    },
  ])('display change: $name', async ({ after, screen, profile }) => {
    const { port, displays, manager } = setup({ profile });
    manager.start();
    const created = port.calls.filter((c) => c.startsWith('create')).length;
    displays.set(after);
    await flush();
    expect(port.screen()).toEqual(screen);
    // Windows are moved or closed, never reopened (no reload, no lost renderer state).
    expect(port.calls.filter((c) => c.startsWith('create')).length).toBe(created);
    // Every window sits inside its display.
    for (const w of port.open.values()) {
      const d = after.find((x) => x.id === w.displayId)!;
      expect(w.bounds.x).toBeGreaterThanOrEqual(d.bounds.x);
      expect(w.bounds.x + w.bounds.width).toBeLessThanOrEqual(d.bounds.x + d.bounds.width);
    }
    expect(manager.windows().map((w) => `${w.displayId}:${w.view}`)).toEqual(screen);
  });

  it('replug reopens the display’s window, with its view', async () => {
    const { port, displays, manager } = setup();
    manager.start();
    displays.set([D1, D2]);
    await flush();
    displays.set(WALL);
    await flush();
    expect(port.screen()).toEqual(['1:console', '2:mosaic', '3:map']);
    expect(port.calls.filter((c) => c.startsWith('create'))).toHaveLength(4);
  });

  it('a burst of display events is planned once', async () => {
    const { displays, manager } = setup();
    manager.start();
    const before = displays.listCalls;
    displays.set([D1, D2], 3);
    await flush();
    expect(displays.listCalls - before).toBe(1);
  });

  it('profile change applies on reconcile: setView, not reopen', () => {
    const { port, manager, setProfile } = setup();
    manager.start();
    const id = port.idOn('2');
    setProfile({ ...PROFILE, assignments: PROFILE.assignments.map((a) => (a.displayId === '2' ? { ...a, view: 'kpi' as const } : a)) });
    expect(manager.reconcile()).toEqual([{ type: 'setView', windowId: id, view: 'kpi' }]);
    expect(port.screen()).toEqual(['1:console', '2:kpi', '3:map']);
  });

  it('a crashed window is recreated with the same view on the same display', () => {
    const { port, manager } = setup();
    manager.start();
    const old = port.idOn('2');
    port.crash(old);
    expect(port.screen()).toEqual(['1:console', '2:mosaic', '3:map']);
    expect(port.idOn('2')).not.toBe(old);
    expect(manager.windows().some((w) => w.windowId === old)).toBe(false);
  });

  it(`a crash loop (> ${MAX_CRASHES} in 60 s) stops recreating that window only`, () => {
    const { port, manager, logs, advance } = setup();
    manager.start();
    for (let i = 0; i < MAX_CRASHES; i++) {
      advance(1000);
      port.crash(port.idOn('2'));
      expect(port.screen()).toContain('2:mosaic');
    }
    advance(1000);
    port.crash(port.idOn('2'));
    expect(port.screen()).toEqual(['1:console', '3:map']);
    expect(logs.some((l) => /not recreating/.test(l.msg))).toBe(true);
    // A later reconcile (display event) does not bring the loop back…
    manager.reconcile();
    expect(port.screen()).toEqual(['1:console', '3:map']);
    // …other windows still recover…
    port.crash(port.idOn('3'));
    expect(port.screen()).toEqual(['1:console', '3:map']);
    // …and an explicit retry does.
    manager.retry('2');
    expect(port.screen()).toEqual(['1:console', '2:mosaic', '3:map']);
  });

  it('crashes spread over more than 60 s keep being recreated (the count restarts)', () => {
    const { port, manager, advance } = setup();
    manager.start();
    for (let i = 0; i < 3 * MAX_CRASHES; i++) {
      advance(CRASH_WINDOW_MS / MAX_CRASHES + 1);
      port.crash(port.idOn('3'));
    }
    expect(port.screen()).toEqual(['1:console', '2:mosaic', '3:map']);
  });

  it('a window that cannot be created is retried on the next reconcile', () => {
    const { port, manager, logs } = setup({ displays: [D1] });
    port.failNextCreate = true;
    manager.start();
    expect(port.screen()).toEqual([]);
    expect(logs.some((l) => /open failed/.test(l.msg))).toBe(true);
    manager.reconcile();
    expect(port.screen()).toEqual(['1:console']);
  });

  it('dispose closes every window and leaves no listeners behind', async () => {
    const { port, displays, manager } = setup();
    manager.start();
    const id = port.idOn('1');
    manager.dispose();
    expect(port.open.size).toBe(0);
    expect(displays.listeners.size).toBe(0);
    expect(port.goneListeners.size).toBe(0);
    expect(manager.windows()).toEqual([]);
    // Late events are ignored.
    const calls = port.calls.length;
    displays.set([D1, D2]);
    await flush();
    expect(manager.reconcile()).toEqual([]);
    expect(port.calls.length).toBe(calls);
    expect(() => manager.dispose()).not.toThrow();
    expect(id).toBe('w1');
  });

  it('dispose right after a display event does not reconcile afterwards', async () => {
    const { port, displays, manager } = setup();
    manager.start();
    displays.set([D1, D2, D3, display('4', 5760)]);
    manager.dispose();
    await flush();
    expect(port.open.size).toBe(0);
  });
});
