import { z } from 'zod';
import { Camera } from '../../shared/domain/entities';
import type { Role } from '../../shared/sync/protocol';
import { StreamSource } from '../../shared/video/streams';
import { audit } from '../audit';
import { HttpError } from '../http/errors';
import type { RouteDef } from '../http/route-table';
import { withWriteTx, type WriteContext } from '../sync/writer';

const ADMIN_ONLY: readonly Role[] = ['admin'];

/** A camera as an administrator registers it: sources are stream URLs (relay URLs welcome), never credentials. */
const CameraBody = Camera.extend({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  name: z.string().trim().min(1).max(200),
  sources: z.partialRecord(z.enum(['main', 'sub']), StreamSource).refine((s) => s.main || s.sub, 'at least one of main / sub'),
});
const Body = z.object({ cameras: z.array(CameraBody).min(1).max(500) });

const withCredentials = /\/\/[^/@\s]+:[^/@\s]+@/;

/**
 * Admin: register or update cameras. They reach every wall through the change log like any other
 * synced row. URLs carrying credentials are refused: those stay in each desktop's encrypted store.
 */
export function cameraRoutes(ctx: WriteContext): RouteDef[] {
  return [
    {
      method: 'POST',
      url: '/api/v1/admin/cameras',
      access: ADMIN_ONLY,
      async handler(req, _reply, a) {
        const body = Body.safeParse(req.body);
        if (!body.success) throw new HttpError(400, 'invalid_request', `cameras: ${body.error.issues[0]?.path.join('.')}: ${body.error.issues[0]?.message}`);
        for (const cam of body.data.cameras)
          for (const src of Object.values(cam.sources))
            if (src && (withCredentials.test(src.url) || (src.backup && withCredentials.test(src.backup.url))))
              throw new HttpError(400, 'credentials_in_url', `camera ${cam.id}: put credentials in the desktop credential store, not in the URL`);
        const rows = await withWriteTx(ctx, async (w) => {
          const written = await w.upsert('camera', body.data.cameras);
          await audit(w.tx, { userId: a.user.id, actor: a.user.username, ip: req.ip, action: 'camera.upsert', target: body.data.cameras.map((c) => c.id).join(','), args: { count: body.data.cameras.length }, result: 'ok' });
          return written;
        });
        return { cameras: rows.map((r) => r.id) };
      },
    },
  ];
}
