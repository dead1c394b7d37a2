import type { z } from 'zod';
import { IocError, callsOf, type CallContext, type CallDef, type Contract, type ContractImpl, type Envelope } from '../../shared/contracts/rpc';

export type Logger = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, meta?: Record<string, unknown>) => void;

/** Largest serialized input accepted by either transport. Bigger payloads never reach a service. */
export const MAX_INPUT_BYTES = 256 * 1024;

const trimIssues = (issues: z.core.$ZodIssue[]) =>
  issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));

export interface Dispatcher {
  /** Validate, run and wrap one call. Never throws: every failure is an error envelope. */
  dispatch(channel: string, rawInput: unknown, ctx: CallContext): Promise<Envelope>;
  channels(): string[];
}

/**
 * The one place a call is checked: unknown channel → `unknown_channel`, input that fails the
 * contract's zod schema → `invalid_input` (the service is not called), output that breaks the
 * contract → `invalid_output` (a bug in main, logged), thrown IocError → its code, anything else → `internal`
 * with a generic message (details go to the log only).
 */
export function createDispatcher<C extends Contract>(contract: C, impl: ContractImpl<C>, log: Logger): Dispatcher {
  const table = new Map<string, { def: CallDef; fn: (input: unknown, ctx: CallContext) => unknown }>();
  for (const { ns, method, def } of callsOf(contract)) {
    const fn = (impl as Record<string, Record<string, (i: unknown, c: CallContext) => unknown>>)[ns]?.[method];
    if (typeof fn !== 'function') throw new Error(`contract ${def.channel} has no implementation`);
    table.set(def.channel, { def, fn: fn.bind((impl as Record<string, unknown>)[ns]) });
  }
  return {
    channels: () => [...table.keys()],
    async dispatch(channel, rawInput, ctx) {
      const entry = typeof channel === 'string' ? table.get(channel) : undefined;
      if (!entry) return { ok: false, error: { code: 'unknown_channel', message: `Unknown channel: ${String(channel).slice(0, 128)}` } };
      const parsed = entry.def.input.safeParse(rawInput);
      if (!parsed.success) {
        log('warn', 'rejected call input', { channel, clientId: ctx.clientId });
        return { ok: false, error: { code: 'invalid_input', message: `Invalid input for ${channel}`, issues: trimIssues(parsed.error.issues) } };
      }
      try {
        const result = await entry.fn(parsed.data, ctx);
        const out = entry.def.output.safeParse(result);
        if (!out.success) {
          log('error', 'service returned output that breaks the contract', { channel, issues: trimIssues(out.error.issues) });
          return { ok: false, error: { code: 'invalid_output', message: `Internal error in ${channel}` } };
        }
        return { ok: true, value: out.data };
      } catch (err) {
        if (err instanceof IocError) return { ok: false, error: { code: err.code, message: err.message, issues: err.issues } };
        log('error', 'call failed', { channel, error: err instanceof Error ? err.message : String(err) });
        return { ok: false, error: { code: 'internal', message: `Internal error in ${channel}` } };
      }
    },
  };
}
