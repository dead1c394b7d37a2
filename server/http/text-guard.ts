import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';

/**
 * U+0000 and unpaired surrogates are valid in JSON text but cannot be stored by PostgreSQL (text
 * and jsonb reject them). Refusing them at the door keeps every later query from failing with a
 * 5xx, and keeps a push from turning into an endless retry.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function findUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (value === null || typeof value !== 'object' || depth > 200) return false;
  if (value instanceof Uint8Array) return false; // raw bodies (CSV imports) are checked by their decoder
  if (Array.isArray(value)) return value.some((v) => findUnstorableText(v, depth + 1));
  return Object.entries(value).some(([k, v]) => UNSTORABLE.test(k) || findUnstorableText(v, depth + 1));
}

export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (findUnstorableText(req.body) || findUnstorableText(req.query)) {
      throw new HttpError(400, 'invalid_text', 'Text contains NUL or unpaired surrogate characters');
    }
  });
}
