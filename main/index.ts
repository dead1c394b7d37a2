import { appContract } from '../shared/contracts';
import { wallContract } from '../shared/contracts/wall.contract';
import { basemapConnectOrigins, createAppServices, streamOrigins } from './core/app';
import { createLogger } from './core/logger';
import { startElectronPlatform } from './electron/platform';
import { createStreamsService } from './services/streams';
import { WindowManager, type WindowPort } from './services/wall/window-manager';
import type { WallService } from './services/wall/wall.service';

/** Count a window as a client of its display for as long as it lives (the console shows it). */
function trackClients(port: WindowPort, wall: WallService): WindowPort {
  const detach = new Map<string, () => void>();
  const drop = (id: string) => {
    detach.get(id)?.();
    detach.delete(id);
  };
  return {
    create(spec) {
      const id = port.create(spec);
      detach.set(id, wall.attachClient(spec.displayId));
      return id;
    },
    move(id, bounds, displayId) {
      port.move(id, bounds, displayId);
      if (displayId) {
        drop(id);
        detach.set(id, wall.attachClient(displayId));
      }
    },
    setView: (id, view, layout) => port.setView(id, view, layout),
    setMode: (id, mode) => port.setMode(id, mode),
    close(id) {
      drop(id);
      port.close(id);
    },
    onGone(listener) {
      return port.onGone((id, reason) => {
        drop(id);
        listener(id, reason);
      });
    },
  };
}

/** Composition root of the desktop app: services, contract, windows; everything disposed on quit. */
async function main(): Promise<void> {
  const log = createLogger();
  const platform = await startElectronPlatform(log);
  if (!platform) return;
  const services = createAppServices({
    dataDir: platform.dataDir,
    runtime: 'electron',
    version: platform.version,
    electronVersion: platform.electronVersion,
    displays: platform.displays,
    log,
    central: {
      serverUrl: process.env.IOC_SERVER_URL || null,
      embedded: { entry: platform.serverEntry, nodePath: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, simulate: true },
      cipher: platform.tokenCipher,
    },
    streams: (deps) => createStreamsService({ ...deps, allowedOrigins: [platform.appOrigin], cipher: platform.secretCipher }),
  });
  services.start().catch((err) => log('error', 'central link failed to start', { error: (err as Error).message }));
  const stopServing = platform.serve(appContract, services.impl, services.bus);
  platform.allowConnect(() => [...streamOrigins(services), ...basemapConnectOrigins(services)]);
  const windows = new WindowManager({
    port: trackClients(platform.windowPort, services.wall),
    displays: platform.displays,
    getProfile: () => services.wall.profile(),
    log: (msg, meta) => log('info', msg, meta as Record<string, unknown>),
  });
  windows.start();
  // The console changed the profile: open/move/close windows to match.
  const offWall = services.bus.subscribe((channel) => {
    if (channel === wallContract.onChanged.channel) windows.reconcile();
  });
  platform.onQuit(() => {
    offWall();
    windows.dispose();
    stopServing();
    platform.windowPort.dispose();
    void services.dispose();
  });
}

main().catch((err) => {
  process.stderr.write(`IOC Wall failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
