import { systemContract } from './system.contract';
import { wallContract } from './wall.contract';
import { syncContract } from './sync.contract';
import { dataContract } from './data.contract';
import { mosaicContract, streamsContract } from './streams.contract';
import { feedbackContract } from './feedback.contract';
import { mapContract } from './map.contract';
import { kpiContract } from './kpi.contract';
import { briefingContract } from './briefing.contract';
import type { ContractBridge, ContractClient, ContractImpl } from './rpc';

/** The whole renderer ↔ main contract. Add a namespace here and both transports carry it. */
export const appContract = {
  system: systemContract,
  wall: wallContract,
  sync: syncContract,
  data: dataContract,
  streams: streamsContract,
  mosaic: mosaicContract,
  feedback: feedbackContract,
  map: mapContract,
  kpi: kpiContract,
  briefing: briefingContract,
};
export type AppContract = typeof appContract;
export type AppImpl = ContractImpl<AppContract>;
export type IocApi = ContractClient<AppContract>;
export type IocBridge = ContractBridge<AppContract>;

export * from './rpc';
export * from './system.contract';
export * from './wall.contract';
export * from './sync.contract';
export * from './data.contract';
export * from './streams.contract';
export * from './feedback.contract';
export * from './map.contract';
export * from './kpi.contract';
export * from './briefing.contract';
export * from '../video/streams';
export * from '../video/mosaic';
export * from '../wall/profile';
export { ENTITIES, Entity } from '../domain/entities';
