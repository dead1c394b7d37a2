/**
 * Photo uploads (multipart extension of POST requests): JPEG/PNG only, checked by magic bytes (the
 * declared type must agree), stored once under their sha256 and served back read-only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';
import { Open311Error } from './format';
import type { UploadedFile } from './form';

export interface StoredMedia {
  sha256: string;
  ext: 'jpg' | 'png';
  bytes: number;
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function checkImage(f: UploadedFile): StoredMedia & { data: Buffer } {
  const declared = f.contentType === 'image/jpeg' || f.contentType === 'image/jpg' ? 'jpg' : f.contentType === 'image/png' ? 'png' : null;
  if (!declared) throw new Open311Error(415, `media: only image/jpeg and image/png are accepted, not '${f.contentType.slice(0, 60) || '(none)'}'`);
  const actual = f.data.subarray(0, 3).equals(JPEG) ? 'jpg' : f.data.subarray(0, 8).equals(PNG) ? 'png' : null;
  if (actual !== declared) throw new Open311Error(415, `media: the file content is not a ${declared === 'jpg' ? 'JPEG' : 'PNG'} image`);
  return { sha256: createHash('sha256').update(f.data).digest('hex'), ext: declared, bytes: f.data.length, data: f.data };
}

const MEDIA_REF = /^([0-9a-f]{64})\.(jpg|png)$/;

/** A media reference `<sha256>.<jpg|png>` taken apart, or null for any other name. */
export function parseMediaRef(ref: string): { sha256: string; ext: 'jpg' | 'png' } | null {
  const m = MEDIA_REF.exec(ref);
  return m ? { sha256: m[1], ext: m[2] as 'jpg' | 'png' } : null;
}

export class MediaStore {
  constructor(readonly dir: string) {}

  /** Content-addressed: the same photo twice is one file. Written atomically (temp + rename). */
  save(files: Array<StoredMedia & { data: Buffer }>): StoredMedia[] {
    if (files.length) mkdirSync(this.dir, { recursive: true });
    return files.map(({ data, ...m }) => {
      const path = join(this.dir, `${m.sha256}.${m.ext}`);
      if (!existsSync(path)) {
        const tmp = join(this.dir, `.${m.sha256}.${randomBytes(6).toString('hex')}.tmp`);
        writeFileSync(tmp, data, { mode: 0o644 });
        renameSync(tmp, path);
      }
      return m;
    });
  }

  /** True when `<sha256>.<jpg|png>` was stored. */
  exists(ref: string): boolean {
    return parseMediaRef(ref) !== null && existsSync(join(this.dir, ref));
  }

  /** The file for `<sha256>.<jpg|png>`, or null. The name is validated: no path can escape the folder. */
  async read(file: string): Promise<{ data: Buffer; type: string } | null> {
    const m = parseMediaRef(file);
    if (!m) return null;
    try {
      return { data: await readFile(join(this.dir, file)), type: m.ext === 'jpg' ? 'image/jpeg' : 'image/png' };
    } catch {
      return null;
    }
  }
}

/** A stored photo as the response: its type, no sniffing, no active content; `cache` says who may keep it. */
export function sendMedia(reply: FastifyReply, file: { data: Buffer; type: string }, cache: 'public' | 'private') {
  return reply
    .type(file.type)
    .header('cache-control', `${cache}, max-age=31536000, immutable`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'")
    .send(file.data);
}

export const mediaPath = (m: StoredMedia) => `/open311/v2/media/${m.sha256}.${m.ext}`;
