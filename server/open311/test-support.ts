/** Shared by the Open311 tests: fixtures, what "nothing stored" means, small HTTP helpers. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/client';
import type { RunningServer } from '../app';
import type { Open311Service } from '../../shared/feedback/categories';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const loadFixture = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

/** A Bloomington `GET services` row has exactly the spec's service shape. */
export type BloomingtonService = Open311Service;
export interface BloomingtonRequest {
  service_request_id: string;
  status: string;
  service_name: string;
  service_code: string;
  description: string | null;
  address: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
  requested_datetime: string;
}

/** Everything a rejected request must leave untouched. */
export async function snapshot(server: RunningServer, mediaDir: string) {
  const [r] = await rowsOf<{ cases: string; events: string; requests: string; seq: string }>(
    server.db.orm,
    sql`SELECT (SELECT count(*) FROM feedback_cases)::text AS cases, (SELECT count(*) FROM case_events)::text AS events,
               (SELECT count(*) FROM open311_requests)::text AS requests, (SELECT coalesce(max(seq), 0) FROM change_log)::text AS seq`,
  );
  let files = 0;
  try {
    files = readdirSync(mediaDir).length;
  } catch {}
  return { ...r, files };
}

export const OPEN311_RESPONSE_KEYS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
];

export function form(fields: Array<[string, string]> | Record<string, string>): string {
  return new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
}

export async function postForm(base: string, fields: Array<[string, string]> | Record<string, string>, format: 'json' | 'xml' = 'json') {
  const res = await fetch(`${base}/open311/v2/requests.${format}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

export async function getText(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
}

/** A minimal valid JPEG header + payload (the server checks magic bytes, not the whole image). */
export const tinyJpeg = (seed = 0) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from(`JFIF test image ${seed}`), Buffer.from([0xff, 0xd9])]);
export const tinyPng = () => Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

export function multipart(parts: Array<{ name: string; value?: string | Buffer; filename?: string; type?: string; rawHeaders?: string }>, boundary = 'ioc-test-boundary-7MA4YWxk'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if (p.rawHeaders !== undefined) chunks.push(Buffer.from(p.rawHeaders));
    else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n`));
      if (p.type) chunks.push(Buffer.from(`Content-Type: ${p.type}\r\n`));
    }
    chunks.push(Buffer.from('\r\n'));
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value) : (p.value ?? Buffer.alloc(0)));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
