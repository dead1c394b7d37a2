import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { event } from '../../shared/contracts/rpc';
import { EventBus } from './events';

describe('EventBus', () => {
  const ev = event('t:ev', z.object({ n: z.number().nonnegative() }));
  it('delivers valid payloads and drops (never throws) ones that break the contract', () => {
    const onInvalid = vi.fn();
    const bus = new EventBus(onInvalid);
    const seen = vi.fn();
    bus.subscribe(seen);
    bus.publish(ev, { n: 1 });
    expect(() => bus.publish(ev, { n: -5 })).not.toThrow();
    expect(seen).toHaveBeenCalledTimes(1);
    expect(onInvalid).toHaveBeenCalledWith('t:ev', expect.stringContaining('n'));
  });
});
