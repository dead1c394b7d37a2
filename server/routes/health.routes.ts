import { PROTOCOL_VERSION } from '../../shared/sync/protocol';
import type { Database } from '../db/client';
import type { RouteDef } from '../http/route-table';
import { currentSeq } from '../sync/writer';

/** `seeding`: the demo's KPI year is still being written in the background (the server serves meanwhile). */
export function healthRoutes(db: Database, version: string, seeding: () => boolean = () => false): RouteDef[] {
  return [
    {
      method: 'GET',
      url: '/api/v1/health',
      access: 'public',
      handler: async () => ({ ok: true, version, protocol: PROTOCOL_VERSION, seq: await currentSeq(db.orm), seeding: seeding() }),
    },
  ];
}
