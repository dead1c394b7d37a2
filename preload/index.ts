import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { appContract, contractShape } from '../shared/contracts';

/**
 * `window.ioc`: exactly the contract's calls and events, nothing else (never ipcRenderer itself).
 * Calls resolve to the main process's envelope; the renderer's api module unwraps it.
 */
const ioc: Record<string, Record<string, unknown>> = {};
for (const [ns, { calls, events }] of Object.entries(contractShape(appContract))) {
  const target: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(calls)) target[method] = (input?: unknown) => ipcRenderer.invoke(channel, input);
  for (const [name, channel] of Object.entries(events)) {
    target[name] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${ns}.${name} needs a listener function`);
      const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, wrapped);
      return () => ipcRenderer.removeListener(channel, wrapped);
    };
  }
  ioc[ns] = target;
}
contextBridge.exposeInMainWorld('ioc', ioc);
