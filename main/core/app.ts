import { mkdirSync } from 'node:fs';
import { appContract, type AppImpl } from '../../shared/contracts';
import { systemContract } from '../../shared/contracts/system.contract';
import { ConfigStore } from '../services/config/config.service';
import { HealthRegistry } from '../services/system/health.service';
import { WallService } from '../services/wall/wall.service';
import type { DisplaySource } from '../services/wall/window-manager';
import { createDispatcher, type Dispatcher, type Logger } from './dispatcher';
import { EventBus } from './events';

export interface AppServicesOptions {
  dataDir: string;
  runtime: 'electron' | 'host';
  version: string;
  electronVersion?: string | null;
  displays: DisplaySource;
  log: Logger;
}

export interface AppServices {
  bus: EventBus;
  config: ConfigStore;
  health: HealthRegistry;
  wall: WallService;
  impl: AppImpl;
  dispatcher: Dispatcher;
  dispose(): void;
}

/**
 * The main-process services and the contract implementation, free of Electron: the desktop app
 * (main/index.ts) and the headless host (main/host) both build exactly this.
 */
export function createAppServices(opts: AppServicesOptions): AppServices {
  mkdirSync(opts.dataDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const bus = new EventBus();
  const config = new ConfigStore(opts.dataDir, opts.log);
  const health = new HealthRegistry();
  const wall = new WallService({ displays: opts.displays, config, bus, log: opts.log });

  health.register('config', () => {
    const problem = config.problem();
    return problem ? { state: 'degraded', detail: problem } : { state: 'ok', detail: config.path };
  });
  health.register('wall', () => {
    const s = wall.state();
    const withClients = s.resolved.filter((r) => r.clients > 0).length;
    return {
      state: s.displays.length ? 'ok' : 'down',
      detail: `${s.displays.length} displays, ${withClients} showing`,
    };
  });
  const offHealth = health.onChange((all) => bus.publish(systemContract.onHealth, all));

  const impl: AppImpl = {
    system: {
      getInfo: () => ({
        name: 'IOC Wall',
        version: opts.version,
        runtime: opts.runtime,
        platform: `${process.platform}-${process.arch}`,
        nodeVersion: process.versions.node,
        electronVersion: opts.electronVersion ?? null,
        startedAt,
        timeZone: 'Asia/Ho_Chi_Minh',
      }),
      getHealth: () => health.snapshot(),
    },
    wall: {
      getState: () => wall.state(),
      assignView: (input) => wall.assignView(input),
    },
  };
  const dispatcher = createDispatcher(appContract, impl, opts.log);
  wall.start();
  health.start();

  return {
    bus,
    config,
    health,
    wall,
    impl,
    dispatcher,
    dispose() {
      offHealth();
      wall.dispose();
      health.dispose();
      bus.dispose();
    },
  };
}
