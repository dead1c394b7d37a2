import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIEFING_SLIDES, briefingContract, type BriefingState } from '../../../shared/contracts/briefing.contract';
import type { CallContext, Envelope } from '../../../shared/contracts/rpc';
import { createDispatcher, type Dispatcher } from '../../core/dispatcher';
import { EventBus } from '../../core/events';
import { ConfigStore } from '../config/config.service';
import { BriefingService } from './briefing.service';

const N = BRIEFING_SLIDES.length;
const ctx = (displayId?: string): CallContext => ({ transport: 'ws', clientId: 'c1', ...(displayId ? { displayId } : {}) });

let bus: EventBus;
let svc: BriefingService;
let dispatcher: Dispatcher;
let events: BriefingState[];

/** A call through the real dispatcher: the contract's zod schema checks the input first. */
async function call(channel: string, input: unknown, displayId?: string): Promise<Envelope<BriefingState>> {
  return (await dispatcher.dispatch(channel, input, ctx(displayId))) as Envelope<BriefingState>;
}
async function go(input: unknown, displayId?: string): Promise<BriefingState> {
  const env = await call('briefing:go', input, displayId);
  if (!env.ok) throw new Error(`${env.error.code}: ${env.error.message} ${JSON.stringify(env.error.issues)}`);
  return env.value;
}

beforeEach(() => {
  vi.useFakeTimers();
  bus = new EventBus((c, m) => {
    throw new Error(`${c}: ${m}`);
  });
  events = [];
  bus.subscribe((channel, payload) => channel === 'briefing:changed' && events.push(payload as BriefingState));
  svc = new BriefingService({ bus, intervalMs: 30_000 });
  dispatcher = createDispatcher({ briefing: briefingContract }, { briefing: { getState: () => svc.getState(), go: (i, c) => svc.go(i, c.displayId ?? null) } }, () => {});
});
afterEach(() => {
  svc.dispose();
  vi.useRealTimers();
});

describe('BriefingService', () => {
  it('starts on the first slide, paused, and answers its state through the contract', async () => {
    const env = await call('briefing:getState', undefined);
    expect(env.ok && env.value).toMatchObject({ slide: 0, count: N, playing: false, revision: 0 });
  });

  it('jumps to a slide and broadcasts it with who changed it', async () => {
    const s = await go({ slide: 3 }, '2');
    expect(s).toMatchObject({ slide: 3, by: '2', revision: 1 });
    expect(events.map((e) => e.slide)).toEqual([3]);
    expect(svc.getState().slide).toBe(3);
  });

  it('steps forward and back, wrapping round the deck at both ends', async () => {
    expect((await go({ delta: -1 })).slide).toBe(N - 1); // before the first: the last
    expect((await go({ delta: 1 })).slide).toBe(0); // after the last: the first
    expect((await go({ delta: 1 })).slide).toBe(1);
    expect(events.map((e) => e.slide)).toEqual([N - 1, 0, 1]);
    expect(events.map((e) => e.revision)).toEqual([1, 2, 3]);
  });

  it('rejects an out-of-range, fractional, forged or ambiguous input with a clear error and changes nothing', async () => {
    await go({ slide: 2 });
    events = [];
    const bad: unknown[] = [{ slide: N }, { slide: -1 }, { slide: 1.5 }, { delta: 2 }, { delta: -3 }, { slide: 1, delta: 1 }, {}, { slide: '1' }, { playing: 'yes' }, { slide: 1, admin: true }, null, 'next'];
    for (const input of bad) {
      const env = await call('briefing:go', input);
      expect(env.ok, JSON.stringify(input)).toBe(false);
      if (!env.ok) {
        expect(env.error.code).toBe('invalid_input');
        expect(env.error.message).toBe('Invalid input for briefing:go');
        expect(env.error.issues?.length).toBeGreaterThan(0);
      }
    }
    const outOfRange = await call('briefing:go', { slide: N });
    expect(!outOfRange.ok && outOfRange.error.issues?.[0]).toMatchObject({ path: 'slide', message: expect.stringMatching(new RegExp(`${N - 1}`)) });
    const both = await call('briefing:go', { slide: 1, delta: 1 });
    expect(!both.ok && both.error.issues?.map((i) => i.message).join()).toMatch(/either slide or delta/);
    expect(svc.getState()).toMatchObject({ slide: 2, revision: 1 });
    expect(events).toEqual([]);
  });

  it('while playing, moves on every interval by itself (wrapping), and stops when paused', async () => {
    await go({ slide: N - 2, playing: true });
    vi.advanceTimersByTime(29_999);
    expect(svc.getState().slide).toBe(N - 2);
    vi.advanceTimersByTime(1);
    expect(svc.getState().slide).toBe(N - 1);
    vi.advanceTimersByTime(30_000);
    expect(svc.getState()).toMatchObject({ slide: 0, playing: true, by: null });
    expect(events.map((e) => e.slide)).toEqual([N - 2, N - 1, 0]);
    await go({ playing: false });
    vi.advanceTimersByTime(120_000);
    expect(svc.getState()).toMatchObject({ slide: 0, playing: false });
  });

  it('a manual step while playing gives the new slide its full time', async () => {
    await go({ playing: true });
    vi.advanceTimersByTime(25_000);
    await go({ delta: 1 }); // slide 1 at t = 25 s
    vi.advanceTimersByTime(29_000);
    expect(svc.getState().slide).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(svc.getState().slide).toBe(2);
  });

  it('keeps its slide across a restart (config.json), paused; a saved slide beyond the deck starts on the first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-briefing-'));
    const quiet = () => {};
    try {
      const before = new BriefingService({ bus, intervalMs: 30_000, config: new ConfigStore(dir, quiet) });
      before.go({ slide: N - 3, playing: true }, '1');
      vi.advanceTimersByTime(30_000); // the timer's steps are kept too
      expect(before.getState().slide).toBe(N - 2);
      before.dispose();
      // A restart: config.json is read again by a new store.
      const after = new BriefingService({ bus, config: new ConfigStore(dir, quiet) });
      expect(after.getState()).toMatchObject({ slide: N - 2, playing: false, revision: 0 });
      after.dispose();
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({ version: 1, language: 'vi', briefing: { slide: N - 2 } });
      // A deck shorter than the saved slide (or a hand-edited file): the first slide, the rest of the config kept.
      new ConfigStore(dir, quiet).update((c) => ({ ...c, language: 'en', briefing: { slide: 99 } }));
      const edited = new ConfigStore(dir, quiet);
      const shorter = new BriefingService({ bus, config: edited });
      expect(shorter.getState().slide).toBe(0);
      expect(edited.get()).toMatchObject({ language: 'en', briefing: { slide: 99 } });
      shorter.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the period can be set (5–600 whole seconds) while playing: the next step comes after the new period; it is kept across a restart', async () => {
    await go({ playing: true });
    vi.advanceTimersByTime(10_000);
    expect((await go({ intervalSeconds: 15 })).intervalMs).toBe(15_000);
    vi.advanceTimersByTime(14_999);
    expect(svc.getState().slide).toBe(0);
    vi.advanceTimersByTime(1);
    expect(svc.getState().slide).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(svc.getState().slide).toBe(2);
    events = [];
    for (const bad of [{ intervalSeconds: 4 }, { intervalSeconds: 601 }, { intervalSeconds: 7.5 }, { intervalSeconds: '30' }]) {
      const env = await call('briefing:go', bad);
      expect(env.ok, JSON.stringify(bad)).toBe(false);
    }
    expect(svc.getState().intervalMs).toBe(15_000);
    expect(events).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'ioc-briefing-'));
    try {
      const before = new BriefingService({ bus, config: new ConfigStore(dir, () => {}) });
      expect(before.getState().intervalMs).toBe(30_000); // the default
      before.go({ intervalSeconds: 60 }, null);
      before.dispose();
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).briefing).toEqual({ slide: 0, intervalSeconds: 60 });
      const after = new BriefingService({ bus, config: new ConfigStore(dir, () => {}) });
      expect(after.getState()).toMatchObject({ intervalMs: 60_000, playing: false });
      after.go({ playing: true }, null);
      vi.advanceTimersByTime(59_999);
      expect(after.getState().slide).toBe(0);
      vi.advanceTimersByTime(1);
      expect(after.getState().slide).toBe(1);
      after.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops its timer when disposed', async () => {
    await go({ playing: true });
    svc.dispose();
    vi.advanceTimersByTime(120_000);
    expect(svc.getState().slide).toBe(0);
  });
});
