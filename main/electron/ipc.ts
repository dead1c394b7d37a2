import { BrowserWindow, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Contract, ContractImpl } from '../../shared/contracts/rpc';
import { createDispatcher, MAX_INPUT_BYTES, type Logger } from '../core/dispatcher';
import type { EventBus } from '../core/events';

export interface HandleOptions {
  /** Origin the app's own pages load from (the custom protocol), e.g. "app://ioc". */
  appOrigin: string;
  log: Logger;
}

/** Only the top frame of one of our windows, showing our own protocol, may call main. */
export function isTrustedSender(event: IpcMainInvokeEvent, appOrigin: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  if (!BrowserWindow.fromWebContents(event.sender)) return false;
  try {
    return new URL(frame.url).origin === appOrigin;
  } catch {
    return false;
  }
}

function displayOf(contents: WebContents): string | undefined {
  try {
    return new URL(contents.getURL()).searchParams.get('display') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Register every call of `contract` on ipcMain. `impl` must implement all of them (a missing one
 * fails to compile); input is parsed with the contract's zod schema before the service runs, and
 * every answer is an envelope `{ ok, value } | { ok: false, error: { code, message } }`.
 */
export function handle<C extends Contract>(contract: C, impl: ContractImpl<C>, opts: HandleOptions): () => void {
  const dispatcher = createDispatcher(contract, impl, opts.log);
  const channels = dispatcher.channels();
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!isTrustedSender(event, opts.appOrigin)) {
        opts.log('warn', 'ipc call from untrusted sender refused', { channel });
        return { ok: false, error: { code: 'forbidden', message: 'Sender is not an IOC Wall window' } };
      }
      // Structured clone already bounded the shape; bound the size too, like the WebSocket transport.
      if (input !== undefined && JSON.stringify(input).length > MAX_INPUT_BYTES)
        return { ok: false, error: { code: 'invalid_input', message: 'Input too large' } };
      return dispatcher.dispatch(channel, input, { transport: 'ipc', clientId: `wc-${event.sender.id}`, displayId: displayOf(event.sender) });
    });
  }
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}

/** Forward contract events to every window of the app. */
export function forwardEvents(bus: EventBus): () => void {
  return bus.subscribe((channel, payload) => {
    for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
}
