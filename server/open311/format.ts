/**
 * Open311 wire formats: JSON and the spec's XML (UTF-8, XML declaration, element names from the
 * spec), and the spec's error shape in both.
 */
import type { FastifyReply } from 'fastify';

export type Format = 'json' | 'xml';
export const CONTENT_TYPE: Record<Format, string> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };

/** Thrown by Open311 handlers; rendered as `[{code, description}]` / `<errors><error>…`. */
export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

export const badRequest = (d: string) => new Open311Error(400, d);
export const notFound = (d: string) => new Open311Error(404, d);

// Characters XML 1.0 cannot carry at all (even escaped); input validation refuses them, this is the last guard.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(s: string): string {
  return s
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;'); // keep CR (descriptions carry \r\n): parsers normalise a raw CR away
}

/** Element name of one item of a list element (spec: services/service, attributes/attribute …). */
const ITEM: Record<string, string> = {
  service_requests: 'request',
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
  history: 'event',
  media_urls: 'media_url',
};

function element(name: string, value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push(`<${name}/>`);
  } else if (Array.isArray(value)) {
    const item = ITEM[name] ?? 'item';
    out.push(`<${name}>`);
    for (const v of value) element(item, v, out);
    out.push(`</${name}>`);
  } else if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value)) if (v !== undefined) element(k, v, out);
    out.push(`</${name}>`);
  } else {
    out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  }
}

export function toXml(root: string, value: unknown): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  element(root, value, out);
  return out.join('') + '\n';
}

/** Send a list (or object) in the requested format; `root` is the XML root element. */
export function send(reply: FastifyReply, format: Format, root: string, value: unknown, status = 200) {
  reply.code(status).header('content-type', CONTENT_TYPE[format]).header('x-content-type-options', 'nosniff');
  return reply.send(format === 'xml' ? toXml(root, value) : JSON.stringify(value));
}

export function sendError(reply: FastifyReply, format: Format, status: number, description: string, headers: Record<string, string> = {}) {
  reply.headers(headers);
  return send(reply, format, 'errors', [{ code: status, description }], status);
}

/** `/open311/v2/services/x.xml?…` → xml; everything else JSON. */
export function formatOfUrl(url: string): Format {
  const path = url.split('?', 1)[0];
  return /\.xml$/i.test(path) ? 'xml' : 'json';
}

/** `name.json` / `name.xml` → [name, format]; anything else → 404 (the spec has no other formats). */
export function splitFormat(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) throw notFound('Unknown format: append .json or .xml');
  return [m[1], m[2] as Format];
}
