import { z } from 'zod';

/**
 * The contract vocabulary: a call is `{ channel, input, output }`, an event is `{ channel, payload }`.
 * Both transports (Electron IPC and the host's WebSocket) are built from the same definitions.
 */
export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'call';
  readonly channel: string;
  readonly input: I;
  readonly output: O;
}
export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly channel: string;
  readonly payload: P;
}

export const call = <I extends z.ZodType, O extends z.ZodType>(channel: string, input: I, output: O): CallDef<I, O> => ({
  kind: 'call',
  channel,
  input,
  output,
});
export const event = <P extends z.ZodType>(channel: string, payload: P): EventDef<P> => ({ kind: 'event', channel, payload });

/** A feature namespace: calls by method name, events by `onXxx` name. */
export type Namespace = Record<string, CallDef | EventDef>;
export type Contract = Record<string, Namespace>;

type CallKeys<N> = { [K in keyof N]: N[K] extends CallDef ? K : never }[keyof N];
type EventKeys<N> = { [K in keyof N]: N[K] extends EventDef ? K : never }[keyof N];

/** Who is calling: the transport fills this in after it has checked the sender. */
export interface CallContext {
  transport: 'ipc' | 'ws';
  /** Display the calling window/page shows, if it said so. */
  displayId?: string;
  /** Opaque id of the caller (window id or WebSocket connection id). */
  clientId: string;
}

/** What main implements: every call of every namespace. A missing method fails to compile. */
export type ContractImpl<C extends Contract> = {
  [NS in keyof C]: {
    [M in CallKeys<C[NS]>]: C[NS][M] extends CallDef<infer I, infer O>
      ? (input: z.output<I>, ctx: CallContext) => Promise<z.input<O>> | z.input<O>
      : never;
  };
};

/** What the renderer sees as `window.ioc`: calls return promises, events are `onXxx(listener) → unsubscribe`. */
export type ContractClient<C extends Contract> = {
  [NS in keyof C]: {
    [M in CallKeys<C[NS]>]: C[NS][M] extends CallDef<infer I, infer O>
      ? z.input<I> extends undefined | void
        ? (input?: z.input<I>) => Promise<z.output<O>>
        : (input: z.input<I>) => Promise<z.output<O>>
      : never;
  } & {
    [E in EventKeys<C[NS]>]: C[NS][E] extends EventDef<infer P> ? (listener: (payload: z.output<P>) => void) => () => void : never;
  };
};

/**
 * What the preload exposes as `window.ioc` (and what the WebSocket client builds): the same shape as
 * the client, but calls resolve to the transport's envelope; the renderer's api module unwraps it.
 */
export type ContractBridge<C extends Contract> = {
  [NS in keyof C]: {
    [M in CallKeys<C[NS]>]: C[NS][M] extends CallDef<infer _I, infer O> ? (input?: unknown) => Promise<Envelope<z.output<O>>> : never;
  } & {
    [E in EventKeys<C[NS]>]: C[NS][E] extends EventDef<infer P> ? (listener: (payload: z.output<P>) => void) => () => void : never;
  };
};

export const ERROR_CODES = ['invalid_input', 'invalid_output', 'unknown_channel', 'forbidden', 'unauthorized', 'not_found', 'conflict', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorEnvelope = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    /** For invalid_input: where and what (zod issues, trimmed). */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
export type Envelope<T = unknown> = { ok: true; value: T } | ErrorEnvelope;

/** An error a service throws on purpose; its code and message reach the caller. Anything else becomes `internal`. */
export class IocError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'IocError';
  }
}

export function callsOf(contract: Contract): Array<{ ns: string; method: string; def: CallDef }> {
  const out: Array<{ ns: string; method: string; def: CallDef }> = [];
  for (const [ns, defs] of Object.entries(contract))
    for (const [method, def] of Object.entries(defs)) if (def.kind === 'call') out.push({ ns, method, def });
  return out;
}
export function eventsOf(contract: Contract): Array<{ ns: string; name: string; def: EventDef }> {
  const out: Array<{ ns: string; name: string; def: EventDef }> = [];
  for (const [ns, defs] of Object.entries(contract))
    for (const [name, def] of Object.entries(defs)) if (def.kind === 'event') out.push({ ns, name, def });
  return out;
}

/** Serializable description of the contract (names only) for the preload/WS client to build proxies. */
export function contractShape(contract: Contract): Record<string, { calls: Record<string, string>; events: Record<string, string> }> {
  const shape: Record<string, { calls: Record<string, string>; events: Record<string, string> }> = {};
  for (const [ns, defs] of Object.entries(contract)) {
    shape[ns] = { calls: {}, events: {} };
    for (const [name, def] of Object.entries(defs)) {
      if (def.kind === 'call') shape[ns].calls[name] = def.channel;
      else shape[ns].events[name] = def.channel;
    }
  }
  return shape;
}

/** WebSocket wire messages (host transport). */
export const WsRequest = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(128),
  input: z.unknown().optional(),
});
export type WsServerMessage =
  | { type: 'result'; id: number; envelope: Envelope }
  | { type: 'event'; channel: string; payload: unknown }
  | { type: 'error'; envelope: ErrorEnvelope };
