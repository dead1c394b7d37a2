import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FEEDBACK_CATEGORIES } from '../../shared/feedback/categories';
import type { Role } from '../../shared/sync/protocol';
import { audit } from '../audit';
import type { Database } from '../db/client';
import { agencies, adminUnits } from '../db/schema';
import { loadRoutingRules, replaceRoutingRules } from '../feedback/routing';
import { HttpError } from '../http/errors';
import type { RouteDef } from '../http/route-table';
import { MAX_FILE_BYTES } from '../open311/form';
import { Open311Error } from '../open311/format';
import { checkImage, sendMedia, type MediaStore } from '../open311/media';
import { CASE_CATEGORIES } from '../seed/catalog';

const ALL: readonly Role[] = ['operator', 'leader', 'admin'];
const ADMIN_ONLY: readonly Role[] = ['admin'];

/** A raw image body; the bytes sit in a private field so the app-wide text guard does not walk them. */
export class ImageBody {
  readonly #data: Buffer;
  constructor(data: Buffer) {
    this.#data = data;
  }
  get data() {
    return this.#data;
  }
}

/** Raw JPEG/PNG bodies for POST /api/v1/media (registered on the root app). */
export function installImageParser(app: FastifyInstance): void {
  app.addContentTypeParser(['image/jpeg', 'image/png'], { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES }, (_req, body, done) => done(null, new ImageBody(body as Buffer)));
}

/** Known feedback categories: the shared catalogue plus the older demo names still in use. */
const CATEGORY_CODES = new Set([...FEEDBACK_CATEGORIES.map((c) => c.code), ...Object.keys(CASE_CATEGORIES)]);

const RuleBody = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'lowercase letters, digits, . _ - (≤ 80)'),
  category: z.string().refine((c) => CATEGORY_CODES.has(c), 'unknown feedback category'),
  unitId: z.string().min(1).max(100).nullable(),
  agencyId: z.string().min(1).max(100),
  autoAssign: z.boolean().default(false),
});
const RulesBody = z.strictObject({ rules: z.array(RuleBody).max(2000) });

/**
 * Feedback support endpoints: photo upload for answers (outbox commands stay small and carry only
 * the returned reference) and the admin-edited routing rules (category × commune → agency).
 */
export function feedbackRoutes(deps: { db: Database; media: MediaStore }): RouteDef[] {
  const { db, media } = deps;
  return [
    {
      method: 'POST',
      url: '/api/v1/media',
      access: ALL,
      bodyLimit: MAX_FILE_BYTES,
      async handler(req, _reply, a) {
        if (!(req.body instanceof ImageBody)) throw new HttpError(415, 'unsupported_media_type', 'Send the photo as the raw body with Content-Type image/jpeg or image/png');
        let checked;
        try {
          checked = checkImage({ field: 'media', filename: 'upload', contentType: String(req.headers['content-type']).split(';')[0].trim().toLowerCase(), data: req.body.data });
        } catch (err) {
          if (err instanceof Open311Error) throw new HttpError(415, 'unsupported_media_type', err.description);
          throw err;
        }
        const [m] = media.save([checked]);
        const ref = `${m.sha256}.${m.ext}`;
        await audit(db.orm, { userId: a.user.id, actor: a.user.username, ip: req.ip, action: 'media.upload', target: ref, args: { bytes: m.bytes }, result: 'ok' });
        // The staff route: an answer's photo is public only once the answer is published.
        return { ref, url: `/api/v1/media/${ref}`, bytes: m.bytes };
      },
    },
    {
      // Staff: any stored photo, an unpublished answer's too (the public route serves citizens' and
      // published answers' photos only).
      method: 'GET',
      url: '/api/v1/media/:file',
      access: ALL,
      async handler(req, reply) {
        const file = await media.read((req.params as { file: string }).file);
        if (!file) throw new HttpError(404, 'not_found', 'No such media file');
        return sendMedia(reply, file, 'private');
      },
    },
    {
      method: 'GET',
      url: '/api/v1/admin/routing-rules',
      access: ADMIN_ONLY,
      async handler() {
        return { rules: await loadRoutingRules(db.orm) };
      },
    },
    {
      method: 'PUT',
      url: '/api/v1/admin/routing-rules',
      access: ADMIN_ONLY,
      async handler(req, _reply, a) {
        const body = RulesBody.safeParse(req.body);
        if (!body.success) {
          const i = body.error.issues[0];
          throw new HttpError(400, 'invalid_request', `${i.path.join('.') || 'body'}: ${i.message}`.slice(0, 300));
        }
        const rules = body.data.rules;
        const seenId = new Set<string>();
        const seenKey = new Set<string>();
        for (const [i, r] of rules.entries()) {
          if (seenId.has(r.id)) throw new HttpError(400, 'duplicate_rule', `rules.${i}.id: '${r.id}' is used twice`);
          const key = `${r.category}\u0000${r.unitId ?? ''}`;
          if (seenKey.has(key)) throw new HttpError(400, 'duplicate_rule', `rules.${i}: a second rule for ${r.category} in ${r.unitId ?? 'every commune'}`);
          seenId.add(r.id);
          seenKey.add(key);
        }
        const knownAgencies = new Set((await db.orm.select({ id: agencies.id }).from(agencies)).map((x) => x.id));
        const communes = new Set((await db.orm.select({ id: adminUnits.id, level: adminUnits.level }).from(adminUnits)).filter((u) => u.level === 'commune' || u.level === 'town').map((u) => u.id));
        for (const [i, r] of rules.entries()) {
          if (!knownAgencies.has(r.agencyId)) throw new HttpError(400, 'unknown_agency', `rules.${i}.agencyId: no agency '${r.agencyId}'`);
          if (r.unitId !== null && !communes.has(r.unitId)) throw new HttpError(400, 'unknown_unit', `rules.${i}.unitId: '${r.unitId}' is not a commune`);
        }
        const before = await loadRoutingRules(db.orm);
        await db.orm.transaction(async (tx) => {
          await replaceRoutingRules(tx, rules, a.user.username, new Date());
          await audit(tx, { userId: a.user.id, actor: a.user.username, ip: req.ip, action: 'routing_rules.replace', target: null, args: { before: before.length, after: rules.length, rules: rules.map((r) => `${r.category}@${r.unitId ?? '*'}→${r.agencyId}${r.autoAssign ? '!' : ''}`) }, result: 'ok' });
        });
        return { rules: await loadRoutingRules(db.orm) };
      },
    },
  ];
}
