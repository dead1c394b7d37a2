/**
 * Open311 GeoReport v2 under /open311/v2 (public, citizen-facing). Registered as an encapsulated
 * Fastify scope: its own body parsers (form-urlencoded, multipart; nothing else → 415), its own
 * error format (`[{code, description}]` / `<errors><error>…`) and 404s.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { slaClock, toVnIso } from '../../shared/feedback';
import { applyCaseAction, type FeedbackConfig } from '../feedback/case-model';
import { CommandRejected } from '../sync/commands/rejected';
import { withWriteTx } from '../sync/writer';
import type { FeedbackLevel } from '../../shared/feedback/sla';
import type { AuthService } from '../auth/auth.service';
import { HttpError } from '../http/errors';
import { registerRoutes, type RouteDef } from '../http/route-table';
import type { Logger } from '../log';
import type { WriteContext } from '../sync/writer';
import { open311Status } from './catalog';
import { type Fields, MAX_FILE_BYTES, MAX_FILES, parseMultipart, parseQuery, parseUrlEncoded, type UploadedFile } from './form';
import { badRequest, type Format, formatOfUrl, notFound, Open311Error, send, sendError, splitFormat } from './format';
import { communeAt } from './geo';
import { checkImage, mediaPath, MediaStore, sendMedia } from './media';
import { KeyRateLimiter } from './rate-limit';
import * as store from './store';

export const OPEN311_PREFIX = '/open311/v2';
export const FORM_BODY_LIMIT = 1024 * 1024;
export const MULTIPART_BODY_LIMIT = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024;
export const MAX_DESCRIPTION = 4000;
export const MAX_SPAN_DAYS = 90;
export const MAX_LIMIT = 1000;
const DAY = 86_400_000;

export interface Open311Deps {
  ctx: WriteContext;
  auth: AuthService;
  now: () => Date;
  log: Logger;
  mediaDir: string;
  /** SLA policy, re-open window (shared with the sync commands). */
  feedback: FeedbackConfig;
  /** POSTs per API key per minute unless the key has its own limit (default 60). */
  rateLimitPerMin?: number;
}

/** A parsed POST body. Private fields: the app-wide text guard walks enumerable properties only. */
export class FormBody {
  readonly #fields: Fields;
  readonly #files: UploadedFile[];
  constructor(fields: Fields, files: UploadedFile[] = []) {
    this.#fields = fields;
    this.#files = files;
  }
  get fields() {
    return this.#fields;
  }
  get files() {
    return this.#files;
  }
}

/** The single value of a field; a field sent twice is ambiguous → 400. */
function one(f: Fields, name: string): string | undefined {
  const v = f.get(name);
  if (!v) return undefined;
  if (v.length > 1) throw badRequest(`duplicate field: ${name}`);
  return v[0];
}

function text(f: Fields, name: string, max: number, pattern?: RegExp): string | null {
  const v = one(f, name);
  if (v === undefined || v === '') return null;
  if ([...v].length > max) throw badRequest(`${name}: at most ${max} characters`);
  if (pattern && !pattern.test(v)) throw badRequest(`${name}: invalid format`);
  return v;
}

const NUMBER = /^[+-]?\d{1,3}(\.\d{1,20})?$/;
function coordinate(f: Fields, name: 'lat' | 'long'): number | null {
  const v = one(f, name);
  if (v === undefined || v === '') return null;
  const max = name === 'lat' ? 90 : 180;
  if (!NUMBER.test(v)) throw badRequest(`${name}: must be a decimal number (WGS84 degrees)`);
  const n = Number(v);
  if (!Number.isFinite(n) || Math.abs(n) > max) throw badRequest(`${name}: out of range (±${max})`);
  return n;
}

const EMAIL = /^[^\s@<>"',;]{1,64}@[^\s@<>"',;]{1,190}\.[^\s@<>"',;]{2,63}$/;
const PHONE = /^\+?[0-9 ().-]{3,30}$/;
const KNOWN = new Set(['api_key', 'jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id', 'first_name', 'last_name', 'phone', 'description', 'media_url']);
const ATTRIBUTE = /^attribute\[([A-Za-z0-9_.-]{1,64})\](\[\])?$/;
const PLAIN_KEY = /^[a-z][a-z0-9_]{0,39}$/;

function attributes(f: Fields, service: store.ServiceRow): Record<string, string | string[]> {
  const defs = new Map(service.attributes.map((a) => [a.code, a]));
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, values] of f) {
    if (KNOWN.has(key)) continue;
    const m = ATTRIBUTE.exec(key);
    if (!m) {
      if (key.startsWith('attribute') || !PLAIN_KEY.test(key)) throw badRequest(`unexpected field: ${key.slice(0, 60)}`);
      continue; // unknown plain fields are ignored (forward compatibility)
    }
    const [, code, list] = m;
    const def = defs.get(code);
    if (!def) throw badRequest(`attribute[${code}]: not an attribute of service ${service.serviceCode}`);
    if (code in out) throw badRequest(`attribute[${code}]: sent twice`);
    if (def.datatype === 'multivaluelist') {
      if (values.length > (def.values?.length ?? 0)) throw badRequest(`attribute[${code}]: too many values`);
    } else if (list || values.length > 1) throw badRequest(`attribute[${code}]: takes exactly one value`);
    for (const v of values) {
      if (v.length > 1000) throw badRequest(`attribute[${code}]: value too long`);
      if ((def.datatype === 'singlevaluelist' || def.datatype === 'multivaluelist') && !def.values?.some((x) => x.key === v))
        throw badRequest(`attribute[${code}]: '${v.slice(0, 40)}' is not one of ${def.values?.map((x) => x.key).join(', ')}`);
      if (def.datatype === 'number' && !/^[+-]?\d{1,12}(\.\d{1,6})?$/.test(v)) throw badRequest(`attribute[${code}]: must be a number`);
      if (def.datatype === 'datetime' && parseDate(v, 'start') === null) throw badRequest(`attribute[${code}]: must be an ISO 8601 datetime with offset`);
    }
    if (new Set(values).size !== values.length) throw badRequest(`attribute[${code}]: duplicate values`);
    out[code] = def.datatype === 'multivaluelist' ? values : values[0];
  }
  for (const def of service.attributes) {
    if (def.variable && def.required && !(def.code in out)) throw badRequest(`attribute[${def.code}] is required for service ${service.serviceCode}`);
  }
  return { ...out };
}

const W3C = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** W3C datetime (with offset) or a date (a whole day in Vietnam time); null if invalid. */
function parseDate(v: string, edge: 'start' | 'end'): Date | null {
  const m = W3C.exec(v);
  if (!m) return null;
  const [, y, mo, d, h] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31) return null;
  const ms = h === undefined ? Date.parse(`${y}-${mo}-${d}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}+07:00`) : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

export function open311Plugin(deps: Open311Deps) {
  const media = new MediaStore(deps.mediaDir);
  const limiter = new KeyRateLimiter(() => deps.now().getTime(), deps.rateLimitPerMin ?? 60);
  const db = deps.ctx.db.orm;

  async function jurisdictionOf(f: Fields): Promise<store.Jurisdiction> {
    const id = one(f, 'jurisdiction_id');
    const j = await store.findJurisdiction(db, id);
    if (!j) throw notFound(id === undefined ? 'No default jurisdiction configured' : `Unknown jurisdiction_id: ${id.slice(0, 100)}`);
    return j;
  }

  function baseUrl(req: FastifyRequest): string {
    return `${req.protocol}://${req.host}`;
  }

  function serviceFor(services: store.ServiceRow[], row: store.RequestRow) {
    if (row.serviceCode) return services.find((s) => s.serviceCode === row.serviceCode);
    return services.find((s) => s.category === row.category) ?? services.find((s) => s.aliases.includes(row.category)) ?? services.find((s) => s.category === 'other');
  }

  function render(req: FastifyRequest, j: store.Jurisdiction, services: store.ServiceRow[], row: store.RequestRow) {
    const service = serviceFor(services, row);
    const { status, status_notes } = open311Status(row.status, row);
    const received = row.receivedAt.getTime();
    // The stored handling deadline (paused: unknown until resumed); rows from before the workflow: computed.
    const expected =
      status !== 'open' || row.paused ? null : row.handleDueAt ? row.handleDueAt.getTime() : slaClock({ level: row.level as FeedbackLevel, receivedAt: received }, deps.feedback.sla, deps.now().getTime()).handleDueAt;
    const uploaded = row.media?.[0];
    return {
      service_request_id: row.id,
      status,
      status_notes,
      service_name: service?.serviceName ?? row.category,
      service_code: service?.serviceCode ?? row.serviceCode ?? row.category,
      description: row.description,
      agency_responsible: row.agencyName ?? j.agencyName,
      service_notice: service?.serviceNotice ?? null,
      requested_datetime: toVnIso(received),
      updated_datetime: toVnIso(row.updatedAt.getTime()),
      expected_datetime: expected === null ? null : toVnIso(expected),
      address: row.address,
      address_id: row.addressId,
      zipcode: row.zipcode,
      lat: row.location ? row.location[1] : null,
      long: row.location ? row.location[0] : null,
      media_url: uploaded ? baseUrl(req) + mediaPath(uploaded) : row.mediaUrl,
    };
  }

  /** A write's jurisdiction and api_key, checked (403) and rate-limited (429) in the spec's error format. */
  async function writeKey(f: FormBody['fields']) {
    const j = await jurisdictionOf(f);
    const apiKey = one(f, 'api_key');
    const key = apiKey ? await store.findApiKey(db, apiKey) : null;
    if (!key || key.disabled || (key.jurisdictionId !== null && key.jurisdictionId !== j.id)) throw new Open311Error(403, 'Invalid or missing api_key');
    const wait = limiter.hit(key.keyHash, key.rateLimitPerMin ?? undefined);
    if (wait !== null) throw new Open311Error(429, `Too many requests for this api_key; retry in ${wait} s`, { 'retry-after': String(wait) });
    return { j, key };
  }

  async function postRequest(req: FastifyRequest, reply: FastifyReply, format: Format) {
    if (!(req.body instanceof FormBody)) throw badRequest('Empty body: send the fields as application/x-www-form-urlencoded (or multipart/form-data with media)');
    const f = req.body.fields;
    const { j, key } = await writeKey(f);

    const code = one(f, 'service_code');
    if (!code) throw badRequest('service_code is required');
    const services = await store.listServices(db, j.id);
    const service = services.find((s) => s.serviceCode === code);
    if (!service) throw badRequest(`Unknown service_code: ${code.slice(0, 100)}`);

    const lat = coordinate(f, 'lat');
    const long = coordinate(f, 'long');
    if ((lat === null) !== (long === null)) throw badRequest('lat and long must be sent together');
    const address = text(f, 'address_string', 500);
    const addressId = text(f, 'address_id', 100);
    if (service.locationRequired && lat === null && address === null && addressId === null)
      throw badRequest('A location is required: lat and long, or address_string, or address_id');
    const description = one(f, 'description') ?? '';
    if ([...description].length > MAX_DESCRIPTION) throw badRequest(`description: at most ${MAX_DESCRIPTION} characters`);
    const contact = {
      email: text(f, 'email', 254, EMAIL),
      phone: text(f, 'phone', 30, PHONE),
      firstName: text(f, 'first_name', 100),
      lastName: text(f, 'last_name', 100),
      deviceId: text(f, 'device_id', 200),
      accountId: text(f, 'account_id', 200),
    };
    const mediaUrl = text(f, 'media_url', 2048);
    if (mediaUrl !== null) {
      let ok = false;
      try {
        const u = new URL(mediaUrl);
        ok = (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
      } catch {}
      if (!ok) throw badRequest('media_url: must be an http(s) URL');
    }
    const attrs = attributes(f, service);
    const images = req.body.files.map(checkImage);

    let unitId: string | null = null;
    if (lat !== null && long !== null && j.boundary) {
      unitId = communeAt([long, lat]);
      if (!unitId) throw badRequest(`The location (${lat}, ${long}) is outside ${j.name}: Open311 here only takes reports inside the district (vị trí nằm ngoài địa bàn)`);
    }

    const stored = media.save(images);
    const created = await store.createRequest(deps.ctx, {
      jurisdiction: j,
      service,
      apiKeyHash: key.keyHash,
      feedback: deps.feedback,
      unitId,
      location: lat !== null && long !== null ? [long, lat] : null,
      address,
      addressId,
      description,
      attributes: attrs,
      mediaUrl,
      media: stored,
      contact,
      at: deps.now(),
    });
    return send(reply, format, 'service_requests', [
      { service_request_id: created.id, token: created.token, service_notice: service.serviceNotice, account_id: contact.accountId },
    ]);
  }

  async function getRequests(req: FastifyRequest, reply: FastifyReply, format: Format) {
    const q = parseQuery(req.url);
    const j = await jurisdictionOf(q);
    const services = await store.listServices(db, j.id);
    const list = (name: string, max: number) => {
      const v = one(q, name);
      if (v === undefined) return undefined;
      const items = v.split(',').map((s) => s.trim());
      if (items.some((s) => s === '' || s.length > 200) || items.length > max) throw badRequest(`${name}: a comma-separated list of at most ${max} values`);
      return items;
    };
    const ids = list('service_request_id', MAX_LIMIT);
    const serviceCodes = list('service_code', 100);
    const limitRaw = one(q, 'limit');
    if (limitRaw !== undefined && !/^\d{1,4}$/.test(limitRaw)) throw badRequest(`limit: 1–${MAX_LIMIT}`);
    const limit = limitRaw === undefined ? MAX_LIMIT : Number(limitRaw);
    if (limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit: 1–${MAX_LIMIT}`);
    const statusRaw = one(q, 'status');
    let status: 'open' | 'closed' | undefined;
    if (statusRaw !== undefined) {
      const set = new Set(statusRaw.split(',').map((s) => s.trim()));
      if (![...set].every((s) => s === 'open' || s === 'closed') || set.size === 0) throw badRequest('status: open or closed');
      status = set.size === 1 ? ([...set][0] as 'open' | 'closed') : undefined;
    }
    const date = (name: string, edge: 'start' | 'end') => {
      const v = one(q, name);
      if (v === undefined) return undefined;
      const d = parseDate(v, edge);
      if (!d) throw badRequest(`${name}: a W3C datetime with offset, e.g. 2026-05-01T00:00:00+07:00`);
      return d;
    };
    let start = date('start_date', 'start');
    let end = date('end_date', 'end');
    if (!start && !end) {
      end = deps.now();
      start = new Date(end.getTime() - MAX_SPAN_DAYS * DAY);
    } else if (!end) end = new Date(start!.getTime() + MAX_SPAN_DAYS * DAY);
    else if (!start) start = new Date(end.getTime() - MAX_SPAN_DAYS * DAY);
    if (start!.getTime() > end.getTime()) throw badRequest('start_date is after end_date');
    if (end.getTime() - start!.getTime() > MAX_SPAN_DAYS * DAY) throw badRequest(`start_date to end_date spans more than ${MAX_SPAN_DAYS} days`);
    // The spec: with service_request_id every other filter is ignored.
    const rows = await store.queryRequests(db, j, services, ids ? { ids, limit } : { serviceCodes, start, end, status, limit });
    return send(reply, format, 'service_requests', rows.map((r) => render(req, j, services, r)));
  }

  async function oneRequest(req: FastifyRequest, id: string): Promise<{ j: store.Jurisdiction; services: store.ServiceRow[]; row: store.RequestRow }> {
    const j = await jurisdictionOf(parseQuery(req.url));
    const services = await store.listServices(db, j.id);
    const [row] = await store.queryRequests(db, j, services, { ids: [id], limit: 1 });
    if (!row) throw notFound(`No service request ${id.slice(0, 100)}`);
    return { j, services, row };
  }

  const history = (format: Format): RouteDef => ({
    method: 'GET',
    url: `/requests/:id/history.${format}`,
    access: 'public',
    async handler(req, reply) {
      const { id } = req.params as { id: string };
      const { row } = await oneRequest(req, id);
      let current = 'received';
      const events = [];
      for (const e of await store.caseHistory(db, row.id)) {
        if (e.action === 'note' || e.action === 'addNote') continue; // internal notes of the operators stay internal
        if (e.toStatus) current = e.toStatus;
        const s = open311Status(current);
        events.push({ service_request_id: row.id, datetime: toVnIso(e.at.getTime()), action: e.action, description: e.text, status: s.status, status_notes: s.status_notes });
      }
      return send(reply, format, 'history', events);
    },
  });

  /**
   * Extension: the citizen re-opens a resolved/published request within the re-open window
   * (POST requests/{id}/reopen.json, form fields api_key, jurisdiction_id, description = why).
   * Only the api_key that submitted the request may re-open it (any key of the jurisdiction for
   * cases that did not come through Open311). Refusals: 409 in the spec's error format.
   */
  const reopen = (format: Format): RouteDef => ({
    method: 'POST',
    url: `/requests/:id/reopen.${format}`,
    access: 'public',
    async handler(req, reply) {
      if (!(req.body instanceof FormBody)) throw badRequest('Empty body: send api_key and description as application/x-www-form-urlencoded');
      const f = req.body.fields;
      const { j, key } = await writeKey(f);
      const { id } = req.params as { id: string };
      const services = await store.listServices(db, j.id);
      const [found] = await store.queryRequests(db, j, services, { ids: [id], limit: 1 });
      if (!found) throw notFound(`No service request ${id.slice(0, 100)}`);
      const submittedBy = await store.submittingKey(db, id);
      if (submittedBy !== null && submittedBy !== key.keyHash) throw new Open311Error(403, 'Only the api_key that submitted this request may re-open it');
      const reason = (one(f, 'description') ?? '').trim();
      if (!reason) throw badRequest('description is required: say why the request is re-opened');
      if ([...reason].length > MAX_DESCRIPTION) throw badRequest(`description: at most ${MAX_DESCRIPTION} characters`);
      try {
        await withWriteTx(deps.ctx, (w) => applyCaseAction(w, id, { type: 'reopen', reason }, { name: 'Công dân (Open311)', role: 'citizen' }, deps.now(), deps.feedback));
      } catch (err) {
        if (!(err instanceof CommandRejected)) throw err;
        const why: Record<string, string> = {
          reopen_window_expired: `The re-open window (${Math.round(deps.feedback.reopenWindowMs / DAY)} days after the answer) has passed; please submit a new request`,
          not_allowed_from_state: 'Only a resolved or published request can be re-opened',
        };
        throw new Open311Error(409, why[err.code] ?? err.message.slice(0, 200));
      }
      const [row] = await store.queryRequests(db, j, services, { ids: [id], limit: 1 });
      return send(reply, format, 'service_requests', [render(req, j, services, row)]);
    },
  });

  const both = (url: string, method: 'GET' | 'POST', fn: (req: FastifyRequest, reply: FastifyReply, format: Format) => unknown, extra: Partial<RouteDef> = {}): RouteDef[] =>
    (['json', 'xml'] as const).map((format) => ({ method, url: `${url}.${format}`, access: 'public', handler: (req: FastifyRequest, reply: FastifyReply) => fn(req, reply, format), ...extra }) as RouteDef);

  const defs: RouteDef[] = [
    ...both('/discovery', 'GET', (req, reply, format) => {
      const changeset = '2026-01-15T00:00:00+07:00';
      return send(reply, format, 'discovery', {
        changeset,
        contact: 'Trung tâm Điều hành thông minh (IOC) Bắc Trà My — ioc@bactramy.danang.gov.vn',
        key_service: 'Liên hệ Trung tâm IOC để được cấp api_key (demo: xem server/README.md)',
        endpoints: [
          { specification: 'http://wiki.open311.org/GeoReport_v2', url: baseUrl(req) + OPEN311_PREFIX, changeset, type: 'production', formats: ['text/xml', 'application/json'] },
        ],
      });
    }),
    ...both('/services', 'GET', async (req, reply, format) => {
      const j = await jurisdictionOf(parseQuery(req.url));
      const services = await store.listServices(db, j.id);
      return send(reply, format, 'services', services.map((s) => ({
        service_code: s.serviceCode,
        service_name: s.serviceName,
        description: s.description,
        metadata: s.attributes.length > 0,
        type: s.type,
        keywords: s.keywords,
        group: s.group,
      })));
    }),
    {
      method: 'GET',
      url: '/services/:file',
      access: 'public',
      async handler(req, reply) {
        const [code, format] = splitFormat((req.params as { file: string }).file);
        const j = await jurisdictionOf(parseQuery(req.url));
        const service = (await store.listServices(db, j.id)).find((s) => s.serviceCode === code);
        if (!service) throw notFound(`Unknown service_code: ${code.slice(0, 100)}`);
        const attributes = [...service.attributes].sort((a, b) => a.order - b.order).map((a) => ({
          variable: a.variable,
          code: a.code,
          datatype: a.datatype,
          required: a.required,
          datatype_description: a.datatype_description,
          order: a.order,
          description: a.description,
          ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
        }));
        return send(reply, format, 'service_definition', { service_code: service.serviceCode, attributes });
      },
    },
    ...both('/requests', 'POST', postRequest, { bodyLimit: MULTIPART_BODY_LIMIT }),
    ...both('/requests', 'GET', getRequests),
    {
      method: 'GET',
      url: '/requests/:file',
      access: 'public',
      async handler(req, reply) {
        const [id, format] = splitFormat((req.params as { file: string }).file);
        const { j, services, row } = await oneRequest(req, id);
        return send(reply, format, 'service_requests', [render(req, j, services, row)]);
      },
    },
    history('json'),
    history('xml'),
    { ...reopen('json'), bodyLimit: FORM_BODY_LIMIT },
    { ...reopen('xml'), bodyLimit: FORM_BODY_LIMIT },
    {
      method: 'GET',
      url: '/tokens/:file',
      access: 'public',
      async handler(req, reply) {
        const [token, format] = splitFormat((req.params as { file: string }).file);
        const j = await jurisdictionOf(parseQuery(req.url));
        const id = await store.findByToken(db, j, token);
        if (!id) throw notFound('Unknown token');
        return send(reply, format, 'service_requests', [{ service_request_id: id, token }]);
      },
    },
    {
      method: 'GET',
      url: '/media/:file',
      access: 'public',
      async handler(req, reply) {
        // Citizens' photos and published answers' photos only (the same 404 as an unknown file:
        // whether an unpublished answer has a photo is not told).
        const name = (req.params as { file: string }).file;
        const file = (await store.isPublicMedia(db, name)) ? await media.read(name) : null;
        if (!file) throw notFound('No such media file');
        return sendMedia(reply, file, 'public');
      },
    },
  ];

  return async function plugin(scope: FastifyInstance) {
    scope.removeAllContentTypeParsers();
    // The route's bodyLimit (multipart) applies to every parser: a form gets its own, smaller one,
    // checked on the declared length before reading and on the actual length after.
    const tooLargeForm = () => new Open311Error(413, `Form body larger than ${FORM_BODY_LIMIT / 1024 / 1024} MB`);
    scope.addHook('onRequest', async (req) => {
      const type = String(req.headers['content-type'] ?? '').toLowerCase();
      if (type.startsWith('application/x-www-form-urlencoded') && Number(req.headers['content-length'] ?? 0) > FORM_BODY_LIMIT) throw tooLargeForm();
    });
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
      try {
        if ((body as Buffer).length > FORM_BODY_LIMIT) throw tooLargeForm();
        done(null, new FormBody(parseUrlEncoded(body as Buffer)));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MULTIPART_BODY_LIMIT }, (req, body, done) => {
      try {
        const { fields, files } = parseMultipart(body as Buffer, String(req.headers['content-type']));
        done(null, new FormBody(fields, files));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
      const format = formatOfUrl(req.url);
      if (err instanceof Open311Error) return sendError(reply, format, err.status, err.description, err.headers);
      if (err instanceof HttpError) return sendError(reply, format, err.status, err.message, err.headers);
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) {
        deps.log('error', 'open311: unhandled error', { route: req.routeOptions.url, err: { name: err.name, message: err.message, stack: err.stack } });
        return sendError(reply, format, 500, 'Internal server error');
      }
      const description =
        status === 413
          ? `Request body too large (form: ${FORM_BODY_LIMIT / 1024 / 1024} MB; multipart: ${MAX_FILES} photos of ${MAX_FILE_BYTES / 1024 / 1024} MB)`
          : status === 415
            ? 'Unsupported Content-Type: use application/x-www-form-urlencoded (or multipart/form-data to upload photos)'
            : err.message.slice(0, 200);
      return sendError(reply, format, status, description);
    });
    scope.setNotFoundHandler((req, reply) => sendError(reply, formatOfUrl(req.url), 404, 'No such Open311 endpoint'));
    registerRoutes(scope, defs, deps.auth);
  };
}
