import { z } from 'zod';
import { PERIOD_KINDS, kindOf } from '../../shared/kpi/periods';
import type { Role } from '../../shared/sync/protocol';
import { audit } from '../audit';
import { HttpError } from '../http/errors';
import type { AuthContext, RouteDef } from '../http/route-table';
import { recompute } from '../kpi/compute';
import { DATASET_NAMES, describeError, type DatasetName } from '../kpi/datasets';
import { ImportError, importDataset } from '../kpi/ingest';
import type { KpiScheduler } from '../kpi/scheduler';
import { withWriteTx, type WriteContext } from '../sync/writer';
import type { FastifyReply, FastifyRequest } from 'fastify';

const DATA_DESK: readonly Role[] = ['operator', 'admin'];
const ADMIN_ONLY: readonly Role[] = ['admin'];
/** CSV/JSON imports: a year of per-child immunization rows for the district fits easily. */
export const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

const RecomputeBody = z.object({ periods: z.array(z.string().max(10)).max(2000).optional(), days: z.number().int().min(1).max(800).optional() }).strict();

/**
 * KPI ingestion and computation (issue 7). Datasets: POST CSV (`text/csv`) or JSON `{ rows }`;
 * `?dryRun=1` validates only. 422 `{ error, errors: [{ row, line?, column, message }] }` when any
 * row is wrong — and then nothing is imported.
 */
export function kpiRoutes(ctx: WriteContext, now: () => Date, scheduler: KpiScheduler): RouteDef[] {
  const run = async (dataset: DatasetName, req: FastifyRequest, reply: FastifyReply, a: AuthContext) => {
    const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : req.body;
    const dryRun = (req.query as Record<string, string> | undefined)?.dryRun === '1';
    try {
      return await scheduler.run(() => importDataset(ctx, { dataset, body, actor: { userId: a.user.id, username: a.user.username, ip: req.ip }, now: now(), dryRun }));
    } catch (err) {
      if (!(err instanceof ImportError)) throw err;
      await withWriteTx(ctx, (w) => audit(w.tx, { userId: a.user.id, actor: a.user.username, ip: req.ip, action: `kpi.import.${dataset}`, target: dataset, args: { errors: err.errors.length, first: err.errors.slice(0, 3).map(describeError) }, result: 'rejected' }));
      return reply.code(422).send({ error: { code: 'invalid_rows', message: `${err.message}: ${err.errors.slice(0, 3).map(describeError).join('; ')}` }, errors: err.errors });
    }
  };
  return [
    {
      method: 'POST',
      url: '/api/v1/kpi/import/:dataset',
      access: DATA_DESK,
      bodyLimit: IMPORT_BODY_LIMIT,
      handler(req, reply, a) {
        const dataset = (req.params as { dataset: string }).dataset as DatasetName;
        if (!DATASET_NAMES.includes(dataset)) throw new HttpError(404, 'unknown_dataset', `No dataset "${dataset}" (datasets: ${DATASET_NAMES.join(', ')})`);
        return run(dataset, req, reply, a);
      },
    },
    {
      method: 'POST',
      url: '/api/v1/kpi/dossier-events',
      access: ADMIN_ONLY,
      bodyLimit: IMPORT_BODY_LIMIT,
      handler: (req, reply, a) => run('dossier-events', req, reply, a),
    },
    {
      method: 'POST',
      url: '/api/v1/kpi/water-readings',
      access: DATA_DESK,
      handler: (req, reply, a) => run('water-readings', req, reply, a),
    },
    {
      method: 'POST',
      url: '/api/v1/kpi/recompute',
      access: ADMIN_ONLY,
      async handler(req, _reply, a) {
        const body = RecomputeBody.safeParse(req.body ?? {});
        if (!body.success) throw new HttpError(400, 'invalid_request', `recompute: ${body.error.issues[0]?.path.join('.')}: ${body.error.issues[0]?.message}`);
        for (const p of body.data.periods ?? []) {
          try {
            if (!PERIOD_KINDS.includes(kindOf(p))) throw new Error();
          } catch {
            throw new HttpError(400, 'invalid_request', `not a period: ${p} (2026-11-26, 2026-W48, 2026-11, 2026)`);
          }
        }
        const result = await scheduler.run(() =>
          withWriteTx(ctx, async (w) => {
            const r = await recompute(w, { now: now(), periods: body.data.periods, days: body.data.days });
            await audit(w.tx, { userId: a.user.id, actor: a.user.username, ip: req.ip, action: 'kpi.recompute', target: null, args: { periods: body.data.periods?.length ?? 'default', written: r.written }, result: 'ok' });
            return r;
          }),
        );
        return result;
      },
    },
    {
      method: 'POST',
      url: '/api/v1/kpi/feeds/poll',
      access: ADMIN_ONLY,
      async handler(req, _reply, a) {
        const result = await scheduler.run(() => scheduler.poll());
        await withWriteTx(ctx, (w) => audit(w.tx, { userId: a.user.id, actor: a.user.username, ip: req.ip, action: 'kpi.feeds.poll', target: null, args: { mentions: result.mentions, failed: result.failed.length }, result: 'ok' }));
        return result;
      },
    },
  ];
}
