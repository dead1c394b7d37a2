import { IocError, type IocApi, type IocBridge } from '../../../shared/contracts';
import { createWsBridge, type ConnectionState } from './ws-client';

declare global {
  interface Window {
    ioc?: IocBridge;
  }
}

/** Which display this window/page shows: `?display=N` (Electron windows get it in their URL too). */
export const displayId: string | null = new URLSearchParams(location.search).get('display');

/** The host's per-launch token arrives in the URL fragment once; keep it for reloads, then hide it. */
function takeToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('ioc.token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem('ioc.token') ?? '';
}

function unwrap(bridge: IocBridge): IocApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const [ns, members] of Object.entries(bridge as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)) {
    api[ns] = {};
    for (const [name, fn] of Object.entries(members)) {
      api[ns][name] = /^on[A-Z]/.test(name)
        ? fn
        : async (input?: unknown) => {
            const env = (await fn(input)) as { ok: true; value: unknown } | { ok: false; error: { code: IocError['code']; message: string; issues?: IocError['issues'] } };
            if (env.ok) return env.value;
            throw new IocError(env.error.code, env.error.message, env.error.issues);
          };
    }
  }
  return api as unknown as IocApi;
}

function createConnection() {
  if (window.ioc) {
    // Electron: IPC is always there while the window lives.
    return { bridge: window.ioc, transport: 'ipc' as const, onState: (_l: (s: ConnectionState) => void) => () => {}, state: (): ConnectionState => 'open' };
  }
  const wsUrl = new URL('/ioc', location.href);
  wsUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  wsUrl.hash = '';
  wsUrl.search = '';
  wsUrl.searchParams.set('token', takeToken());
  if (displayId) wsUrl.searchParams.set('display', displayId);
  return { ...createWsBridge(wsUrl.toString()), transport: 'ws' as const };
}

const connection = createConnection();

/** The app contract, typed: calls return values or throw IocError; events are `onXxx(listener) → unsubscribe`. */
export const api: IocApi = unwrap(connection.bridge);
export const transport = connection.transport;
export const onConnectionState = connection.onState;
export const connectionState = connection.state;
export type { ConnectionState };
