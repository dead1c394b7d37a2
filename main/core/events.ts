import type { z } from 'zod';
import type { EventDef } from '../../shared/contracts/rpc';

type Listener = (channel: string, payload: unknown) => void;

/**
 * Main-side event bus for contract events. Services publish typed payloads; each transport
 * subscribes once and forwards to its windows/pages. Payloads are validated on the way out so a
 * renderer never receives something its contract does not describe.
 */
export class EventBus {
  private listeners = new Set<Listener>();

  /** `onInvalid` hears about payloads that break their contract (a bug in main): they are dropped, never thrown into a timer. */
  constructor(private readonly onInvalid: (channel: string, message: string) => void = () => {}) {}

  publish<P extends z.ZodType>(def: EventDef<P>, payload: z.input<P>): void {
    const parsed = def.payload.safeParse(payload);
    if (!parsed.success) {
      this.onInvalid(def.channel, parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    for (const l of [...this.listeners]) l(def.channel, parsed.data);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
