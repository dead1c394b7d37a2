import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { call, event, IocError } from '../../shared/contracts/rpc';
import { createDispatcher } from './dispatcher';

const contract = {
  demo: {
    echo: call('demo:echo', z.object({ text: z.string().max(5) }), z.object({ text: z.string() })),
    broken: call('demo:broken', z.void(), z.object({ n: z.number() })),
    fails: call('demo:fails', z.void(), z.void()),
    denies: call('demo:denies', z.void(), z.void()),
    onThing: event('demo:thing', z.object({})),
  },
};
const ctx = { transport: 'ws' as const, clientId: 't' };

function setup() {
  const echo = vi.fn((i: { text: string }) => ({ text: i.text.toUpperCase() }));
  const log = vi.fn();
  const d = createDispatcher(
    contract,
    {
      demo: {
        echo,
        broken: () => ({ n: 'not a number' }) as unknown as { n: number },
        fails: () => {
          throw new Error('db password=hunter2 exploded');
        },
        denies: () => {
          throw new IocError('forbidden', 'Leaders only');
        },
      },
    },
    log,
  );
  return { d, echo, log };
}

describe('dispatcher', () => {
  it.each([
    ['valid input', 'demo:echo', { text: 'abc' }, { ok: true, value: { text: 'ABC' } }],
    ['wrong type', 'demo:echo', { text: 5 }, 'invalid_input'],
    ['too long', 'demo:echo', { text: 'abcdef' }, 'invalid_input'],
    ['missing field', 'demo:echo', {}, 'invalid_input'],
    ['not an object', 'demo:echo', 'abc', 'invalid_input'],
    ['unknown channel', 'demo:nope', {}, 'unknown_channel'],
    ['event channel is not callable', 'demo:thing', {}, 'unknown_channel'],
    ['non-string channel', 42, {}, 'unknown_channel'],
    ['output breaks the contract', 'demo:broken', undefined, 'invalid_output'],
    ['unexpected throw', 'demo:fails', undefined, 'internal'],
    ['deliberate IocError', 'demo:denies', undefined, 'forbidden'],
  ])('%s', async (_name, channel, input, expected) => {
    const { d } = setup();
    const env = await d.dispatch(channel as string, input, ctx);
    if (typeof expected === 'string') expect(env.ok === false && env.error.code).toBe(expected);
    else expect(env).toEqual(expected);
  });

  it('does not call the service when input is invalid', async () => {
    const { d, echo } = setup();
    await d.dispatch('demo:echo', { text: 123 }, ctx);
    expect(echo).not.toHaveBeenCalled();
  });

  it('keeps internal error details out of the answer', async () => {
    const { d } = setup();
    const env = await d.dispatch('demo:fails', undefined, ctx);
    expect(JSON.stringify(env)).not.toContain('hunter2');
  });

  it('refuses to build without an implementation for every call', () => {
    // @ts-expect-error missing methods fail to compile; at runtime the dispatcher refuses too
    expect(() => createDispatcher(contract, { demo: { echo: () => ({ text: '' }) } }, vi.fn())).toThrow(/no implementation/);
  });
});
