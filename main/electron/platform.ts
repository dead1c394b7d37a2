import { join } from 'node:path';
import { app, safeStorage, screen } from 'electron';
import type { Contract, ContractImpl } from '../../shared/contracts/rpc';
import type { ViewId } from '../../shared/wall/profile';
import type { Logger } from '../core/dispatcher';
import type { EventBus } from '../core/events';
import type { DisplaySource, WindowPort } from '../services/wall/window-manager';
import type { TokenCipher } from '../services/sync/session';
import type { SecretCipher } from '../services/streams/credentials';
import { forwardEvents, handle } from './ipc';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './protocol';
import { createScreenSource } from './screen-source';
import { applySecurityPolicy } from './security';
import { createWindowPort } from './window-port';

/** Everything the composition root needs from Electron, behind plain types. */
export interface ElectronPlatform {
  dataDir: string;
  version: string;
  electronVersion: string;
  displays: DisplaySource;
  windowPort: WindowPort & { dispose(): void };
  /** Built central server for the embedded default: run as a separate process, never bundled into the app. */
  serverEntry: string;
  /** Session tokens at rest through the OS keychain (safeStorage) when it is available. */
  tokenCipher: TokenCipher | undefined;
  /** Camera credentials at rest through the OS keychain (safeStorage) when it is available. */
  secretCipher: SecretCipher | undefined;
  /** Origin of the app's own pages (the stream server admits only these). */
  appOrigin: string;
  serve<C extends Contract>(contract: C, impl: ContractImpl<C>, bus: EventBus): () => void;
  onQuit(dispose: () => void): void;
  /** Extra origins pages may connect to (the stream server), read at each page load. */
  allowConnect(origins: () => string[]): void;
}

/** Phase 1 (before ready): scheme, single instance, security. Phase 2: wait for ready, then build the ports. */
export async function startElectronPlatform(log: Logger): Promise<ElectronPlatform | null> {
  registerAppScheme();
  // Wall PCs without a usable GPU: software compositing is far cheaper than emulated GL for 16–25
  // video tiles (bench:video: Chromium CPU 165 % → 67 %, dropped frames 27 % → 0 %).
  if (process.env.IOC_SOFTWARE_RENDERING === '1') app.disableHardwareAcceleration();
  if (!app.requestSingleInstanceLock()) {
    log('warn', 'another IOC Wall instance is running; exiting');
    app.quit();
    return null;
  }
  applySecurityPolicy(log);
  await app.whenReady();

  const outDir = join(import.meta.dirname, '..');
  let connectSrc: () => string[] = () => [];
  serveRenderer(join(outDir, 'renderer'), () => connectSrc());
  const windowPort = createWindowPort({
    preloadPath: join(outDir, 'preload', 'index.cjs'),
    urlFor: (view: ViewId, displayId: string, layout?: string) => {
      const u = new URL(`${APP_ORIGIN}/index.html`);
      u.searchParams.set('display', displayId);
      if (layout) u.searchParams.set('layout', layout);
      void view; // the page follows the wall profile through the contract; the view is not in the URL
      return u.toString();
    },
  });

  return {
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    electronVersion: process.versions.electron ?? '',
    displays: createScreenSource(screen),
    windowPort,
    serverEntry: app.isPackaged ? join(process.resourcesPath, 'server', 'cli.js') : join(outDir, 'server', 'cli.js'),
    tokenCipher: safeStorage.isEncryptionAvailable()
      ? {
          encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
          decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
        }
      : undefined,
    secretCipher: safeStorage.isEncryptionAvailable()
      ? {
          encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
          decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
        }
      : undefined,
    appOrigin: APP_ORIGIN,
    serve(contract, impl, bus) {
      const off = handle(contract, impl, { appOrigin: APP_ORIGIN, log });
      const offEvents = forwardEvents(bus);
      return () => {
        off();
        offEvents();
      };
    },
    allowConnect(origins) {
      connectSrc = origins;
    },
    onQuit(dispose) {
      let disposed = false;
      app.on('before-quit', () => {
        if (disposed) return;
        disposed = true;
        dispose();
      });
      // A wall app keeps running with its windows; quitting is explicit (Ctrl+Q / OS shutdown).
      app.on('window-all-closed', () => app.quit());
    },
  };
}
