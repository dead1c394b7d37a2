import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IocError } from '../../../shared/contracts/rpc';
import { staffHeaders } from '../../../shared/sync/protocol';
import type { Logger } from '../../core/dispatcher';

const REF = /^([0-9a-f]{64})\.(jpg|png)$/;
const MAX_BYTES = 5 * 1024 * 1024; // the server's MAX_FILE_BYTES
const RETRY_MS = 5000;

export interface FeedbackMediaDeps {
  dir: string;
  serverAuth: () => { url: string; token: string } | null;
  fetch?: typeof fetch;
  log?: Logger;
  /** Called after one or more photos reached the server. */
  onUploaded?: () => void;
}

/**
 * Answer photos on this machine. A photo is named by its content (`<sha256>.<jpg|png>`, the same
 * reference the server's POST /api/v1/media answers), so a command can name it before the upload:
 * attach stores it first (it survives offline and restarts), then uploads it; a photo not yet on
 * the server is marked `<ref>.pending` and retried every few seconds and whenever data arrives.
 * Photos of other cases (seeded, citizens') are fetched from the server's staff media route once
 * and kept here, so the lightbox works in standby too.
 */
export class FeedbackMedia {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly deps: FeedbackMediaDeps) {
    mkdirSync(deps.dir, { recursive: true });
    if (this.pendingRefs().length) this.schedule(0);
  }

  hasLocal(ref: string): boolean {
    return REF.test(ref) && existsSync(join(this.deps.dir, ref));
  }

  isUploaded(ref: string): boolean {
    return this.hasLocal(ref) && !existsSync(join(this.deps.dir, `${ref}.pending`));
  }

  async attach(type: 'image/jpeg' | 'image/png', data: Buffer): Promise<{ ref: string; uploaded: boolean }> {
    if (data.length > MAX_BYTES) throw new IocError('invalid_input', `The photo is larger than ${MAX_BYTES / 1024 / 1024} MB`);
    const ext = sniff(data);
    if (!ext || (ext === 'jpg') !== (type === 'image/jpeg')) throw new IocError('invalid_input', 'Only JPEG or PNG photos (the file content does not match)');
    const ref = `${createHash('sha256').update(data).digest('hex')}.${ext}`;
    const file = join(this.deps.dir, ref);
    if (!existsSync(file)) {
      writeFileSync(`${file}.pending`, '');
      writeFileSync(`${file}.tmp`, data);
      renameSync(`${file}.tmp`, file);
    }
    if (this.isUploaded(ref)) return { ref, uploaded: true };
    const uploaded = await this.upload(ref).catch(() => false);
    if (!uploaded) this.schedule(RETRY_MS);
    else this.deps.onUploaded?.();
    return { ref, uploaded };
  }

  /** The photo as a data: URL (CSP allows data: images), from here or the server. */
  async dataUrl(ref: string): Promise<string> {
    if (/^data:image\/(png|jpeg);base64,/.test(ref)) return ref;
    const m = REF.exec(ref);
    const local = m ? join(this.deps.dir, ref) : null;
    let data: Buffer | null = local && existsSync(local) ? readFileSync(local) : null;
    if (!data) {
      const auth = this.deps.serverAuth();
      // A media ref comes from the server's staff route (an unpublished answer's photo is not public).
      const url = m ? (auth ? `${auth.url}/api/v1/media/${ref}` : null) : /^https?:\/\//.test(ref) ? ref : null;
      if (!url) throw new IocError('unavailable', 'The photo is not on this machine and the central server is not reachable');
      const headers = m && auth ? staffHeaders(auth.token) : {};
      const res = await (this.deps.fetch ?? fetch)(url, { headers, signal: AbortSignal.timeout(10_000) }).catch((e: Error) => {
        throw new IocError('unavailable', `Photo download failed: ${e.message}`);
      });
      if (!res.ok) throw new IocError(res.status === 404 ? 'not_found' : 'unavailable', `Photo download failed: HTTP ${res.status}`);
      data = Buffer.from(await res.arrayBuffer());
      if (data.length > MAX_BYTES * 2 || !sniff(data)) throw new IocError('invalid_input', 'Not a JPEG/PNG photo');
      if (local) writeFileSync(local, data);
    }
    const ext = sniff(data);
    if (!ext) throw new IocError('invalid_input', 'Not a JPEG/PNG photo');
    return `data:image/${ext === 'jpg' ? 'jpeg' : 'png'};base64,${data.toString('base64')}`;
  }

  /** Try the pending uploads soon (data arrived: the server is back). */
  kick(): void {
    if (this.pendingRefs().length) this.schedule(0);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private pendingRefs(): string[] {
    return readdirSync(this.deps.dir)
      .filter((f) => f.endsWith('.pending'))
      .map((f) => f.slice(0, -'.pending'.length))
      .filter((r) => REF.test(r));
  }

  private schedule(ms: number): void {
    if (this.disposed || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.uploadPending().finally(() => {
        this.running = null;
        if (this.pendingRefs().length) this.schedule(RETRY_MS);
      });
    }, ms);
    this.timer.unref?.();
  }

  private async uploadPending(): Promise<void> {
    let any = false;
    for (const ref of this.pendingRefs()) {
      if (this.disposed) return;
      if (await this.upload(ref).catch(() => false)) any = true;
      else break; // the server is not there: try again later
    }
    if (any) this.deps.onUploaded?.();
  }

  private async upload(ref: string): Promise<boolean> {
    const auth = this.deps.serverAuth();
    if (!auth) return false;
    const data = readFileSync(join(this.deps.dir, ref));
    const res = await (this.deps.fetch ?? fetch)(`${auth.url}/api/v1/media`, {
      method: 'POST',
      headers: { ...staffHeaders(auth.token), 'content-type': ref.endsWith('.png') ? 'image/png' : 'image/jpeg' },
      body: data,
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) {
      this.deps.log?.('warn', 'photo upload refused', { ref, status: res.status, body: (await res.text()).slice(0, 200) });
      return false;
    }
    const body = (await res.json()) as { ref?: string };
    if (body.ref !== ref) this.deps.log?.('warn', 'the server named the photo differently', { ref, server: body.ref });
    rmSync(join(this.deps.dir, `${ref}.pending`), { force: true });
    return true;
  }
}

function sniff(data: Buffer): 'jpg' | 'png' | null {
  if (data.length > 8 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png';
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  return null;
}
