/**
 * Strict decoders for what Open311 clients send: application/x-www-form-urlencoded (and query
 * strings) and multipart/form-data (photo upload extension). Anything ambiguous is refused with a
 * 400 rather than guessed: invalid or overlong UTF-8, NUL and other control characters, bad percent
 * escapes, prototype keys, too many fields.
 */
import { Open311Error, badRequest } from './format';

export type Fields = Map<string, string[]>;

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export const MAX_FIELDS = 100;
export const MAX_KEY_LENGTH = 100;
export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;
const PROTO_KEYS = /(^|\[)(__proto__|constructor|prototype)(\]|$)/;

function decodeUtf8(bytes: Uint8Array, what: string): string {
  let s: string;
  try {
    s = utf8.decode(bytes);
  } catch {
    throw badRequest(`${what}: not valid UTF-8`);
  }
  if (CONTROL.test(s)) throw badRequest(`${what}: contains NUL or control characters`);
  return s;
}

const HEX = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1);

/** Percent-decoding of one key or value (`+` is a space), then strict UTF-8. */
function decodeComponent(src: Buffer, start: number, end: number, what: string): string {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = src[i];
    if (b === 0x25) {
      const hi = i + 2 < end ? HEX(src[i + 1]) : -1;
      const lo = i + 2 < end ? HEX(src[i + 2]) : -1;
      if (hi < 0 || lo < 0) throw badRequest(`${what}: malformed percent escape`);
      out[n++] = hi * 16 + lo;
      i += 2;
    } else out[n++] = b === 0x2b ? 0x20 : b;
  }
  return decodeUtf8(out.subarray(0, n), what);
}

function checkKey(key: string): void {
  if (key === '') throw badRequest('empty field name');
  if (key.length > MAX_KEY_LENGTH) throw badRequest('field name too long');
  if (PROTO_KEYS.test(key)) throw badRequest(`field name not allowed: ${key.slice(0, 40)}`);
}

function add(fields: Fields, key: string, value: string): void {
  checkKey(key);
  const list = fields.get(key);
  if (list) list.push(value);
  else {
    if (fields.size >= MAX_FIELDS) throw badRequest(`too many fields (max ${MAX_FIELDS})`);
    fields.set(key, [value]);
  }
}

/** application/x-www-form-urlencoded body or a raw query string. Duplicates are kept (the caller decides). */
export function parseUrlEncoded(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let start = 0;
  let count = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(0x26, start); // &
    if (end < 0) end = buf.length;
    if (end > start) {
      if (++count > MAX_FIELDS * 4) throw badRequest('too many fields');
      const eq = buf.indexOf(0x3d, start); // =
      const sep = eq >= 0 && eq < end ? eq : end;
      const key = decodeComponent(buf, start, sep, 'field name');
      const value = sep < end ? decodeComponent(buf, sep + 1, end, `field '${key.slice(0, 40)}'`) : '';
      add(fields, key, value);
    }
    start = end + 1;
  }
  return fields;
}

export function parseQuery(url: string): Fields {
  const q = url.indexOf('?');
  return q < 0 ? new Map() : parseUrlEncoded(Buffer.from(url.slice(q + 1), 'latin1'));
}

/** `boundary` parameter of a multipart content type (RFC 2046: 1–70 characters). */
export function multipartBoundary(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType);
  if (!m) throw badRequest('multipart/form-data needs a boundary parameter');
  return m[1] ?? m[2];
}

function headerParam(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s"]+)`, 'i').exec(header);
  return m ? m[1].replace(/\\(.)/g, '$1') : null;
}

/** multipart/form-data: text fields + files (only `media` may carry files). */
export function parseMultipart(buf: Buffer, contentType: string): { fields: Fields; files: UploadedFile[] } {
  const boundary = multipartBoundary(contentType);
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const fields: Fields = new Map();
  const files: UploadedFile[] = [];
  let pos = buf.indexOf(delim);
  if (pos < 0) throw badRequest('multipart body: boundary not found');
  let parts = 0;
  for (;;) {
    pos += delim.length;
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) break; // closing delimiter
    if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) throw badRequest('multipart body: malformed delimiter');
    pos += 2;
    const headEnd = buf.indexOf('\r\n\r\n', pos, 'latin1');
    if (headEnd < 0 || headEnd - pos > 8192) throw badRequest('multipart body: malformed part headers');
    const next = buf.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delim]), headEnd + 4);
    if (next < 0) throw badRequest('multipart body: missing closing boundary');
    if (++parts > MAX_FIELDS) throw badRequest('too many parts');
    const headers = new Map<string, string>();
    for (const line of decodeUtf8(buf.subarray(pos, headEnd), 'part header').split('\r\n')) {
      const c = line.indexOf(':');
      if (c <= 0) throw badRequest('multipart body: malformed part header');
      const hname = line.slice(0, c).trim().toLowerCase();
      if (headers.has(hname)) throw badRequest(`multipart body: duplicate ${hname} header`);
      headers.set(hname, line.slice(c + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\s*(;|$)/i.test(disposition)) throw badRequest('multipart part without Content-Disposition: form-data');
    const name = headerParam(disposition, 'name');
    if (name === null) throw badRequest('multipart part without a name');
    checkKey(name);
    const filename = headerParam(disposition, 'filename');
    const body = buf.subarray(headEnd + 4, next);
    if (filename !== null) {
      if (name !== 'media') throw badRequest(`file upload only in the 'media' field, not '${name.slice(0, 40)}'`);
      if (files.length >= MAX_FILES) throw new Open311Error(413, `at most ${MAX_FILES} media files`);
      if (body.length > MAX_FILE_BYTES) throw new Open311Error(413, `media file larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
      const ct = (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      files.push({ field: name, filename, contentType: ct, data: Buffer.from(body) });
    } else {
      if (name === 'media') throw badRequest("'media' must be a file (image/jpeg or image/png)");
      add(fields, name, decodeUtf8(body, `field '${name.slice(0, 40)}'`));
    }
    pos = next + 2;
  }
  return { fields, files };
}
