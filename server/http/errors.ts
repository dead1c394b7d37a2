import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiError } from '../../shared/sync/protocol';
import type { Logger } from '../log';

/** Thrown by handlers; becomes `{ error: { code, message } }` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const apiError = (code: string, message: string): ApiError => ({ error: { code, message } });

/** Fastify's own 4xx (parser, body limit, media type) mapped to stable codes. */
function codeFor(err: FastifyError, status: number): string {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (err instanceof SyntaxError || /JSON|prototype|constructor/i.test(`${err.code} ${err.message}`)) return 'bad_json';
  return 'bad_request';
}

/**
 * Every error leaves as ApiError JSON. 5xx bodies are generic (details go to the log only), so
 * stack traces and SQL never reach a client.
 */
export function installErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.status).headers(err.headers).send(apiError(err.code, err.message));
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      log('error', 'unhandled error', { route: req.routeOptions.url, err: { name: err.name, message: err.message, stack: err.stack } });
      return reply.code(500).send(apiError('internal', 'Internal server error'));
    }
    return reply.code(status).send(apiError(codeFor(err, status), err.message.slice(0, 200)));
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(apiError('not_found', 'No such endpoint')));
}
