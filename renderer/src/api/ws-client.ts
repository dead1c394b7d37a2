import { appContract, contractShape, type ErrorEnvelope, type IocBridge, type WsServerMessage } from '../../../shared/contracts';
import type { Envelope } from '../../../shared/contracts/rpc';

export type ConnectionState = 'connecting' | 'open' | 'closed';

interface Pending {
  resolve: (e: Envelope) => void;
  timer: ReturnType<typeof setTimeout>;
}

const CALL_TIMEOUT_MS = 15_000;

/**
 * The contract over the headless host's WebSocket: the same bridge shape the preload exposes.
 * Reconnects with capped backoff; calls made while disconnected fail fast with `unavailable`.
 */
export function createWsBridge(url: string): { bridge: IocBridge; onState(l: (s: ConnectionState) => void): () => void; state(): ConnectionState } {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  const pending = new Map<number, Pending>();
  const eventListeners = new Map<string, Set<(p: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of [...stateListeners]) l(s);
  };
  const failAll = (message: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: { code: 'unavailable', message } });
      pending.delete(id);
    }
  };

  const connect = () => {
    setState('connecting');
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      attempt = 0;
      setState('open');
    };
    sock.onmessage = (ev) => {
      let msg: WsServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as WsServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'result') {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        clearTimeout(p.timer);
        p.resolve(msg.envelope);
      } else if (msg.type === 'event') {
        for (const l of [...(eventListeners.get(msg.channel) ?? [])]) l(msg.payload);
      } else if (msg.type === 'error') {
        console.warn('ioc host error', (msg.envelope as ErrorEnvelope).error);
      }
    };
    sock.onclose = () => {
      ws = null;
      failAll('Connection to the IOC service was lost');
      setState('closed');
      const delay = Math.min(5000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  };
  connect();

  const invoke = (channel: string, input: unknown): Promise<Envelope> =>
    new Promise((resolve) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        resolve({ ok: false, error: { code: 'unavailable', message: 'Not connected to the IOC service' } });
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ ok: false, error: { code: 'unavailable', message: `No answer to ${channel} in ${CALL_TIMEOUT_MS / 1000} s` } });
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, timer });
      ws.send(JSON.stringify({ type: 'call', id, channel, input }));
    });

  const bridge: Record<string, Record<string, unknown>> = {};
  for (const [ns, { calls, events }] of Object.entries(contractShape(appContract))) {
    const target: Record<string, unknown> = {};
    for (const [method, channel] of Object.entries(calls)) target[method] = (input?: unknown) => invoke(channel, input);
    for (const [name, channel] of Object.entries(events)) {
      target[name] = (listener: (p: unknown) => void) => {
        let set = eventListeners.get(channel);
        if (!set) eventListeners.set(channel, (set = new Set()));
        set.add(listener);
        return () => set.delete(listener);
      };
    }
    bridge[ns] = target;
  }
  return {
    bridge: bridge as unknown as IocBridge,
    onState(l) {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
    state: () => state,
  };
}
