import { z } from 'zod';
import { call, event } from './rpc';
import { Camera } from '../domain/entities';
import { StreamHealth } from '../video/streams';
import { MosaicState } from '../video/mosaic';

export const CredentialStatus = z.object({ cameraId: z.string(), hasCredentials: z.boolean(), needsCredentials: z.boolean() });
export type CredentialStatus = z.infer<typeof CredentialStatus>;

/** Camera login, entered by an operator; kept encrypted on this machine only, never returned or logged. */
export const SetCredentialsInput = z.discriminatedUnion('clear', [
  z.object({
    cameraId: z.string().min(1).max(200),
    clear: z.literal(false),
    username: z.string().trim().min(1).max(200).regex(/^[^\s:@/]+$/, 'no spaces, ":", "@" or "/"'),
    password: z.string().min(1).max(500),
  }),
  z.object({ cameraId: z.string().min(1).max(200), clear: z.literal(true) }),
]);
export type SetCredentialsInput = z.infer<typeof SetCredentialsInput>;

export const StreamEndpoint = z.object({ baseUrl: z.string(), token: z.string() });

export const streamsContract = {
  /** Where tiles pull MPEG-TS from: the stream server's ws:// base URL and this session's token. */
  getEndpoint: call('streams:getEndpoint', z.void(), StreamEndpoint),
  /** Cameras from the cache (or the demo data), in display order. */
  listCameras: call('streams:listCameras', z.void(), z.array(Camera)),
  getHealth: call('streams:getHealth', z.void(), z.array(StreamHealth)),
  /** Which cameras have a stored login (and which need one): never the secrets. */
  credentialStatus: call('streams:credentialStatus', z.void(), z.array(CredentialStatus)),
  /** Store or clear a camera's login; its running streams restart with it. */
  setCredentials: call('streams:setCredentials', SetCredentialsInput, z.object({ ok: z.literal(true) })),
  /** Snapshot of every stream's health, at most once per second. */
  onHealth: event('streams:health', z.array(StreamHealth)),
};

export const mosaicContract = {
  getState: call('mosaic:getState', z.object({ displayId: z.string().min(1).max(64) }), MosaicState),
  setState: call('mosaic:setState', MosaicState, MosaicState),
  /** Push to wall: put a camera on a tile (default: the first empty, else the first) of a display's mosaic. */
  pushCamera: call('mosaic:pushCamera', z.object({ displayId: z.string().min(1).max(64), cameraId: z.string().min(1).max(200), tile: z.number().int().min(0).max(35).optional() }), MosaicState),
  onState: event('mosaic:state', MosaicState),
};
