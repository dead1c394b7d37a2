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

  publish<P extends z.ZodType>(def: EventDef<P>, payload: z.input<P>): void {
    const parsed = def.payload.parse(payload);
    for (const l of [...this.listeners]) l(def.channel, parsed);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
