import { z } from 'zod';
import { call, event } from './rpc';

export const HealthState = z.enum(['ok', 'degraded', 'down', 'idle']);
export type HealthState = z.infer<typeof HealthState>;

export const ServiceHealth = z.object({
  name: z.string(),
  state: HealthState,
  /** Short human-readable detail, never a secret. */
  detail: z.string(),
  /** ISO time the state last changed. */
  since: z.string(),
});
export type ServiceHealth = z.infer<typeof ServiceHealth>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** 'electron' in the desktop app, 'host' in the headless host (browser pages). */
  runtime: z.enum(['electron', 'host']),
  platform: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  startedAt: z.string(),
  timeZone: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const systemContract = {
  getInfo: call('system:getInfo', z.void(), AppInfo),
  getHealth: call('system:getHealth', z.void(), z.array(ServiceHealth)),
  onHealth: event('system:health', z.array(ServiceHealth)),
};
