import { describe, expect, it, vi } from 'vitest';
import { HealthRegistry } from './health.service';

describe('HealthRegistry', () => {
  it('tells listeners about every change, even one already read through snapshot()', () => {
    let detail = 'a';
    const reg = new HealthRegistry();
    reg.register('svc', () => ({ state: 'ok', detail }));
    const seen = vi.fn();
    reg.onChange(seen);
    detail = 'b';
    expect(reg.snapshot()[0].detail).toBe('b'); // a page asked first…
    reg.poll(); // …the change is still published
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen.mock.calls[0][0][0]).toMatchObject({ name: 'svc', detail: 'b' });
    reg.poll();
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('keeps "since" while the state holds and reports a failing probe as down', () => {
    let t = 0;
    let state: 'ok' | 'degraded' = 'ok';
    const reg = new HealthRegistry(() => new Date(1_700_000_000_000 + t));
    reg.register('svc', () => ({ state, detail: String(t) }));
    reg.register('broken', () => {
      throw new Error('boom');
    });
    const first = reg.snapshot().find((h) => h.name === 'svc')!.since;
    t = 5000;
    expect(reg.snapshot().find((h) => h.name === 'svc')!.since).toBe(first);
    state = 'degraded';
    expect(reg.snapshot().find((h) => h.name === 'svc')!.since).not.toBe(first);
    expect(reg.snapshot().find((h) => h.name === 'broken')).toMatchObject({ state: 'down', detail: 'probe failed: boom' });
    reg.dispose();
  });
});
